import { randomUUID, createHash } from 'node:crypto';
import { Client } from 'pg';
import { openBenchDatabase, withClient } from './database';
import { startService } from './service';
import { createPrincipal } from './principals';
import { json } from './load';
import { cpuMs } from './cpu';

async function main() {
  const db = await openBenchDatabase(console.error);
  const svc = await startService(db.url, { LOG_LEVEL: 'warn', SEALER_INTERVAL_MS: '0' });
  const admin = await withClient(db.url, (c) => createPrincipal(c, 'admin', 'Office', 'admin'));
  const donor = await withClient(db.url, (c) => createPrincipal(c, 'donor', 'D', 'donor'));
  const r = await fetch(`${svc.url}/v1/escrow-accounts`, { method: 'POST', headers: json(admin.auth), body: JSON.stringify({ name: `E`, currency: 'USD' }) });
  const escrow = ((await r.json()) as { id: string }).id;
  await svc.stop();
  const c = new Client({ connectionString: db.url }); await c.connect();
  const pid = (await c.query('SELECT pg_backend_pid() p')).rows[0].p;
  const N = 2000;
  const measure = async (name: string, fn: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 200; i++) await fn(i);
    const c0 = cpuMs(pid); const t0 = performance.now();
    for (let i = 0; i < N; i++) await fn(i);
    console.log(name.padEnd(30), 'pg us', ((cpuMs(pid) - c0) * 1000 / N).toFixed(0), 'wall us', ((performance.now() - t0) * 1000 / N).toFixed(0));
  };
  const codes = [`donor:${donor.organizationId}:USD`, `escrow:${escrow}:unallocated:${donor.organizationId}`];
  const post = (id: string) => { const body = JSON.stringify({ id, x: 'deposit body'.repeat(20) }); return c.query(`SELECT out_seq, out_code, out_balance FROM ledger_post($1, $2, $3, $4, $5, $6, $7, $8::text[], $9::text[], $10::text[], $11::numeric[])`, [id, 'deposit', donor.id, escrow, new Date().toISOString(), body, createHash('sha256').update(body).digest(), codes, ['external', 'escrow'], ['USD', 'USD'], ['-1.00', '1.00']]); };
  await measure('SELECT 1', () => c.query('SELECT 1'));
  await measure('BEGIN/COMMIT', async () => { await c.query('BEGIN'); await c.query('COMMIT'); });
  await measure('BEGIN/lock share/COMMIT', async () => { await c.query('BEGIN'); await c.query('SELECT id, name, currency, country, description, status, created_at FROM escrow_accounts WHERE id = $1 FOR SHARE', [escrow]); await c.query('COMMIT'); });
  await measure('ledger_post autocommit', () => post(randomUUID()));
  await measure('BEGIN/ledger_post/COMMIT', async () => { await c.query('BEGIN'); await post(randomUUID()); await c.query('COMMIT'); });
  await measure('full deposit tx', async () => {
    await c.query('START TRANSACTION');
    await c.query('SELECT id, name, currency, country, description, status, created_at FROM escrow_accounts WHERE id = $1 FOR SHARE', [escrow]);
    const id = randomUUID(); await post(id);
    await c.query(`INSERT INTO deposits (id, escrow_account_id, organization_id, principal_id, amount, currency, reference, journal_transaction_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [randomUUID(), escrow, donor.organizationId, donor.id, '1.00', 'USD', null, id]);
    await c.query('COMMIT');
  });
  await c.query(`CREATE TABLE ba (id bigint primary key, balance numeric not null default 0, version bigint not null default 0); CREATE TABLE be (id bigint generated always as identity primary key, account_id bigint not null references ba(id), amount numeric not null, balance_after numeric not null); INSERT INTO ba (id) SELECT generate_series(1, 10)`);
  await measure('baseline posting', async () => {
    await c.query('BEGIN');
    await c.query('SELECT id FROM ba WHERE id = ANY ($1) ORDER BY id FOR UPDATE', [[1, 2]]);
    const { rows: [a] } = await c.query('UPDATE ba SET balance = balance - $2, version = version + 1 WHERE id = $1 RETURNING balance::text', [1, '10.00']);
    const { rows: [b] } = await c.query('UPDATE ba SET balance = balance + $2, version = version + 1 WHERE id = $1 RETURNING balance::text', [2, '10.00']);
    await c.query('INSERT INTO be (account_id, amount, balance_after) VALUES ($1, $2, $3), ($4, $5, $6)', [1, '-10.00', a.balance, 2, '10.00', b.balance]);
    await c.query('COMMIT');
  });
  await c.end(); await db.drop();
}
main().catch((e) => { console.error(e); process.exit(1); });
