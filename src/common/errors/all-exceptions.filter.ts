import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { translateDatabaseError } from './database-errors';

/**
 * Every error leaves as JSON with `statusCode` and `message` (plus `code` for business rules).
 * Anything unexpected becomes a bare 500: no stack trace or SQL reaches the client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const http = this.toHttpException(exception);
    const status = http.getStatus();
    const response = http.getResponse();
    // Always statusCode and message, whatever shape the exception carried (terminus' 503 has none).
    const body =
      typeof response === 'object' && response !== null
        ? { statusCode: status, message: http.message, ...(response as object) }
        : { statusCode: status, message: String(response) };
    if (status >= 500) this.logger.error({ err: exception }, 'request failed');
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toHttpException(exception: unknown): HttpException {
    if (exception instanceof HttpException) return exception;
    const translated = translateDatabaseError(exception);
    if (translated) return translated;
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      // Fastify's own client errors: unsupported media type, body too large, malformed JSON.
      return new HttpException({ message: (exception as Error).message }, fastifyStatus);
    }
    return new HttpException(
      { error: 'Internal Server Error', message: 'internal error' },
      HttpStatus.INTERNAL_SERVER_ERROR,
    );
  }
}
