import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/app-config';

/**
 * The console's origin as people reach it: CONSOLE_PUBLIC_URL, else this request's scheme and
 * host (behind a trusted proxy, its X-Forwarded-Proto and -Host).
 */
export function publicOrigin(request: FastifyRequest, config: AppConfig): string {
  return config.CONSOLE_PUBLIC_URL ?? `${request.protocol}://${request.host}`;
}
