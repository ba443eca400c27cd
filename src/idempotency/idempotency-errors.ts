import { DomainError } from '../common/errors/domain-error';

export const IDEMPOTENCY_ERROR_CODES = ['IDEMPOTENCY_KEY_REUSED'] as const;
export type IdempotencyErrorCode = (typeof IDEMPOTENCY_ERROR_CODES)[number];

export class IdempotencyKeyReused extends DomainError<IdempotencyErrorCode> {
  constructor() {
    super('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with a different request');
  }
}
