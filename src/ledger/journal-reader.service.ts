import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { EntityManager } from 'typeorm';
import { Database } from '../database/database';
import { JournalKind } from './ledger-event';

export interface JournalEntryView {
  account: string;
  amount: string;
  currency: string;
  balanceAfter: string;
}

export interface JournalTransactionView {
  seq: number;
  id: string;
  kind: string;
  actorPrincipalId: string | null;
  occurredAt: string;
  body: unknown;
  contentHash: string;
  chainIndex: number | null;
  hash: string | null;
  prevHash: string | null;
  entries: JournalEntryView[];
}

interface TransactionRow {
  seq: string;
  id: string;
  kind: string;
  actor_principal_id: string | null;
  occurred_at: Date;
  body: string;
  content_hash: Buffer;
  chain_index: string | null;
  hash: Buffer | null;
  prev_hash: Buffer | null;
  entries: JournalEntryView[] | null;
}

const TRANSACTION_COLUMNS = `
  SELECT t.seq, t.id, t.kind, t.actor_principal_id, t.occurred_at, t.body, t.content_hash,
         c.chain_index, c.hash, c.prev_hash,
         (SELECT json_agg(json_build_object('account', a.code, 'amount', e.amount::text,
                                            'currency', e.currency, 'balanceAfter', e.balance_after::text)
                          ORDER BY e.position)
            FROM journal_entries e JOIN ledger_accounts a ON a.id = e.account_id
           WHERE e.transaction_seq = t.seq) AS entries`;

/** One query shape for paging and export: a transaction, its chain link and its entries. */
const TRANSACTIONS_SQL = `${TRANSACTION_COLUMNS}
    FROM journal_transactions t
    LEFT JOIN journal_chain c ON c.transaction_seq = t.seq
   WHERE t.seq > $1
   ORDER BY t.seq`;

/** The sealed chain from a chain index on, in chain order. */
const CHAIN_SQL = `${TRANSACTION_COLUMNS}
    FROM journal_chain c
    JOIN journal_transactions t ON t.seq = c.transaction_seq
   WHERE c.chain_index >= $1
   ORDER BY c.chain_index`;

@Injectable()
export class JournalReaderService {
  constructor(private readonly database: Database) {}

  /**
   * Keyset paging by seq: every transaction, sealed or not, in the order seq was assigned.
   * `nextAfterSeq` is null once a page comes back short: there is nothing more for now.
   * Ledger pages, accounts and the export read from the read replica when there is one (they
   * may be a moment behind); the followers below (webhooks) and positions read the primary.
   */
  async page(afterSeq: number, limit: number): Promise<{ items: JournalTransactionView[]; nextAfterSeq: number | null }> {
    const rows: TransactionRow[] = await this.database.replicaReader.query(`${TRANSACTIONS_SQL} LIMIT $2`, [afterSeq, limit]);
    const items = rows.map(toView);
    return { items, nextAfterSeq: items.length === limit ? items[items.length - 1].seq : null };
  }

  /**
   * The same paging narrowed to one kind and/or one escrow account (the console's journal
   * browser); `nextAfterSeq` as in `page`.
   */
  async filteredPage(
    afterSeq: number,
    limit: number,
    filter: { kind?: string; escrowAccountId?: string },
  ): Promise<{ items: JournalTransactionView[]; nextAfterSeq: number | null }> {
    const rows: TransactionRow[] = await this.database.replicaReader.query(
      `${TRANSACTION_COLUMNS}
         FROM journal_transactions t
         LEFT JOIN journal_chain c ON c.transaction_seq = t.seq
        WHERE t.seq > $1 AND ($3::text IS NULL OR t.kind = $3) AND ($4::uuid IS NULL OR t.escrow_account_id = $4)
        ORDER BY t.seq LIMIT $2`,
      [afterSeq, limit, filter.kind ?? null, filter.escrowAccountId ?? null],
    );
    const items = rows.map(toView);
    return { items, nextAfterSeq: items.length === limit ? items[items.length - 1].seq : null };
  }

  /**
   * Paging by chain index: sealed transactions only, in chain order. Unlike seq, a chain index
   * is final once given and the chain only grows at its end, so a reader that keeps asking from
   * `nextFromChainIndex` sees every transaction exactly once, however writers' commits interleave.
   */
  async chainPage(fromChainIndex: number, limit: number): Promise<{ items: JournalTransactionView[]; nextFromChainIndex: number }> {
    const rows: TransactionRow[] = await this.database.replicaReader.query(`${CHAIN_SQL} LIMIT $2`, [fromChainIndex, limit]);
    const items = rows.map(toView);
    return { items, nextFromChainIndex: items.length > 0 ? items[items.length - 1].chainIndex! + 1 : fromChainIndex };
  }

  /**
   * For followers that take some kinds only (webhook endpoints): the first `limit` sealed
   * transactions after `afterChainIndex` of one of `kinds` (null: every kind), in chain order,
   * and `through`, the chain index up to which the answer is complete: the last one returned
   * when `limit` were found, else the chain's end as it stood (chain indexes are final and the
   * chain only grows at its end, so nothing of those kinds will ever appear up to `through`).
   */
  async chainedAfter(
    afterChainIndex: number,
    kinds: readonly string[] | null,
    limit: number,
  ): Promise<{ items: JournalTransactionView[]; through: number }> {
    const [{ head }] = await this.database.reader.query(`SELECT coalesce(max(chain_index), -1)::text AS head FROM journal_chain`);
    const rows: TransactionRow[] = await this.database.reader.query(
      `${TRANSACTION_COLUMNS}
         FROM journal_chain c
         JOIN journal_transactions t ON t.seq = c.transaction_seq
        WHERE c.chain_index > $1 AND c.chain_index <= $2 AND ($3::text[] IS NULL OR t.kind = ANY ($3))
        ORDER BY c.chain_index LIMIT $4`,
      [afterChainIndex, head, kinds, limit],
    );
    const items = rows.map(toView);
    return { items, through: items.length === limit ? items[items.length - 1].chainIndex! : Math.max(afterChainIndex, Number(head)) };
  }

  async accounts(): Promise<{ code: string; currency: string; balance: string; version: number }[]> {
    const rows = await this.database.replicaReader.query(
      `SELECT code, currency, balance::text AS balance, version FROM ledger_accounts ORDER BY code`,
    );
    return rows.map((r: { code: string; currency: string; balance: string; version: string }) => ({
      ...r,
      version: Number(r.version),
    }));
  }

  /**
   * Where the journal stands, from index lookups: the chain head, and how many committed
   * transactions follow it in (xid, seq) order, unsealed. Everything up to the head is fixed;
   * after it the unsealed set only grows while the head stays put, so (sealed, unsealed) tells
   * two moments apart, also when a lower seq commits after a higher one (max(seq) would not).
   * Two statements: under READ COMMITTED they may see different moments, which is harmless (the
   * rows after a given head only grow; a moved head changes `sealed` anyway).
   */
  async position(db: EntityManager): Promise<{ sealed: number; unsealed: number; headHash: string | null }> {
    const [head] = await db.query(
      `SELECT chain_index::text AS head_index, hash AS head_hash, xid::text AS xid, transaction_seq::text AS seq
         FROM journal_chain ORDER BY chain_index DESC LIMIT 1`,
    );
    // The head's values as parameters: the planner then sees how few rows follow the head and
    // walks the (xid, seq) index (a correlated form of this query scans the whole table).
    const [{ unsealed }] = await db.query(
      `SELECT count(*)::text AS unsealed FROM journal_transactions WHERE (xid, seq) > ($1::xid8, $2::bigint)`,
      [head?.xid ?? '0', head?.seq ?? '0'],
    );
    return {
      sealed: head ? Number(head.head_index) + 1 : 0,
      unsealed: Number(unsealed),
      headHash: head ? (head.head_hash as Buffer).toString('hex') : null,
    };
  }

  /** When events of these kinds happened in these escrow accounts, with the ids they concern. */
  async eventsOf(
    db: EntityManager,
    escrowAccountIds: readonly string[],
    kinds: readonly JournalKind[],
  ): Promise<{ escrowAccountId: string; kind: JournalKind; refs: Record<string, string>; occurredAt: Date }[]> {
    const rows: { escrow_account_id: string; kind: JournalKind; refs: Record<string, string> | null; occurred_at: Date }[] = await db.query(
      `SELECT escrow_account_id, kind, body::json -> 'refs' AS refs, occurred_at FROM journal_transactions
        WHERE escrow_account_id = ANY ($1) AND kind = ANY ($2) ORDER BY seq`,
      [escrowAccountIds, kinds],
    );
    return rows.map((r) => ({ escrowAccountId: r.escrow_account_id, kind: r.kind, refs: r.refs ?? {}, occurredAt: r.occurred_at }));
  }

  /** The time of each account's latest journal transaction (accounts without one are absent). */
  async lastActivity(db: EntityManager, escrowAccountIds: readonly string[]): Promise<Map<string, Date>> {
    const rows: { id: string; at: Date | null }[] = await db.query(
      `SELECT a.id, (SELECT j.occurred_at FROM journal_transactions j WHERE j.escrow_account_id = a.id ORDER BY j.seq DESC LIMIT 1) AS at
         FROM unnest($1::uuid[]) AS a(id)`,
      [escrowAccountIds],
    );
    return new Map(rows.filter((r) => r.at !== null).map((r) => [r.id, r.at!]));
  }

  /**
   * The whole journal as a stream of rows, read through a server-side cursor with
   * backpressure: memory stays flat, however long the journal. It runs in a read-only snapshot
   * transaction of its own, so the export is one consistent state of the ledger, and without
   * the statement timeout (DB_STATEMENT_TIMEOUT_MS guards requests; a long export is one
   * statement that may rightly take minutes). On the read replica when there is one.
   */
  stream(): Promise<Readable> {
    return this.database.replicaStream(EXPORT_SQL);
  }
}

/**
 * The export's shape of TRANSACTIONS_SQL: the same columns, but entries aggregated along one
 * merge join of transactions and entries (both read in seq order) instead of a subquery per
 * transaction, which cost about 10 µs each on a million transactions.
 */
const EXPORT_SQL = `
  SELECT t.seq, t.id, t.kind, t.actor_principal_id, t.occurred_at, t.body, t.content_hash,
         c.chain_index, c.hash, c.prev_hash,
         json_agg(json_build_object('account', a.code, 'amount', e.amount::text,
                                    'currency', e.currency, 'balanceAfter', e.balance_after::text)
                  ORDER BY e.position) FILTER (WHERE e.position IS NOT NULL) AS entries
    FROM journal_transactions t
    LEFT JOIN journal_chain c ON c.transaction_seq = t.seq
    LEFT JOIN journal_entries e ON e.transaction_seq = t.seq
    LEFT JOIN ledger_accounts a ON a.id = e.account_id
   GROUP BY t.seq, c.chain_index
   ORDER BY t.seq`;

export function toView(row: TransactionRow): JournalTransactionView {
  return {
    seq: Number(row.seq),
    id: row.id,
    kind: row.kind,
    actorPrincipalId: row.actor_principal_id,
    occurredAt: row.occurred_at.toISOString(),
    body: JSON.parse(row.body),
    contentHash: row.content_hash.toString('hex'),
    chainIndex: row.chain_index === null ? null : Number(row.chain_index),
    hash: row.hash?.toString('hex') ?? null,
    prevHash: row.prev_hash?.toString('hex') ?? null,
    entries: row.entries ?? [],
  };
}

export type { TransactionRow };
