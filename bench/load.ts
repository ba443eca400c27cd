import autocannon from 'autocannon';
type RequestSpec = autocannon.RequestSpec;

export interface LoadResult {
  /** Answered requests (2xx, or 304 for a revalidation) per second over the whole run. */
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  /** CPU per answered request, µs: the service process, PostgreSQL, and this process (the client). */
  cpu?: { service: number | null; postgres: number | null; client: number };
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds to run; or `amount` requests in all. */
  duration?: number;
  amount?: number;
  requests: RequestSpec[];
}

/** One autocannon run; a 4xx, 5xx, error or time-out counts as failed, not as throughput. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  // The run's time is first request to last response: autocannon's own duration is whole
  // seconds, and it notices the end of a fixed-amount run only at its next one-second tick.
  let lastResponseAt = 0;
  const requests = options.requests.map((spec) => ({
    ...spec,
    onResponse: (status: number, body: string, context: Record<string, unknown>) => {
      lastResponseAt = performance.now();
      spec.onResponse?.(status, body, context);
    },
  }));
  const started = performance.now();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration }),
    requests,
    timeout: 30,
  });
  const seconds = ((lastResponseAt || performance.now()) - started) / 1000;
  const ok = result['2xx'] + result['3xx'];
  return {
    rps: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    failed: result['4xx'] + result['5xx'] + result.errors + result.timeouts,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `round` `rounds` times and keeps the median of each figure. */
export async function medianOf(rounds: number, round: (i: number) => Promise<LoadResult>): Promise<LoadResult & { rounds: LoadResult[] }> {
  const results: LoadResult[] = [];
  for (let i = 0; i < rounds; i++) results.push(await round(i));
  return { ...medians(results), rounds: results };
}

/** The median of each figure over several rounds (counts are summed). */
export function medians(results: LoadResult[]): LoadResult {
  return {
    rps: median(results.map((r) => r.rps)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    ok: results.reduce((s, r) => s + r.ok, 0),
    failed: results.reduce((s, r) => s + r.failed, 0),
    cpu: results[0]?.cpu && {
      service: results[0].cpu.service === null ? null : median(results.map((r) => r.cpu!.service!)),
      postgres: results[0].cpu.postgres === null ? null : median(results.map((r) => r.cpu!.postgres!)),
      client: median(results.map((r) => r.cpu!.client)),
    },
  };
}

export const json = (auth: string) => ({ 'content-type': 'application/json', authorization: auth });
