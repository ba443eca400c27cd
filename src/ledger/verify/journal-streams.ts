import { Snapshot } from '../../database/database';
import { JournalRows } from './journal-rows';

/**
 * The database side of verification, and all of it: the journal's rows from server-side
 * cursors in one snapshot, as the verifier reads them (journal-rows.ts).
 *
 * Why this shape (profiled on 1M transactions): rows come as arrays of raw text (no Date, Buffer
 * or object per row); transactions and their entries come from two cursors that the verifier
 * merges (a join sent each body once per entry); each cursor's next batch is asked for before
 * the current one is handed over (Snapshot.cursor), so PostgreSQL produces rows while this
 * process checks.
 */

const BATCH = 2000;

/**
 * The journal as `snapshot` sees it. Sets the time zone to UTC and bytea output to hex for that
 * transaction only (SET LOCAL), so timestamps and hashes read as the verifier expects them.
 * Closes every cursor `work` left open.
 */
export async function withJournalRows<T>(snapshot: Snapshot, work: (rows: JournalRows) => Promise<T>): Promise<T> {
  await snapshot.query(`SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO'; SET LOCAL bytea_output = 'hex'`);
  const opened: AsyncGenerator<unknown>[] = [];
  const stream = <Row>(sql: string): AsyncIterable<Row[]> => ({
    [Symbol.asyncIterator]: () => {
      const batches = snapshot.cursor<Row>(sql, [], { batchSize: BATCH, raw: true });
      opened.push(batches);
      return batches;
    },
  });
  try {
    return await work({
      accounts: stream(`SELECT id, code, kind, currency, balance FROM ledger_accounts ORDER BY id`),
      transactions: stream(`SELECT seq, id, kind, actor_principal_id, escrow_account_id, occurred_at, body, content_hash
           FROM journal_transactions ORDER BY seq`,
      ),
      entries: stream(`SELECT transaction_seq, position, account_id, amount, currency, balance_after
           FROM journal_entries ORDER BY transaction_seq, position`,
      ),
      sealerOrder: stream(`SELECT t.seq, t.xid, t.content_hash, c.chain_index, c.xid, c.prev_hash, c.hash
           FROM journal_transactions t LEFT JOIN journal_chain c ON c.transaction_seq = t.seq
          ORDER BY t.xid, t.seq`,
      ),
      chainSummary: async () => {
        const [{ rows, head }] = await snapshot.query<{ rows: string; head: string | null }>(
          `SELECT count(*)::text AS rows, (SELECT encode(hash, 'hex') FROM journal_chain ORDER BY chain_index DESC LIMIT 1) AS head
             FROM journal_chain`,
        );
        return { rows: Number(rows), headHash: head };
      },
      chainIndexHolder: async (chainIndex) => {
        const [held] = await snapshot.query<{ seq: string; present: boolean }>(
          `SELECT c.transaction_seq::text AS seq, EXISTS (SELECT 1 FROM journal_transactions t WHERE t.seq = c.transaction_seq) AS present
             FROM journal_chain c WHERE c.chain_index = $1`,
          [String(chainIndex)],
        );
        return held && { transactionSeq: held.seq, present: held.present };
      },
      firstOrphanLink: async () => {
        const [orphan] = await snapshot.query<{ index: string; seq: string }>(
          `SELECT c.chain_index::text AS index, c.transaction_seq::text AS seq FROM journal_chain c
            WHERE NOT EXISTS (SELECT 1 FROM journal_transactions t WHERE t.seq = c.transaction_seq)
            ORDER BY c.chain_index LIMIT 1`,
        );
        return orphan && { chainIndex: orphan.index, transactionSeq: orphan.seq };
      },
    });
  } finally {
    for (const batches of opened) await batches.return(undefined).catch(() => undefined);
  }
}
