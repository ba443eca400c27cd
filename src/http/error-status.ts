import { HttpStatus } from '@nestjs/common';
import { AttestationErrorCode } from '../attestation/attestation-errors';
import { IdentityErrorCode } from '../auth/identity-errors';
import { CommonErrorCode } from '../common/errors/common-errors';
import { DatabaseErrorCode } from '../database/database-errors';
import { EscrowErrorCode } from '../escrow/escrow-errors';
import { HoldErrorCode } from '../escrow/holds/hold-errors';
import { EvidenceErrorCode } from '../evidence/evidence-errors';
import { IdempotencyErrorCode } from '../idempotency/idempotency-errors';
import { LedgerErrorCode } from '../ledger/ledger-errors';
import { OversightErrorCode } from '../oversight/oversight-errors';
import { StatementErrorCode } from '../statements/statement-errors';
import { WebhookErrorCode } from '../webhooks/webhook-errors';

/** Every code any feature can refuse with. */
export type ErrorCode =
  | CommonErrorCode
  | DatabaseErrorCode
  | LedgerErrorCode
  | IdentityErrorCode
  | EscrowErrorCode
  | IdempotencyErrorCode
  | AttestationErrorCode
  | HoldErrorCode
  | EvidenceErrorCode
  | OversightErrorCode
  | StatementErrorCode
  | WebhookErrorCode;

/**
 * The one mapping from domain codes to HTTP. A mapped type, so a feature's new code does not
 * compile until it has a status here.
 */
const STATUS: { [Code in ErrorCode]: HttpStatus } = {
  INVALID_INPUT: HttpStatus.BAD_REQUEST,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  FOUR_EYES: HttpStatus.FORBIDDEN,
  INVALID_STATE: HttpStatus.CONFLICT,
  DATABASE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  INSUFFICIENT_FUNDS: HttpStatus.CONFLICT,
  CURRENCY_MISMATCH: HttpStatus.CONFLICT,
  POSTING_INVALID: HttpStatus.INTERNAL_SERVER_ERROR,
  ACCOUNT_KIND_MISMATCH: HttpStatus.INTERNAL_SERVER_ERROR,
  JOURNAL_APPEND_ONLY: HttpStatus.INTERNAL_SERVER_ERROR,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  ROLE_MISMATCH: HttpStatus.CONFLICT,
  EMAIL_IN_USE: HttpStatus.CONFLICT,
  SIGNING_KEY_REGISTERED: HttpStatus.CONFLICT,
  SIGNING_KEY_IN_USE: HttpStatus.CONFLICT,
  ACCOUNT_CLOSED: HttpStatus.CONFLICT,
  ACCOUNT_SUSPENDED: HttpStatus.CONFLICT,
  BENCHMARKS_NOT_MET: HttpStatus.CONFLICT,
  PHASE_ORDER: HttpStatus.CONFLICT,
  TRANCHE_EXPIRED: HttpStatus.CONFLICT,
  RETENTION_HELD: HttpStatus.CONFLICT,
  ALREADY_APPROVED: HttpStatus.CONFLICT,
  IDEMPOTENCY_KEY_REUSED: HttpStatus.UNPROCESSABLE_ENTITY,
  TREE_BUSY: HttpStatus.SERVICE_UNAVAILABLE,
  // Oversight and evidence files.
  VIOLATION_VERIFIED: HttpStatus.CONFLICT,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  FILE_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  CLAIM_EXCEEDS_RELEASED: HttpStatus.CONFLICT,
  REPAYMENT_EXCEEDS_CLAIM: HttpStatus.CONFLICT,
  TOO_MANY_REPORTS: HttpStatus.TOO_MANY_REQUESTS,
  SIGNATURE_INVALID: HttpStatus.BAD_REQUEST,
  WEBHOOK_URL_REFUSED: HttpStatus.BAD_REQUEST,
};

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(STATUS, code);
}

export function statusOfCode(code: string): HttpStatus {
  return (STATUS as Record<string, HttpStatus>)[code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
}

/** Every code a client can see (a 500's code stays in the log). */
export function publicErrorCodes(): ErrorCode[] {
  return (Object.keys(STATUS) as ErrorCode[]).filter((code) => STATUS[code] < 500 || STATUS[code] === HttpStatus.SERVICE_UNAVAILABLE);
}
