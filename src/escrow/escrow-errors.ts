import { DomainError } from '../common/errors/domain-error';

/** The escrow domain's business rules that can refuse a request (API.md, "Errors", "Release policy"). */
export const ESCROW_ERROR_CODES = [
  'ACCOUNT_CLOSED',
  'ACCOUNT_SUSPENDED',
  'BENCHMARKS_NOT_MET',
  'PHASE_ORDER',
  'INSUFFICIENT_FUNDS',
  'TRANCHE_EXPIRED',
  'RETENTION_HELD',
  'ALREADY_APPROVED',
] as const;
export type EscrowErrorCode = (typeof ESCROW_ERROR_CODES)[number];

export class EscrowRuleViolation extends DomainError<EscrowErrorCode> {}
