import { DomainError } from '../common/errors/domain-error';

/** Oversight's own refusals (API.md, "Oversight"); VIOLATION_VERIFIED is escrow's (src/escrow/holds). */
export const OVERSIGHT_ERROR_CODES = ['CLAIM_EXCEEDS_RELEASED', 'REPAYMENT_EXCEEDS_CLAIM', 'TOO_MANY_REPORTS'] as const;
export type OversightErrorCode = (typeof OVERSIGHT_ERROR_CODES)[number];

export class OversightRefusal extends DomainError<OversightErrorCode> {}
