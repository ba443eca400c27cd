import { request } from 'node:http';
import { withClient } from './database';
import { median } from './load';
import { RunningService } from './service';

export interface VerifyResults {
  transactions: number;
  sealed: number;
  seconds: number;
  perSecond: number;
  peakRssMiB: number;
  ok: boolean;
}

export interface ExportResults {
  transactions: number;
  megabytes: number;
  seconds: number;
  peakRssMiB: number;
}

/** Waits until the sealer (of a running service) has chained every journal transaction. */
export async function waitForSealing(dbUrl: string, log: (m: string) => void, timeoutS = 600): Promise<void> {
  const started = Date.now();
  let last = 0;
  for (;;) {
    const { total, sealed } = await withClient(dbUrl, async (c) => (await c.query(
      `SELECT (SELECT count(*) FROM journal_transactions)::int AS total, (SELECT count(*) FROM journal_chain)::int AS sealed`,
    )).rows[0]);
    if (sealed >= total) return;
    if (Date.now() - last > 10_000) {
      last = Date.now();
      log(`  sealing: ${sealed} of ${total}`);
    }
    if (Date.now() - started > timeoutS * 1000) throw new Error(`the sealer chained only ${sealed} of ${total} in ${timeoutS} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** GET /v1/ledger/verify `rounds` times on a fresh service process; medians, and its peak RSS. */
export async function measureVerify(service: RunningService, auth: string, rounds: number): Promise<VerifyResults> {
  const seconds: number[] = [];
  let last: { ok: boolean; transactions: number; sealed: number } | undefined;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const res = await fetch(`${service.url}/v1/ledger/verify`, { headers: { authorization: auth } });
    const body = (await res.json()) as { ok: boolean; transactions: number; sealed: number; problem?: string };
    seconds.push((performance.now() - t0) / 1000);
    if (!res.ok || !body.ok) throw new Error(`verify failed: ${res.status} ${JSON.stringify(body)}`);
    last = body;
  }
  const s = median(seconds);
  return { transactions: last!.transactions, sealed: last!.sealed, seconds: s, perSecond: last!.transactions / s, peakRssMiB: service.peakRssMiB(), ok: last!.ok };
}

/** Streams GET /v1/ledger/export?format=ndjson `rounds` times, counting lines and bytes. */
export async function measureExport(service: RunningService, auth: string, rounds: number, expected: number): Promise<ExportResults> {
  const seconds: number[] = [];
  let bytes = 0;
  let lines = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    ({ bytes, lines } = await download(`${service.url}/v1/ledger/export?format=ndjson`, auth));
    seconds.push((performance.now() - t0) / 1000);
    if (lines !== expected) throw new Error(`export gave ${lines} lines, expected ${expected}`);
  }
  return { transactions: lines, megabytes: bytes / 1024 / 1024, seconds: median(seconds), peakRssMiB: service.peakRssMiB() };
}

function download(url: string, auth: string): Promise<{ bytes: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: auth } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`export answered ${res.statusCode}`));
        res.resume();
        return;
      }
      let bytes = 0;
      let lines = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      });
      res.on('end', () => resolve({ bytes, lines }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
