import { HttpStatus } from '@nestjs/common';
import type { ErrorCode } from '../../http/error-status';

/**
 * What a refusal means, in a person's words: one line per code any feature can refuse with. A
 * mapped type, like the HTTP statuses (src/http/error-status.ts): a feature's new code does not
 * compile until it has its words here. The domain's own message follows as the detail.
 */
const WORDS: { [Code in ErrorCode]: string } = {
  INVALID_INPUT: 'Something in the form needs correcting.',
  NOT_FOUND: 'That does not exist (any more), or the link is not valid.',
  FORBIDDEN: 'Your role or organization may not do this.',
  FOUR_EYES: 'Someone else must do this: one person cannot act as two.',
  INVALID_STATE: 'This cannot be done in its present state.',
  DATABASE_UNAVAILABLE: 'The service cannot reach its database just now. Please try again in a moment.',
  INSUFFICIENT_FUNDS: 'There is not enough unallocated money for this.',
  CURRENCY_MISMATCH: 'The currencies do not match.',
  POSTING_INVALID: 'The ledger refused this entry. The operator has been told.',
  ACCOUNT_KIND_MISMATCH: 'The ledger refused this entry. The operator has been told.',
  JOURNAL_APPEND_ONLY: 'The journal can only grow: nothing in it can be changed.',
  UNAUTHENTICATED: 'You are signed out, or your access was revoked.',
  ROLE_MISMATCH: 'That role does not belong in an organization of that type.',
  EMAIL_IN_USE: 'That email already belongs to someone: one person, one principal.',
  SIGNING_KEY_REGISTERED: 'You already registered a signing key; it cannot be replaced.',
  SIGNING_KEY_IN_USE: 'That signing key is already someone else\'s: one key, one person.',
  ACCOUNT_CLOSED: 'The escrow account is closed.',
  ACCOUNT_SUSPENDED: 'The escrow account is suspended: nothing can be released until an administrator resumes it.',
  BENCHMARKS_NOT_MET: 'The benchmarks are not met yet: both kinds must exist and be approved by enough monitors.',
  PHASE_ORDER: 'A tranche of an earlier phase in this account must be released or cancelled first (its retained share aside).',
  TRANCHE_EXPIRED: 'The tranche’s release deadline has passed: nothing more of it is released, and what remains goes back to the donor.',
  RETENTION_HELD: 'That reaches into the share retained until the final audit is met.',
  ALREADY_APPROVED: 'You (or someone of your organization, where the tier asks for distinct ones) already approved this request.',
  IDEMPOTENCY_KEY_REUSED: 'This request was already sent with different contents.',
  TREE_BUSY: 'The checkpoint tree is busy being extended. Please try again in a moment.',
  VIOLATION_VERIFIED: 'A verified violation case stops every release here until monitors lift it.',
  UNSUPPORTED_MEDIA_TYPE: 'That kind of file is not accepted: PDF, PNG, JPEG, WebP, plain text or CSV only.',
  FILE_TOO_LARGE: 'That file is too large.',
  CLAIM_EXCEEDS_RELEASED: 'More than the tranche released (less what is already claimed) cannot be claimed back.',
  REPAYMENT_EXCEEDS_CLAIM: 'More than the open claim cannot be repaid.',
  TOO_MANY_REPORTS: 'Too many reports from here just now: please wait a minute and try again.',
  SIGNATURE_INVALID: 'This must be signed with your registered signing key, and the signature did not check out.',
  WEBHOOK_URL_REFUSED: 'Webhooks cannot be sent to that address: it must be https and reach a public address.',
};

/** The words for a code; codes this build does not know get a plain sentence, never the code. */
export function refusalWords(code: string | undefined, status: number): string {
  if (code && code in WORDS) return WORDS[code as ErrorCode];
  if (status === HttpStatus.PAYLOAD_TOO_LARGE) return 'What you sent is too large.';
  if (status === HttpStatus.TOO_MANY_REQUESTS) return 'Too many requests: please wait a minute and try again.';
  if (status === HttpStatus.FORBIDDEN) return 'You may not do this.';
  if (status === HttpStatus.NOT_FOUND) return 'There is no such page.';
  if (status >= 500) return 'Something went wrong on our side. Nothing was changed; the operator has been told.';
  return 'This could not be done.';
}
