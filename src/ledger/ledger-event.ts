import { Money } from '../common/money/money';
import { LedgerAccountRef } from './ledger-accounts';

/** Everything the journal records; sign-offs, approvals and suspensions move no money. */
export const JOURNAL_KINDS = [
  'deposit',
  'tranche_allocated',
  'tranche_cancelled',
  'benchmark_added',
  'benchmark_signoff',
  'release_requested',
  'release_rejected',
  /** A release approval that is not yet the last one its request needs: counted, no money moves. */
  'release_approval',
  /** The last approval a release request needed: the instalment moves to the recipient. */
  'release_approved',
  /** A tranche's deadline passed: its remainder went back to the donor's unallocated funds. */
  'tranche_expired',
  'approval_policy_proposed',
  'approval_policy_approved',
  'approval_policy_rejected',
  'escrow_opened',
  'escrow_suspended',
  'escrow_resumed',
  'escrow_closed',
  'organization_created',
  'principal_requested',
  'principal_approved',
  'principal_claimed',
  'principal_revoked',
  /** The console: an admin (or the host) invited a person to set their sign-in credentials. */
  'invitation_issued',
  /** The console: a person set a password and, where enrolled, a TOTP factor (never the secrets). */
  'credential_enrolled',
  /** A principal's key for signed statements (src/ledger/signed-statement.ts). */
  'signing_key_registered',
  /** Where the journal's events are sent (src/webhooks), and changes to it: secret rotated, disabled, enabled. */
  'webhook_endpoint_created',
  'webhook_endpoint_changed',
  /** A refund outside closing (reserved; the ledger tests post it). */
  'refund',
  // Evidence and oversight (src/evidence, src/oversight; escrow's holds and repayments).
  'evidence_uploaded',
  'report_received',
  'report_message',
  'report_closed',
  'case_opened',
  'case_finding',
  /** A monitor's lift of a verified case (signed as case.finding). */
  'case_lift',
  /** The verify an inspection's violation finding records on the case it opens (signed with that finding). */
  'case_finding_by_inspection',
  'release_hold_placed',
  'release_hold_lifted',
  'recovery_claimed',
  'repayment',
  'inspection_scheduled',
  'inspections_drawn',
  'inspection_finding',
] as const;
export type JournalKind = (typeof JOURNAL_KINDS)[number];

export interface Posting {
  account: LedgerAccountRef;
  /** Signed: positive adds to the account's balance, negative takes from it. */
  amount: Money;
}

/** What a journal body may hold: JSON, canonicalized (RFC 8785) when posted. Money stays a decimal string. */
export type JournalValue = string | number | boolean | null | readonly JournalValue[] | { readonly [key: string]: JournalValue };

export interface LedgerEvent {
  kind: JournalKind;
  actorPrincipalId: string | null;
  escrowAccountId?: string;
  /** Ids of the records the event concerns (trancheId, benchmarkId, releaseRequestId…). */
  refs?: Record<string, string>;
  /** What else an auditor needs to read the event: reasons, decisions, evidence, an approval policy's tiers. */
  details?: Record<string, JournalValue>;
  postings?: Posting[];
}

/** Moves `amount` from one account to another: the two postings of a transfer. */
export function transfer(from: LedgerAccountRef, to: LedgerAccountRef, amount: Money): Posting[] {
  return [
    { account: from, amount: amount.negated() },
    { account: to, amount },
  ];
}

export interface PostedTransaction {
  id: string;
  seq: string;
  contentHash: string;
  /** Each touched account's balance after this transaction, as decimal strings. */
  balances: Record<string, string>;
}

/** One leg as ledger_post takes it: account code, account kind, currency, signed amount. */
export type PreparedLeg = [code: string, kind: string, currency: string, amount: string];

/** A journal transaction built by LedgerService.prepare, ready for ledger_post. */
export interface PreparedTransaction {
  id: string;
  kind: JournalKind;
  actorPrincipalId: string | null;
  escrowAccountId: string | null;
  occurredAt: string;
  /** The canonical body, exactly as hashed. */
  body: string;
  contentHash: Buffer;
  legs: PreparedLeg[];
}
