import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DomainError } from '../common/errors/domain-error';
import { translateDatabaseError } from '../database/database-errors';
import { statusOfCode } from './error-status';

interface ErrorBody {
  statusCode: number;
  message: string;
  error?: string;
  code?: string;
  fields?: readonly string[];
  [extra: string]: unknown;
}

/**
 * Every error leaves as JSON with `statusCode` and `message` (plus `code` for domain refusals).
 * Anything unexpected becomes a bare 500: no stack trace or SQL reaches the client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500 && body.statusCode !== HttpStatus.SERVICE_UNAVAILABLE) this.logger.error({ err: exception }, 'request failed');
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    const domain = exception instanceof DomainError ? exception : translateDatabaseError(exception);
    if (domain) return domainBody(domain);
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      // Always statusCode and message, whatever shape the exception carried (terminus' 503 has none).
      return typeof response === 'object' && response !== null
        ? { statusCode: exception.getStatus(), message: exception.message, ...(response as object) }
        : { statusCode: exception.getStatus(), message: String(response) };
    }
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      // Fastify's own client errors: unsupported media type, body too large, malformed JSON.
      return { statusCode: fastifyStatus, error: STATUS_CODES[fastifyStatus], message: (exception as Error).message };
    }
    return internal();
  }
}

function domainBody(error: DomainError): ErrorBody {
  const statusCode = statusOfCode(error.code);
  // A 500 is a bug or an attack: its code goes to the log, not its details to the client.
  if (statusCode >= 500 && statusCode !== HttpStatus.SERVICE_UNAVAILABLE) return internal();
  return {
    statusCode,
    error: STATUS_CODES[statusCode],
    code: error.code,
    message: error.message,
    ...(error.fields ? { fields: error.fields } : {}),
  };
}

function internal(): ErrorBody {
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: 'internal error' };
}
