import { Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { EntityManager } from 'typeorm';
import { IdempotencyKeyReused, RuleViolation } from '../errors/api-errors';

export interface IdempotencyClaim {
  /** Set when the key was used before with the same request: answer with its first response. */
  replay?: { body: unknown };
}

/**
 * Idempotency keys per principal, stored in the request's own transaction (Stripe's model):
 * the first request claims the key; a concurrent duplicate waits on the claim's row lock and
 * then sees the committed first response; a different request under the same key gets 422.
 */
@Injectable()
export class IdempotencyService {
  fingerprint(request: FastifyRequest): Buffer {
    const canonicalBody = canonicalize(request.body ?? null) ?? 'null';
    return createHash('sha256').update(`${request.method} ${request.url}\n${canonicalBody}`).digest();
  }

  async claim(manager: EntityManager, principalId: string, key: string, requestHash: Buffer): Promise<IdempotencyClaim> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO idempotency_keys (principal_id, key, request_hash, status_code)
       VALUES ($1, $2, $3, 0) ON CONFLICT (principal_id, key) DO NOTHING RETURNING 1`,
      [principalId, key, requestHash],
    );
    if (inserted.length > 0) return {};

    const [previous] = (await manager.query(
      `SELECT request_hash, response_body FROM idempotency_keys WHERE principal_id = $1 AND key = $2`,
      [principalId, key],
    )) as { request_hash: Buffer; response_body: string | null }[];
    if (!timingSafeEqual(previous.request_hash, requestHash)) throw new IdempotencyKeyReused();
    if (previous.response_body === null) {
      throw new RuleViolation('INVALID_STATE', 'this request was already completed; its response held a secret that is shown only once');
    }
    return { replay: { body: JSON.parse(previous.response_body) } };
  }

  /** Stores the first response as JSON text, or `null` when it must not be kept (a secret). */
  async complete(manager: EntityManager, principalId: string, key: string, status: number, responseJson: string | null): Promise<void> {
    await manager.query(
      `UPDATE idempotency_keys SET status_code = $3, response_body = $4 WHERE principal_id = $1 AND key = $2`,
      [principalId, key, status, responseJson],
    );
  }
}
