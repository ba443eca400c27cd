import { Cast } from './cast';
import { BenchConfig } from './config';
import { load, LoadResult, medians } from './load';

export interface ReadResults {
  tranches: number;
  health: LoadResult;
  dashboard: LoadResult;
  /** The dashboard revalidated with its ETag (304 while the ledger has not moved). */
  dashboardConditional: LoadResult;
  /** Bytes of one full dashboard answer (no compression). */
  dashboardBytes: number;
  escrow: LoadResult;
  escrowTranches: number;
}

function get(url: string, path: string, connections: number, seconds: number, headers: Record<string, string> = {}) {
  return load({ url, connections, duration: seconds, requests: [{ method: 'GET', path, headers }] });
}

/** Health, dashboard and one escrow account, round by round so all three see the same machine. */
export async function measureReads(url: string, cast: Cast, config: BenchConfig, tranches: number, escrowTranches: number): Promise<ReadResults> {
  const escrowPath = `/v1/escrow-accounts/${cast.escrows[0]}`;
  const auth = { authorization: cast.auditor.auth };
  /** The current ETag (a checkpoint or the sealer may move the watermark between rounds). */
  const currentEtag = async () => {
    const res = await fetch(`${url}/v1/public/dashboard`);
    if (!res.ok) throw new Error(`GET /v1/public/dashboard answered ${res.status}`);
    const bytes = (await res.arrayBuffer()).byteLength;
    return { etag: res.headers.get('etag'), bytes };
  };
  const { bytes: dashboardBytes } = await currentEtag();
  // Warm-up.
  await get(url, '/health', config.readClients, 1);
  await get(url, '/v1/public/dashboard', config.readClients, 1);
  await get(url, escrowPath, config.readClients, 1, auth);

  const runs = { health: [] as LoadResult[], dashboard: [] as LoadResult[], conditional: [] as LoadResult[], escrow: [] as LoadResult[] };
  for (let r = 0; r < config.rounds; r++) {
    runs.health.push(await get(url, '/health', config.readClients, config.readSeconds));
    runs.dashboard.push(await get(url, '/v1/public/dashboard', config.readClients, config.readSeconds));
    const { etag } = await currentEtag();
    runs.conditional.push(etag ? await get(url, '/v1/public/dashboard', config.readClients, config.readSeconds, { 'if-none-match': etag }) : { rps: 0, p50: 0, p99: 0, ok: 0, failed: 0 });
    runs.escrow.push(await get(url, escrowPath, config.readClients, config.readSeconds, auth));
  }
  return {
    tranches,
    health: medians(runs.health),
    dashboard: medians(runs.dashboard),
    dashboardConditional: medians(runs.conditional),
    dashboardBytes,
    escrow: medians(runs.escrow),
    escrowTranches,
  };
}
