/** Sizes and durations, each overridable from the environment for a quick smoke run. */
function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, not ${raw}`);
  return value;
}

function list(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  return raw ? raw.split(',').map((v) => Number(v.trim())) : fallback;
}

export const benchConfig = {
  /** Rounds per measurement; the report shows their medians. */
  rounds: int('BENCH_ROUNDS', 3),
  /** Concurrent clients for the write measurements. */
  clients: list('BENCH_CLIENTS', [1, 8, 32]),
  /** Seconds per deposit round and per baseline round. */
  writeSeconds: int('BENCH_WRITE_SECONDS', 5),
  /** Release request + approval pairs per release round (each needs one ready tranche). */
  releasePairs: int('BENCH_RELEASE_PAIRS', 200),
  /** Tranches in the database during the read measurements. */
  tranches: int('BENCH_TRANCHES', 10_000),
  readSeconds: int('BENCH_READ_SECONDS', 5),
  readClients: int('BENCH_READ_CLIENTS', 8),
  /** Journal transactions for verify and export. */
  journal: int('BENCH_JOURNAL_SIZE', 1_000_000),
  seedWorkers: int('BENCH_SEED_WORKERS', 2),
  /** --max-old-space-size for the second verify run, which shows the memory verification needs. */
  heapCapMiB: int('BENCH_HEAP_CAP_MIB', 128),
  /** Which parts to run: writes, reads, verify, export (all by default). */
  sections: (process.env.BENCH_SECTIONS ?? 'writes,reads,verify,export').split(',').map((v) => v.trim()),
  /** Account pairs the deposit load and the baseline spread over. */
  pairs: 64,
};

export type BenchConfig = typeof benchConfig;
