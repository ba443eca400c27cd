import type { FastifyReply, FastifyRequest } from 'fastify';

/** The cookies of a request, by name (the first of a name wins, as browsers send the most specific first). */
export function readCookies(request: FastifyRequest): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * Behind TLS, cookies are Secure and take the __Host- prefix (bound to this host and path /, so
 * no sibling subdomain can set them). Whether the request came over TLS is Fastify's
 * `request.protocol`: the socket's, or X-Forwarded-Proto when TRUST_PROXY says the proxy is ours.
 */
export function overTls(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

export type CookieName = 'session' | 'form' | 'sso';

export function cookieName(request: FastifyRequest, name: CookieName): string {
  return `${overTls(request) ? '__Host-' : ''}ael_${name}`;
}

export function readCookie(request: FastifyRequest, name: CookieName): string | undefined {
  return readCookies(request).get(cookieName(request, name));
}

/**
 * HttpOnly always; SameSite=Strict for the session and the form token. The single sign-on
 * cookie is Lax: it must come back on the identity provider's redirect, a cross-site top-level
 * navigation, and it only carries that sign-in's state, nonce and PKCE verifier.
 */
export function setCookie(reply: FastifyReply, request: FastifyRequest, name: CookieName, value: string, maxAgeSeconds: number): void {
  const attributes = [
    `${cookieName(request, name)}=${value}`,
    'Path=/',
    'HttpOnly',
    `SameSite=${name === 'sso' ? 'Lax' : 'Strict'}`,
    `Max-Age=${maxAgeSeconds}`,
    ...(overTls(request) ? ['Secure'] : []),
  ];
  const previous = reply.getHeader('set-cookie');
  const list = previous === undefined ? [] : Array.isArray(previous) ? previous.map(String) : [String(previous)];
  void reply.header('set-cookie', [...list, attributes.join('; ')]);
}

export function clearCookie(reply: FastifyReply, request: FastifyRequest, name: CookieName): void {
  setCookie(reply, request, name, '', 0);
}
