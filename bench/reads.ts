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
  /** The dashboard for a client that accepts gzip, as browsers do. */
  dashboardGzip: LoadResult;
  dashboardGzipBytes: number;
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
  const gzip = { 'accept-encoding': 'gzip' };
  /** The current ETag (a checkpoint or the sealer may move the watermark between rounds). */
  const currentEtag = async (encoding = 'identity') => {
    const res = await fetch(`${url}/v1/public/dashboard`, { headers: { 'accept-encoding': encoding } });
    if (!res.ok) throw new Error(`GET /v1/public/dashboard answered ${res.status}`);
    await res.arrayBuffer();
    // fetch inflates a gzip body: the bytes on the wire are in content-length.
    return { etag: res.headers.get('etag'), bytes: Number(res.headers.get('content-length')) };
  };
  const { bytes: dashboardBytes } = await currentEtag();
  const { bytes: dashboardGzipBytes } = await currentEtag('gzip');
  // Warm-up.
  await get(url, '/health', config.readClients, 1);
  await get(url, '/v1/public/dashboard', config.readClients, 1);
  await get(url, '/v1/public/dashboard', config.readClients, 1, gzip);
  await get(url, escrowPath, config.readClients, 1, auth);

  const runs = { health: [] as LoadResult[], dashboard: [] as LoadResult[], gzip: [] as LoadResult[], conditional: [] as LoadResult[], escrow: [] as LoadResult[] };
  for (let r = 0; r < config.rounds; r++) {
    runs.health.push(await get(url, '/health', config.readClients, config.readSeconds));
    runs.dashboard.push(await get(url, '/v1/public/dashboard', config.readClients, config.readSeconds));
    runs.gzip.push(await get(url, '/v1/public/dashboard', config.readClients, config.readSeconds, gzip));
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
    dashboardGzip: medians(runs.gzip),
    dashboardGzipBytes,
    escrow: medians(runs.escrow),
    escrowTranches,
  };
}
