import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config';
import { Database } from '../src/database/database';
import { dataSourceOptions, runMigrations } from '../src/database/data-source-options';
import { SealerService } from '../src/ledger/sealer.service';
import { VerifyService } from '../src/ledger/verify.service';
import { seedJournal } from './journal-seed';

/**
 * A quick verify measurement without the full bench: `seed <n>` fills and seals a database of
 * its own (kept, so two builds time the same journal), `time [rounds]` times VerifyService.verify
 * in this process and reports the median and the peak RSS. The server is DATABASE_URL's
 * (default postgres://postgres@127.0.0.1:5432); the database is VERIFY_MEASURE_DB or aid_verify_measure.
 * Each round also reports this process's CPU and its PostgreSQL backend's (read from /proc, so
 * the server must run on this machine): on a shared machine those vary less than the wall time.
 *
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/verify-measure.js seed 200000
 *   node dist-bench/bench/verify-measure.js time 5
 */
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = process.env.VERIFY_MEASURE_DB ?? 'aid_verify_measure';
const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();

async function open(poolSize: number): Promise<DataSource> {
  const config = Object.assign(new AppConfig(), { DATABASE_URL: url, DB_POOL_SIZE: poolSize, DB_STATEMENT_TIMEOUT_MS: 600_000 });
  return new DataSource(dataSourceOptions(config)).initialize();
}

async function seed(target: number): Promise<void> {
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const db = await open(2);
  try {
    await runMigrations(db);
    const started = Date.now();
    await seedJournal(url, target, 2, console.log);
    console.log(`seeded ${target} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const sealer = new SealerService(new Database(db), Object.assign(new AppConfig(), { SEALER_INTERVAL_MS: 0 }));
    let sealed = 0;
    for (let n = 1; n > 0; ) sealed += n = await sealer.sealPending();
    console.log(`sealed ${sealed}`);
    await db.query('VACUUM ANALYZE');
  } finally {
    await db.destroy();
  }
}

/** CPU seconds PostgreSQL's backend `pid` has used (it runs on this machine). */
function backendCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
}

async function time(rounds: number): Promise<void> {
  // One connection: every query of a run goes to one backend, whose CPU can be read.
  const db = await open(1);
  try {
    const [{ pid }] = await db.query('SELECT pg_backend_pid() AS pid');
    const verifier = new VerifyService(new Database(db));
    const seconds: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const db0 = backendCpu(pid);
      const result = await verifier.verify();
      seconds.push((performance.now() - t0) / 1000);
      const cpu = process.cpuUsage(cpu0);
      if (!result.ok) throw new Error(`verify failed: ${JSON.stringify(result)}`);
      console.log(
        `round ${r + 1}: ${seconds[r].toFixed(2)} s, node CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, ` +
          `PostgreSQL CPU ${(backendCpu(pid) - db0).toFixed(2)} s, ${result.transactions} transactions, ${result.sealed} sealed`,
      );
    }
    const sorted = [...seconds].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(`median ${median.toFixed(2)} s, best ${sorted[0].toFixed(2)} s; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    await db.destroy();
  }
}

const [mode, arg] = process.argv.slice(2);
(mode === 'seed' ? seed(Number(arg ?? 200_000)) : time(Number(arg ?? 5))).catch((error) => {
  console.error(error);
  process.exit(1);
});
