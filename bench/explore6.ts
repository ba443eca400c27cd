import { openBenchDatabase, withClient } from './database';
import { startService } from './service';
import { createPrincipal } from './principals';
import { json } from './load';
async function main() {
  const db = await openBenchDatabase(console.error);
  const svc = await startService(db.url, { LOG_LEVEL: 'warn', DB_POOL_SIZE: '6', SEALER_INTERVAL_MS: '50' });
  try {
    const admin = await withClient(db.url, (c) => createPrincipal(c, 'admin', 'Office', 'admin'));
    const donor = await withClient(db.url, (c) => createPrincipal(c, 'donor', 'D', 'donor'));
    const r = await fetch(`${svc.url}/v1/escrow-accounts`, { method: 'POST', headers: json(admin.auth), body: JSON.stringify({ name: `E`, currency: 'USD' }) });
    const escrow = ((await r.json()) as { id: string }).id;
    let stop = false; const statuses: Record<string, number> = {};
    const loops = Array.from({ length: 6 }, async () => { while (!stop) { try { const res = await fetch(`${svc.url}/v1/escrow-accounts/${escrow}/deposits`, { method: 'POST', headers: json(donor.auth), body: '{"amount":"1.00"}' }); const t = await res.text(); statuses[res.status] = (statuses[res.status] ?? 0) + 1; if (res.status === 500) console.log('500', t); } catch (e) { statuses.err = (statuses.err ?? 0) + 1; await new Promise((r) => setTimeout(r, 100)); } } });
    await new Promise((r) => setTimeout(r, 1000));
    for (let i = 0; i < 3; i++) { await withClient(db.url, (c) => c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)); await new Promise((r) => setTimeout(r, 30)); }
    await new Promise((r) => setTimeout(r, 2000));
    stop = true; await Promise.all(loops);
    console.log(statuses);
  } finally { await svc.stop(); await db.drop(); }
}
main().catch((e) => { console.error(e); process.exit(1); });
