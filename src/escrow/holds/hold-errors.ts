import { DomainError } from '../../common/errors/domain-error';

/**
 * A verified violation stops releases in its scope (API.md, "Oversight"); the first rule a
 * release checks (API.md, "Errors": VIOLATION_VERIFIED comes first).
 */
export const HOLD_ERROR_CODES = ['VIOLATION_VERIFIED'] as const;
export type HoldErrorCode = (typeof HOLD_ERROR_CODES)[number];

export class ViolationVerified extends DomainError<HoldErrorCode> {
  constructor(caseId: string, what: string) {
    super('VIOLATION_VERIFIED', `violation case ${caseId} is verified in this scope: ${what}`);
  }
}
