// Temporary exploration script (not part of the bench).
import { openBenchDatabase, withClient } from './database';
import { startService } from './service';
import { createPrincipal } from './principals';
import { load, json } from './load';
import { cpuMs, cpuSplit } from './cpu';
import { readFileSync } from 'node:fs';
async function postmaster(url: string) { return withClient(url, async (c) => { const pid = (await c.query("SELECT pg_backend_pid() AS p")).rows[0].p; return Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1]); }); }

async function main() {
  const db = await openBenchDatabase(console.error);
  const svc = await startService(db.url, { LOG_LEVEL: process.env.LL ?? 'warn' });
  try {
    const admin = await withClient(db.url, (c) => createPrincipal(c, 'admin', 'Office', 'admin'));
    const donors = await withClient(db.url, async (c) => {
      const out = [];
      for (let i = 0; i < 64; i++) out.push(await createPrincipal(c, 'donor', `Donor ${i}`, 'donor'));
      return out;
    });
    const escrows: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await fetch(`${svc.url}/v1/escrow-accounts`, { method: 'POST', headers: json(admin.auth), body: JSON.stringify({ name: `E${i}`, currency: 'USD' }) });
      escrows.push(((await r.json()) as { id: string }).id);
    }
    if (process.env.BASELINE) await baselineOnly(db.url);
    const pmh = await postmaster(db.url); const h0 = cpuSplit(svc.pid), hp0 = cpuMs(pmh, true);
    const health = process.env.NOHEALTH ? null : await load({ url: svc.url, connections: 8, duration: 5, requests: [{ method: 'GET', path: process.env.HPATH ?? '/health' }] });
    if (health) { const h1 = cpuSplit(svc.pid); console.log('health cpu us/req user', ((h1.user - h0.user) * 1000 / health.ok).toFixed(0), 'sys', ((h1.system - h0.system) * 1000 / health.ok).toFixed(0), 'pg', ((cpuMs(pmh, true) - hp0) * 1000 / health.ok).toFixed(0)); }
    console.log('health', health);
    let k = 0;
    for (const c of [1, 8, 32]) {
      const pm = await postmaster(db.url); const sp0 = cpuSplit(svc.pid); const s0 = cpuMs(svc.pid), p0 = cpuMs(pm, true);
      const dep = await load({
        url: svc.url, connections: c, duration: 6,
        requests: [{ method: 'POST', setupRequest: (req: any) => { const i = k++ % donors.length; return { ...req, path: `/v1/escrow-accounts/${escrows[i % escrows.length]}/deposits`, headers: json(donors[i].auth), body: '{"amount":"10.00"}' }; } }],
      });
      const n = dep.ok; console.log('deposits', c, dep, 'svc us/req', ((cpuMs(svc.pid) - s0) * 1000 / n).toFixed(0), 'pg us/req', ((cpuMs(pm, true) - p0) * 1000 / n).toFixed(0), 'user/sys', ((cpuSplit(svc.pid).user - sp0.user) * 1000 / n).toFixed(0), ((cpuSplit(svc.pid).system - sp0.system) * 1000 / n).toFixed(0));
    }
  } finally {
    await svc.stop();
    await db.drop();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
import { prepareBaseline, runBaseline } from './baseline';
export async function baselineOnly(url: string) {
  await prepareBaseline(url, 64);
  const pm = await postmaster(url);
  for (const c of [1, 8, 32]) { const s0 = process.cpuUsage(), p0 = cpuMs(pm, true); const r = await runBaseline(url, c, 6, 64); const su = process.cpuUsage(s0); console.log('baseline', c, r.rps.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), 'node us/op', ((su.user + su.system) / r.ok).toFixed(0), 'pg us/op', ((cpuMs(pm, true) - p0) * 1000 / r.ok).toFixed(0)); }
}
