import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { SECURITY_HEADERS } from '../common/http/security-headers';

/**
 * The errors the HTTP layer answers itself, before any route or hook: a malformed URL, a path
 * parameter beyond the length limit (Fastify's frameworkErrors), and what Node's parser refuses
 * (headers or a request line too large, a garbled request: clientError). They get the API's
 * error shape and the security headers like every other answer.
 */
export function frameworkErrors(error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const statusCode = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  const message = statusCode === 414 ? 'a path parameter is too long' : 'the URL is malformed (an invalid percent-encoding)';
  void reply.status(statusCode).headers(SECURITY_HEADERS).type('application/json; charset=utf-8').send({ statusCode, error: STATUS_CODES[statusCode], message });
}

export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const statusCode = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    statusCode === 431 ? 'the request line or headers are too large' : statusCode === 408 ? 'the request took too long to arrive' : 'the request is not valid HTTP';
  const body = JSON.stringify({ statusCode, error: STATUS_CODES[statusCode], message });
  const headers = Object.entries({ ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  if (socket.writable) socket.write(`HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\n${headers}\r\n${body}`);
  socket.destroy(error);
}
