/**
 * What the verifier reads: the journal's rows as PostgreSQL writes them in text (no Date, Buffer
 * or object per row), in batches, in the orders below. `journal-streams.ts` produces them from
 * one snapshot; unit tests produce them from arrays. Timestamps are PostgreSQL's ISO text in UTC
 * ("2026-11-25 16:05:53.12+00"), bytea is "\x" and lowercase hex, numerics are plain decimals.
 */

/** ledger_accounts, in id order. */
export type AccountRow = [id: string, code: string, kind: string, currency: string, balance: string];

/** journal_transactions, in seq order. */
export type TransactionRow = [
  seq: string,
  id: string,
  kind: string,
  actorPrincipalId: string | null,
  escrowAccountId: string | null,
  occurredAt: string,
  body: string,
  contentHash: string,
];

/** journal_entries, in (transaction_seq, position) order. */
export type EntryRow = [transactionSeq: string, position: string, accountId: string, amount: string, currency: string, balanceAfter: string];

/**
 * journal_transactions in the sealer's order, (xid, seq), each with its journal_chain row when
 * it has one (else the chain columns are null).
 */
export type SealerOrderRow = [
  seq: string,
  xid: string,
  contentHash: string,
  chainIndex: string | null,
  chainXid: string | null,
  prevHash: string | null,
  hash: string | null,
];

export interface ChainSummary {
  /** How many journal_chain rows there are. */
  rows: number;
  /** The hash of the highest chain index (hex, no "\x"), null for an empty chain. */
  headHash: string | null;
}

/** Who holds a chain index: its transaction's seq, and whether that transaction is stored. */
export interface ChainIndexHolder {
  transactionSeq: string;
  present: boolean;
}

export interface JournalRows {
  accounts: AsyncIterable<AccountRow[]>;
  transactions: AsyncIterable<TransactionRow[]>;
  entries: AsyncIterable<EntryRow[]>;
  sealerOrder: AsyncIterable<SealerOrderRow[]>;
  chainSummary(): Promise<ChainSummary>;
  /** Lookups to word a chain problem, asked only after one was found. */
  chainIndexHolder(chainIndex: bigint): Promise<ChainIndexHolder | undefined>;
  /** The lowest chain index whose transaction is not stored, if any. */
  firstOrphanLink(): Promise<{ chainIndex: string; transactionSeq: string } | undefined>;
}

export interface VerificationResult {
  ok: boolean;
  transactions: number;
  sealed: number;
  headHash: string | null;
  firstBrokenSeq: number | null;
  problem: string | null;
}

/** A problem and the seq it breaks at (null: at no one transaction). */
export interface Problem {
  seq: number | null;
  problem: string;
}

/** Whether bytea text ("\x…") holds the bytes written in `hex` (without building a string). */
export function isHexOf(bytea: string | null, hex: string): boolean {
  return bytea !== null && bytea.length === hex.length + 2 && bytea.startsWith('\\x') && bytea.endsWith(hex);
}
