import { DomainError } from '../common/errors/domain-error';

export const STATEMENT_ERROR_CODES = ['SIGNATURE_INVALID'] as const;
export type StatementErrorCode = (typeof STATEMENT_ERROR_CODES)[number];

/**
 * A statement that must be signed is not, or not right: missing, stale, or not made by the key
 * the principal registered over exactly this body (400; nothing changes).
 */
export class SignatureInvalid extends DomainError<StatementErrorCode> {
  constructor(problem: string) {
    super('SIGNATURE_INVALID', problem, ['signature']);
  }
}
