import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * helmet's security headers, with a content security policy the pages satisfy (their own
 * scripts only, no inline script), computed once: they are the same for every answer. The
 * HTTP layer's own errors (a 431, a malformed URL) are written without Fastify's hooks, so they
 * need the same set as plain values.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = (() => {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => (headers[name] = Array.isArray(value) ? value.join(', ') : String(value)),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // Off: on a plain-HTTP install (npm start on a laptop) it upgrades the console's own
        // XMLHttpRequest (the evidence upload) to https, which fails. Every page loads only its
        // own origin's resources, so it adds nothing behind TLS, where HSTS does the upgrading.
        upgradeInsecureRequests: null,
      },
    },
  })({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return Object.freeze(headers);
})();

/** The headers on every answer, errors included (set before anything else can answer). */
export function useSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (_request, reply, next) => {
    reply.headers(SECURITY_HEADERS);
    next();
  });
}
