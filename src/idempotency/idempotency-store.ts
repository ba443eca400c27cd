import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { IdempotencyKeyReused } from './idempotency-errors';
import { openResponse, sealResponse } from './response-sealing';

/** A used key's row as stored: the first request's hash and its answer. */
export interface StoredAnswer {
  request_hash: Buffer;
  response_body: string;
  response_encrypted: boolean;
}

export interface IdempotencyClaim {
  /** Set when the key was used before with the same request: answer with its first response. */
  replay?: { body: unknown };
}

/**
 * Idempotency keys per principal, stored in the command's own transaction (Stripe's model):
 * the first request claims the key; a concurrent duplicate waits on the claim's row lock and
 * then sees the committed first response; a different request under the same key gets 422.
 */
@Injectable()
export class IdempotencyStore {
  async claim(manager: EntityManager, principalId: string, key: string, requestHash: Buffer): Promise<IdempotencyClaim> {
    const keyHash = sha256(key);
    const inserted: unknown[] = await manager.query(
      `INSERT INTO idempotency_keys (principal_id, key_hash, request_hash, status_code)
       VALUES ($1, $2, $3, 0) ON CONFLICT (principal_id, key_hash) DO NOTHING RETURNING 1`,
      [principalId, keyHash, requestHash],
    );
    if (inserted.length > 0) return {};

    const [previous] = (await manager.query(
      `SELECT request_hash, response_body, response_encrypted FROM idempotency_keys WHERE principal_id = $1 AND key_hash = $2`,
      [principalId, keyHash],
    )) as StoredAnswer[];
    return { replay: { body: this.replayOf(previous, principalId, key, requestHash) } };
  }

  /** SHA-256 of the client's key: what the table stores instead of the key. */
  keyHash(key: string): Buffer {
    return sha256(key);
  }

  /**
   * The first answer under a key that was used before, for this same request; 422 for another.
   * `claim` ends here, and so does a batch that found the key taken (deposit_batch).
   */
  replayOf(previous: StoredAnswer, principalId: string, key: string, requestHash: Buffer): unknown {
    if (!timingSafeEqual(previous.request_hash, requestHash)) throw new IdempotencyKeyReused();
    const json = previous.response_encrypted ? openResponse(previous.response_body, key, principalId) : previous.response_body;
    return JSON.parse(json);
  }

  /** Stores the first response as JSON text; one that holds a secret, encrypted (see response-sealing). */
  async complete(
    manager: EntityManager,
    principalId: string,
    key: string,
    status: number,
    response: unknown,
    holdsSecret: boolean,
  ): Promise<void> {
    const json = JSON.stringify(response ?? null);
    await manager.query(
      `UPDATE idempotency_keys SET status_code = $3, response_body = $4, response_encrypted = $5
        WHERE principal_id = $1 AND key_hash = $2`,
      [principalId, sha256(key), status, holdsSecret ? sealResponse(json, key, principalId) : json, holdsSecret],
    );
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
