import { openBenchDatabase, withClient } from './database';
import { startService } from './service';
import { createPrincipal } from './principals';
import { load, json } from './load';

async function main() {
  const db = await openBenchDatabase(console.error);
  const svc = await startService(db.url, { LOG_LEVEL: 'warn' });
  try {
    const admin = await withClient(db.url, (c) => createPrincipal(c, 'admin', 'Office', 'admin'));
    const donor = await withClient(db.url, (c) => createPrincipal(c, 'donor', 'D', 'donor'));
    const r = await fetch(`${svc.url}/v1/escrow-accounts`, { method: 'POST', headers: json(admin.auth), body: JSON.stringify({ name: `E`, currency: 'USD' }) });
    const escrow = ((await r.json()) as { id: string }).id;
    console.log(await load({ url: svc.url, connections: 8, duration: 3, requests: [{ method: 'POST', path: `/v1/escrow-accounts/${escrow}/deposits`, headers: json(donor.auth), body: '{"amount":"1.00"}' }] }));
    await new Promise((r) => setTimeout(r, 1000));
    await withClient(db.url, async (c) => {
      const { rows } = await c.query(`SELECT c.chain_index, c.transaction_seq, c.xid::text, t.xid::text AS txid, lag(c.xid) OVER (ORDER BY chain_index)::text AS prev_xid, lag(c.transaction_seq) OVER (ORDER BY chain_index) AS prev_seq FROM journal_chain c JOIN journal_transactions t ON t.seq = c.transaction_seq ORDER BY chain_index`);
      const bad = rows.filter((x: any) => x.prev_xid !== null && (BigInt(x.xid) < BigInt(x.prev_xid) || (x.xid === x.prev_xid && Number(x.transaction_seq) < Number(x.prev_seq))));
      console.log('chain', rows.length, 'out of order', bad.slice(0, 5));
      if (bad.length) { const i = Number(bad[0].chain_index); console.log((await c.query(`SELECT c.chain_index, c.transaction_seq, c.xid::text, c.sealed_at, c.hash = lag(c.hash) over (order by chain_index) AS dup FROM journal_chain c WHERE chain_index BETWEEN $1 AND $2 ORDER BY chain_index`, [i - 4, i + 3])).rows); }
      console.log((await c.query(`SELECT count(*) FROM journal_transactions`)).rows, (await c.query(`SELECT xid::text, count(*) FROM journal_transactions GROUP BY xid HAVING count(*) > 1 LIMIT 5`)).rows);
    });
  } finally {
    await svc.stop();
    await db.drop();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
