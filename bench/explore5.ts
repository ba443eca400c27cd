import { openBenchDatabase, withClient } from './database';
import { startService } from './service';
import { seedJournal } from './journal-seed';
async function main() {
  const db = await openBenchDatabase(console.error);
  const svc = await startService(db.url, { LOG_LEVEL: 'warn', SEALER_INTERVAL_MS: '0' });
  await svc.stop();
  try {
    const t0 = Date.now();
    const n = await seedJournal(db.url, Number(process.env.N ?? 100000), Number(process.env.W ?? 2), console.log);
    console.log('seeded', n, 'in', (Date.now() - t0) / 1000, 's');
    console.log(await withClient(db.url, async (c) => (await c.query('SELECT (SELECT count(*) FROM journal_transactions) t, (SELECT count(*) FROM journal_entries) e, (SELECT count(*) FROM ledger_accounts) a, pg_size_pretty(pg_database_size(current_database())) size')).rows));
  } finally { await db.drop(); }
}
main().catch((e) => { console.error(e); process.exit(1); });
