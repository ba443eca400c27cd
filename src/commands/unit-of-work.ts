import { Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import { Database } from '../database/database';
import { IdempotencyStore } from '../idempotency/idempotency-store';

/** What a command needs to be retried safely: who asks, under which key, for what. */
export interface CommandContext {
  principalId?: string;
  /** The client's Idempotency-Key; without one (or without a principal) nothing is remembered. */
  idempotencyKey?: string;
  /** Hash of the request (method, path, canonical body): the same key with another request is refused. */
  requestHash?: Buffer;
  /** The status a first answer gets, stored with it for replays. */
  status: number;
  /** The answer holds a secret shown once: stored encrypted under the client's key. */
  holdsSecret?: boolean;
}

/**
 * One command, one transaction: the actor's standing, the idempotency claim, the state change
 * with its journal record, and the stored answer commit together or not at all. Whatever the
 * entry point (an API route, a console form), a command runs through here.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    private readonly database: Database,
    private readonly idempotency: IdempotencyStore,
    private readonly identities: AuthService,
  ) {}

  run<T>(command: CommandContext, work: () => Promise<T>): Promise<T | unknown> {
    return this.database.transaction(async (manager) => {
      const { principalId, idempotencyKey: key } = command;
      // First, under a share lock: a key revoked before this command refuses it; one revoked
      // after waits for it to commit (see AuthService.assertStillActive).
      if (principalId) await this.identities.assertStillActive(manager, principalId);
      if (!principalId || !key || !command.requestHash) return work();
      const claim = await this.idempotency.claim(manager, principalId, key, command.requestHash);
      if (claim.replay) return claim.replay.body;
      const result = await work();
      await this.idempotency.complete(manager, principalId, key, command.status, result, command.holdsSecret === true);
      return result;
    });
  }
}
