import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SAFE = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The id a request's log lines carry: the caller's X-Request-Id when it cannot forge a log line
 * (1–64 characters of [A-Za-z0-9._-], API.md "Input hygiene"), else one of the server's own.
 */
export function requestIdFor(request: Pick<IncomingMessage, 'headers'>): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && SAFE.test(incoming) ? incoming : randomUUID();
}
