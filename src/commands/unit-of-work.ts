import { Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import { Database } from '../database/database';
import { keyRevoked } from '../auth/identity-errors';
import { IdempotencyStore, StoredAnswer } from '../idempotency/idempotency-store';

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
 * A command whose unit of work runs elsewhere, as one statement for many commands (a batch, see
 * DepositBatcher): what that statement must check and record for it, as `run` would.
 */
export interface BatchedCommandRecord {
  principalId: string;
  /** SHA-256 of the Idempotency-Key (as the store claims it); null without a key. */
  keyHash: Buffer | null;
  requestHash: Buffer | null;
  status: number;
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

  /** What a batch statement checks and records for `command` (its actor must be known). */
  batchRecord(command: CommandContext): BatchedCommandRecord {
    const { principalId, idempotencyKey: key, requestHash } = command;
    if (!principalId) throw new Error('a batched command needs its actor');
    const keyed = key !== undefined && requestHash !== undefined;
    return { principalId, keyHash: keyed ? this.idempotency.keyHash(key) : null, requestHash: keyed ? requestHash : null, status: command.status };
  }

  /** The batch found the actor no longer active: the refusal `run` gives (401). */
  revoked(): Error {
    return keyRevoked();
  }

  /** The batch found the key used before: the first answer, or 422 for another request, as `run` gives. */
  replay(command: CommandContext, previous: StoredAnswer): unknown {
    return this.idempotency.replayOf(previous, command.principalId!, command.idempotencyKey!, command.requestHash!);
  }
}
