import { Client } from 'pg';
import { LoadResult } from './load';

/**
 * The raw-SQL baseline: the double-entry posting a deposit makes, done with `pg` directly on the
 * same database: lock two balance rows in id order, update them, insert two entries, commit.
 * Its own two tables, so the service's journal stays what the service wrote.
 */
export async function prepareBaseline(url: string, pairs: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      DROP TABLE IF EXISTS bench_baseline_entries, bench_baseline_accounts;
      CREATE TABLE bench_baseline_accounts (
        id bigint PRIMARY KEY, balance numeric NOT NULL DEFAULT 0, version bigint NOT NULL DEFAULT 0
      );
      CREATE TABLE bench_baseline_entries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id bigint NOT NULL REFERENCES bench_baseline_accounts(id),
        amount numeric NOT NULL, balance_after numeric NOT NULL
      );
      INSERT INTO bench_baseline_accounts (id) SELECT generate_series(1, ${2 * pairs});`);
  } finally {
    await client.end();
  }
}

/**
 * `connections` clients post for `seconds`; posting k moves money within account pair
 * k mod `pairs`, the same spread the deposit load uses.
 */
export async function runBaseline(url: string, connections: number, seconds: number, pairs: number, beforeClose?: () => void): Promise<LoadResult> {
  const clients = await Promise.all(Array.from({ length: connections }, async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    return client;
  }));
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        const pair = next++ % pairs;
        const from = 2 * pair + 1;
        const to = 2 * pair + 2;
        const t0 = performance.now();
        try {
          await client.query('BEGIN');
          await client.query('SELECT id FROM bench_baseline_accounts WHERE id = ANY ($1) ORDER BY id FOR UPDATE', [[from, to]]);
          const { rows: [a] } = await client.query(
            'UPDATE bench_baseline_accounts SET balance = balance - $2, version = version + 1 WHERE id = $1 RETURNING balance::text',
            [from, '10.00'],
          );
          const { rows: [b] } = await client.query(
            'UPDATE bench_baseline_accounts SET balance = balance + $2, version = version + 1 WHERE id = $1 RETURNING balance::text',
            [to, '10.00'],
          );
          await client.query(
            'INSERT INTO bench_baseline_entries (account_id, amount, balance_after) VALUES ($1, $2, $3), ($4, $5, $6)',
            [from, '-10.00', a.balance, to, '10.00', b.balance],
          );
          await client.query('COMMIT');
          latencies.push(performance.now() - t0);
        } catch {
          failed++;
          await client.query('ROLLBACK').catch(() => undefined);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  beforeClose?.(); // the backends' CPU counters go with them
  await Promise.all(clients.map((c) => c.end()));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), ok: latencies.length, failed };
}
