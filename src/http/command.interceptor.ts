import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import canonicalize from 'canonicalize';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, Observable } from 'rxjs';
import { InvalidInput } from '../common/errors/common-errors';
import type { AuthenticatedRequest } from '../common/access/principal';
import { CommandRequest } from '../commands/current-command.decorator';
import { CommandContext, UnitOfWork } from '../commands/unit-of-work';
import { COMMAND_KEY, CommandOptions } from '../common/http/command.decorator';

/** Runs every @Command route as a unit of work, with the client's Idempotency-Key. */
@Injectable()
export class CommandInterceptor implements NestInterceptor {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<CommandOptions | undefined>(COMMAND_KEY, context.getHandler());
    if (!options) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    // Routes that take no key (a whistleblower's report, a claim) ignore the header.
    const key = request.principal ? idempotencyKey(request) : undefined;
    const command: CommandContext = {
      principalId: request.principal?.id,
      idempotencyKey: key,
      requestHash: key ? fingerprint(request) : undefined,
      status: Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED,
      holdsSecret: options.secretInResponse === true,
    };
    if (options.batched) {
      // The handler runs the unit of work itself, many requests to a statement (CommandOptions.batched).
      (request as CommandRequest).command = command;
      return next.handle();
    }
    return from(this.unitOfWork.run(command, () => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}

function idempotencyKey(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || header.length < 1 || header.length > 255) {
    throw new InvalidInput('Idempotency-Key', 'must be a single header of 1 to 255 characters');
  }
  return header;
}

/** The request a key stands for: method, path with query, and the canonical body. */
function fingerprint(request: FastifyRequest): Buffer {
  const canonicalBody = canonicalize(request.body ?? null) ?? 'null';
  return createHash('sha256').update(`${request.method} ${request.url}\n${canonicalBody}`).digest();
}
