import type { PoolClient } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { inReadOnlySnapshot } from '../../common/transaction/read-only-snapshot';
import { JournalRows } from './journal-rows';

/**
 * The database side of verification, and all of it: the snapshot, and the journal's rows from
 * server-side cursors as the verifier reads them (journal-rows.ts).
 *
 * Why this shape (profiled on 1M transactions): rows come as arrays of raw text (no Date, Buffer
 * or object per row); transactions and their entries come from two cursors that the verifier
 * merges (a join sent each body once per entry); each cursor's next batch is asked for before
 * the current one is handed over, so PostgreSQL produces rows while this process checks.
 */

const BATCH = 2000;

/** Raw text for every column: the verifier reads the strings themselves. */
const RAW = { getTypeParser: () => (value: string) => value };

/** Runs `work` in a REPEATABLE READ, READ ONLY transaction of its own: one consistent snapshot. */
export function inJournalSnapshot<T>(dataSource: DataSource, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  return inReadOnlySnapshot(dataSource, work);
}

/**
 * The journal as `runner`'s open transaction sees it (cursors need one; under READ COMMITTED
 * the streams are not one snapshot). Sets the time zone to UTC and bytea output to hex for that
 * transaction only (SET LOCAL), so timestamps and hashes read as the verifier expects them.
 * Closes every cursor `work` left open.
 */
export async function withJournalRows<T>(runner: QueryRunner, work: (rows: JournalRows) => Promise<T>): Promise<T> {
  const client = (await runner.connect()) as PoolClient;
  await client.query(`SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO'; SET LOCAL bytea_output = 'hex'`);
  const opened: AsyncGenerator<unknown>[] = [];
  const stream = <Row>(name: string, sql: string): AsyncIterable<Row[]> => ({
    [Symbol.asyncIterator]: () => {
      const batches = cursorBatches<Row>(client, name, sql);
      opened.push(batches);
      return batches;
    },
  });
  try {
    return await work({
      accounts: stream('verify_accounts', `SELECT id, code, kind, currency, balance FROM ledger_accounts ORDER BY id`),
      transactions: stream(
        'verify_transactions',
        `SELECT seq, id, kind, actor_principal_id, escrow_account_id, occurred_at, body, content_hash
           FROM journal_transactions ORDER BY seq`,
      ),
      entries: stream(
        'verify_entries',
        `SELECT transaction_seq, position, account_id, amount, currency, balance_after
           FROM journal_entries ORDER BY transaction_seq, position`,
      ),
      sealerOrder: stream(
        'verify_chain',
        `SELECT t.seq, t.xid, t.content_hash, c.chain_index, c.xid, c.prev_hash, c.hash
           FROM journal_transactions t LEFT JOIN journal_chain c ON c.transaction_seq = t.seq
          ORDER BY t.xid, t.seq`,
      ),
      chainSummary: async () => {
        const [{ rows, head }] = (
          await client.query(
            `SELECT count(*)::text AS rows, (SELECT encode(hash, 'hex') FROM journal_chain ORDER BY chain_index DESC LIMIT 1) AS head
               FROM journal_chain`,
          )
        ).rows;
        return { rows: Number(rows), headHash: head };
      },
      chainIndexHolder: async (chainIndex) => {
        const [held] = (
          await client.query(
            `SELECT c.transaction_seq::text AS seq, EXISTS (SELECT 1 FROM journal_transactions t WHERE t.seq = c.transaction_seq) AS present
               FROM journal_chain c WHERE c.chain_index = $1`,
            [String(chainIndex)],
          )
        ).rows;
        return held && { transactionSeq: held.seq, present: held.present };
      },
      firstOrphanLink: async () => {
        const [orphan] = (
          await client.query(
            `SELECT c.chain_index::text AS index, c.transaction_seq::text AS seq FROM journal_chain c
              WHERE NOT EXISTS (SELECT 1 FROM journal_transactions t WHERE t.seq = c.transaction_seq)
              ORDER BY c.chain_index LIMIT 1`,
          )
        ).rows;
        return orphan && { chainIndex: orphan.index, transactionSeq: orphan.seq };
      },
    });
  } finally {
    for (const batches of opened) await batches.return(undefined).catch(() => undefined);
  }
}

/**
 * A query's rows in batches through a server-side cursor, the next batch always asked for
 * before the current one is handed over. Closes the cursor at the end, or when the reader stops.
 */
async function* cursorBatches<Row>(client: PoolClient, name: string, sql: string): AsyncGenerator<Row[]> {
  await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`);
  let pending: Promise<Row[]> | undefined;
  try {
    pending = fetchBatch<Row>(client, name);
    while (pending) {
      const rows: Row[] = await pending;
      pending = rows.length < BATCH ? undefined : fetchBatch<Row>(client, name);
      if (rows.length > 0) yield rows;
    }
  } finally {
    await pending?.catch(() => undefined);
    await client.query(`CLOSE ${name}`).catch(() => undefined);
  }
}

function fetchBatch<Row>(client: PoolClient, name: string): Promise<Row[]> {
  const batch: Promise<Row[]> = client
    .query({ text: `FETCH ${BATCH} FROM ${name}`, rowMode: 'array', types: RAW })
    .then((result) => result.rows as Row[]);
  batch.catch(() => undefined); // awaited later; until then a failure is no unhandled rejection
  return batch;
}
