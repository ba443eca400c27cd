import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { FastifyRequest } from 'fastify';
import { IdempotencyService } from './idempotency.service';
import { SECRET_RESPONSE_KEY } from './secret-response.decorator';
import { TransactionContext } from './transaction-context';
import { InvalidField } from '../errors/api-errors';
import type { AuthenticatedRequest } from '../../auth/principal';

/**
 * Every POST runs in one database transaction together with its idempotency record:
 * the effect and the stored response commit together, or neither does.
 */
@Injectable()
export class TransactionInterceptor implements NestInterceptor {
  constructor(
    private readonly transactions: TransactionContext,
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    if (request.method !== 'POST') return next.handle();

    const key = idempotencyKey(request);
    const principalId = request.principal?.id;
    return from(
      this.transactions.run(async (manager) => {
        const claim =
          key && principalId
            ? await this.idempotency.claim(manager, principalId, key, this.idempotency.fingerprint(request))
            : undefined;
        if (claim?.replay) return claim.replay.body;
        const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
        if (claim) {
          const secret = this.reflector.get<boolean>(SECRET_RESPONSE_KEY, context.getHandler()) === true;
          await this.idempotency.complete(manager, principalId!, key!, statusOf(context), result, secret);
        }
        return result;
      }),
    );
  }
}

function idempotencyKey(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || header.length < 1 || header.length > 255) {
    throw new InvalidField('Idempotency-Key', 'must be a single header of 1 to 255 characters');
  }
  return header;
}

function statusOf(context: ExecutionContext): number {
  return Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
}
