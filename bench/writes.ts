import { runBaseline, prepareBaseline } from './baseline';
import { Cast, escrowOf, readyTranches } from './cast';
import { BenchConfig } from './config';
import { childrenCpuDeltaMs, childrenCpuMs, postmasterPid, processCpuMs } from './cpu';
import { json, load, LoadResult, medianOf } from './load';
import { RunningService } from './service';

interface CpuMeter {
  servicePid?: number;
  postgresPid?: number;
}

/** Runs `work` and adds its CPU per answered request (service, PostgreSQL, this client process). */
async function metered(meter: CpuMeter, work: (sampleDatabase: () => void) => Promise<LoadResult>): Promise<LoadResult> {
  const service0 = meter.servicePid ? processCpuMs(meter.servicePid) : 0;
  const postgresSample = () => (meter.postgresPid ? childrenCpuMs(meter.postgresPid) : new Map<number, number>());
  const postgres0 = postgresSample();
  let postgres1: Map<number, number> | undefined;
  const client0 = process.cpuUsage();
  const result = await work(() => (postgres1 = postgresSample()));
  const client = process.cpuUsage(client0);
  postgres1 ??= postgresSample();
  const per = (ms: number) => (result.ok > 0 ? (ms * 1000) / result.ok : 0);
  return {
    ...result,
    cpu: {
      service: meter.servicePid ? per(processCpuMs(meter.servicePid) - service0) : null,
      postgres: meter.postgresPid ? per(childrenCpuDeltaMs(postgres0, postgres1)) : null,
      client: per((client.user + client.system) / 1000),
    },
  };
}

export interface WriteRow {
  clients: number;
  deposits: LoadResult;
  baseline: LoadResult;
  /** deposits/s ÷ baseline postings/s, both medians. */
  ratio: number;
  releases: LoadResult;
}

/** Deposit load: request k is donor k mod pairs depositing into its escrow account. */
function depositLoad(url: string, cast: Cast, connections: number, seconds: number) {
  let k = 0;
  const bodies = cast.donors.map((d, i) => ({ path: `/v1/escrow-accounts/${escrowOf(cast, i)}/deposits`, headers: json(d.auth) }));
  return load({
    url,
    connections,
    duration: seconds,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, ...bodies[k++ % bodies.length], body: '{"amount":"10.00"}' }) }],
  });
}

/**
 * "Full releases/s" here: release request + approval pairs (two admins, four eyes) on tranches
 * made ready beforehand (allocated, both benchmarks met). Each pair is two POSTs; the latency
 * figures are per POST.
 */
async function releaseLoad(url: string, cast: Cast, connections: number, tranches: string[], pairs: number): Promise<LoadResult> {
  // `tranches` holds a few more than `pairs`: a connection may start a pair as the run ends.
  const result = await load({
    url,
    connections,
    amount: 2 * pairs,
    requests: [
      {
        method: 'POST',
        setupRequest: (req, context) => {
          const tranche = tranches.pop();
          if (!tranche) return undefined;
          context.request = undefined;
          return { ...req, path: `/v1/tranches/${tranche}/release-requests`, headers: json(cast.admin.auth), body: '{}' };
        },
        onResponse: (status, body, context) => {
          if (status === 201) context.request = (JSON.parse(body) as { id: string }).id;
        },
      },
      {
        method: 'POST',
        setupRequest: (req, context) => ({
          ...req,
          path: `/v1/release-requests/${context.request ?? 'missing'}/approve`,
          headers: json(cast.checker.auth),
          body: '{}',
        }),
      },
    ],
  });
  return { ...result, rps: result.rps / 2 };
}

export async function measureWrites(service: RunningService, dbUrl: string, cast: Cast, config: BenchConfig, log: (m: string) => void): Promise<WriteRow[]> {
  const serviceUrl = service.url;
  // CPU per request, where the processes can be seen (PostgreSQL on this machine).
  const postgresPid = await postmasterPid(dbUrl).catch(() => undefined);
  const withService: CpuMeter = { servicePid: service.pid, postgresPid };
  const sqlOnly: CpuMeter = { postgresPid };
  await prepareBaseline(dbUrl, config.pairs);
  log('warming up (deposits and baseline, 3 s each)');
  await depositLoad(serviceUrl, cast, 8, 3);
  await runBaseline(dbUrl, 8, 3, config.pairs);

  const needed = config.clients.reduce((n, c) => n + config.rounds * (config.releasePairs + c), 0) + 58;
  log(`preparing ${needed} release-ready tranches through the API`);
  const ready = await readyTranches(serviceUrl, cast, needed);
  await releaseLoad(serviceUrl, cast, 8, ready.splice(0, 58), 50); // warm-up of the release path

  const rows: WriteRow[] = [];
  for (const clients of config.clients) {
    // Service and baseline alternate round by round, so both see the same machine.
    const deposits: LoadResult[] = [];
    const baseline: LoadResult[] = [];
    for (let r = 0; r < config.rounds; r++) {
      deposits.push(await metered(withService, () => depositLoad(serviceUrl, cast, clients, config.writeSeconds)));
      baseline.push(await metered(sqlOnly, (sample) => runBaseline(dbUrl, clients, config.writeSeconds, config.pairs, sample)));
    }
    const dep = await medianOf(deposits.length, async (i) => deposits[i]);
    const base = await medianOf(baseline.length, async (i) => baseline[i]);
    const releases = await medianOf(config.rounds, () => releaseLoad(serviceUrl, cast, clients, ready.splice(0, config.releasePairs + clients), config.releasePairs));
    const row = { clients, deposits: dep, baseline: base, ratio: dep.rps / base.rps, releases };
    log(`  ${clients} clients: deposits ${dep.rps.toFixed(0)}/s, baseline ${base.rps.toFixed(0)}/s, ratio ${row.ratio.toFixed(2)}, releases ${releases.rps.toFixed(0)}/s`);
    rows.push(row);
  }
  return rows;
}
