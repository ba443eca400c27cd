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
  /** The dashboard page (figures rendered on the server), gzip as browsers ask for it. */
  page: LoadResult;
  pageGzipBytes: number;
  /** The escrow account's tranches, 200 a page: the first page, and one near the end (keyset, no OFFSET). */
  trancheFirstPage: LoadResult;
  trancheLastPage: LoadResult;
  tranchePageBytes: number;
}

const TRANCHE_PAGE = 200;

/** Walks the account's tranche pages to the last one: its path (its cost shows whether paging is keyset). */
async function lastTranchePage(url: string, escrowId: string): Promise<string> {
  let path = `/v1/public/escrow-accounts/${escrowId}/tranches?limit=${TRANCHE_PAGE}`;
  for (;;) {
    const res = await fetch(`${url}${path}`);
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
    const { nextCursor } = (await res.json()) as { nextCursor: string | null };
    if (!nextCursor) return path;
    path = `/v1/public/escrow-accounts/${escrowId}/tranches?limit=${TRANCHE_PAGE}&cursor=${encodeURIComponent(nextCursor)}`;
  }
}

function get(url: string, path: string, connections: number, seconds: number, headers: Record<string, string> = {}) {
  return load({ url, connections, duration: seconds, requests: [{ method: 'GET', path, headers }] });
}

/** Health, dashboard (JSON and page), tranche pages and one escrow account, round by round so all see the same machine. */
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
  const pageGzipBytes = Number((await fetch(`${url}/`, { headers: gzip })).headers.get('content-length'));
  const firstPagePath = `/v1/public/escrow-accounts/${cast.escrows[0]}/tranches?limit=${TRANCHE_PAGE}`;
  const tranchePageBytes = (await (await fetch(`${url}${firstPagePath}`)).arrayBuffer()).byteLength;
  const lastPagePath = await lastTranchePage(url, cast.escrows[0]);
  // Warm-up.
  await get(url, '/health', config.readClients, 1);
  await get(url, '/v1/public/dashboard', config.readClients, 1);
  await get(url, '/v1/public/dashboard', config.readClients, 1, gzip);
  await get(url, escrowPath, config.readClients, 1, auth);
  await get(url, '/', config.readClients, 1, gzip);
  await get(url, firstPagePath, config.readClients, 1);

  const runs = {
    health: [] as LoadResult[],
    dashboard: [] as LoadResult[],
    gzip: [] as LoadResult[],
    conditional: [] as LoadResult[],
    escrow: [] as LoadResult[],
    page: [] as LoadResult[],
    firstPage: [] as LoadResult[],
    lastPage: [] as LoadResult[],
  };
  for (let r = 0; r < config.rounds; r++) {
    runs.health.push(await get(url, '/health', config.readClients, config.readSeconds));
    runs.dashboard.push(await get(url, '/v1/public/dashboard', config.readClients, config.readSeconds));
    runs.gzip.push(await get(url, '/v1/public/dashboard', config.readClients, config.readSeconds, gzip));
    const { etag } = await currentEtag();
    runs.conditional.push(etag ? await get(url, '/v1/public/dashboard', config.readClients, config.readSeconds, { 'if-none-match': etag }) : { rps: 0, p50: 0, p99: 0, ok: 0, failed: 0 });
    runs.escrow.push(await get(url, escrowPath, config.readClients, config.readSeconds, auth));
    runs.page.push(await get(url, '/', config.readClients, config.readSeconds, gzip));
    runs.firstPage.push(await get(url, firstPagePath, config.readClients, config.readSeconds));
    runs.lastPage.push(await get(url, lastPagePath, config.readClients, config.readSeconds));
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
    page: medians(runs.page),
    pageGzipBytes,
    trancheFirstPage: medians(runs.firstPage),
    trancheLastPage: medians(runs.lastPage),
    tranchePageBytes,
  };
}
