import { Client } from 'pg';
import { verifySoundJournal } from '../src/ledger/verify-fast';
async function main() {
  const c = new Client({ connectionString: process.env.URL }); await c.connect();
  await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const t0 = performance.now();
  const r = await verifySoundJournal(c as any);
  console.log(r, ((performance.now() - t0) / 1000).toFixed(2), 's', 'rss', process.memoryUsage().rss / 1048576);
  await c.query('COMMIT'); await c.end();
}
main();
