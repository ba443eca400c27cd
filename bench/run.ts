// `npm run bench`: the service's write, read, verify and export performance, measured against a
// fresh database, beside a raw-SQL baseline. Prints a Markdown table, then one JSON line.
import { benchConfig } from './config';
import { allocateTranches, createCast, fundDonors } from './cast';
import { openBenchDatabase, withClient } from './database';
import { seedJournal } from './journal-seed';
import { measureExport, measureVerify, waitForSealing } from './journal';
import { measureReads } from './reads';
import { BenchReport, machine, render } from './report';
import { startService } from './service';
import { measureWrites } from './writes';

const log = (message: string) => process.stderr.write(`${message}\n`);

async function main(): Promise<void> {
  const started = performance.now();
  const config = benchConfig;
  const db = await openBenchDatabase(log);
  try {
    const postgres = await withClient(db.url, async (c) => (await c.query(`SELECT current_setting('server_version') AS v`)).rows[0].v);
    const report: BenchReport = { machine: machine(`PostgreSQL ${postgres}`, db.server), config, writes: [], failures: {}, seconds: 0 };

    log('starting the service');
    let service = await startService(db.url);
    report.idleRssMiB = service.peakRssMiB();
    const cast = await createCast(db.url, service.url, config);
    await fundDonors(service.url, cast);

    const run = (section: string) => config.sections.includes(section);
    /** A section that fails is reported as failed; the others still run. */
    const attempt = async (section: string, work: () => Promise<void>) => {
      if (!run(section)) return;
      log(section);
      try {
        await work();
      } catch (error) {
        log(`${section} failed: ${(error as Error)?.stack ?? error}`);
        report.failures[section] = String((error as Error)?.message ?? error);
      }
    };

    await attempt('writes', async () => {
      report.writes = await measureWrites(service, db.url, cast, config, log);
    });
    await attempt('reads', async () => {
      const { tranches } = await withClient(db.url, async (c) => (await c.query(`SELECT count(*)::int AS tranches FROM tranches`)).rows[0]);
      if (tranches < config.tranches) {
        log(`  allocating ${config.tranches - tranches} more tranches through the API`);
        await allocateTranches(service.url, cast, config.tranches - tranches);
      }
      const counts = await withClient(db.url, async (c) => (await c.query(
        `SELECT (SELECT count(*) FROM tranches)::int AS total, (SELECT count(*) FROM tranches WHERE escrow_account_id = $1)::int AS mine`,
        [cast.escrows[0]],
      )).rows[0]);
      report.reads = await measureReads(service.url, cast, config, counts.total, counts.mine);
    });
    await service.stop();

    if (run('verify') || run('export')) {
      log(`seeding the journal to ${config.journal.toLocaleString('en-US')} transactions`);
      const seedStarted = performance.now();
      await seedJournal(db.url, config.journal, config.seedWorkers, log);
      service = await startService(db.url, { SEALER_INTERVAL_MS: '50' });
      await waitForSealing(db.url, log);
      await service.stop();
      await withClient(db.url, (c) => c.query('VACUUM ANALYZE'));
      log(`  seeded and sealed in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);
    }

    // A fresh process each for verify and export, so each peak RSS is its own; no sealer or
    // checkpoints running beside them.
    const quiet = { SEALER_INTERVAL_MS: '0', CHECKPOINT_INTERVAL_MS: '0' };
    await attempt('verify', async () => {
      service = await startService(db.url, quiet);
      try {
        report.verify = await measureVerify(service, cast.auditor.auth, config.rounds);
      } finally {
        await service.stop();
      }
      // V8 lets the heap grow far past the live data before it collects: the same run with the
      // old space capped shows what verification really needs.
      service = await startService(db.url, quiet, [`--max-old-space-size=${config.heapCapMiB}`]);
      try {
        const capped = await measureVerify(service, cast.auditor.auth, 1);
        report.verifyCapped = { heapCapMiB: config.heapCapMiB, perSecond: capped.perSecond, peakRssMiB: capped.peakRssMiB };
      } finally {
        await service.stop();
      }
    });
    await attempt('export', async () => {
      const { total } = await withClient(db.url, async (c) => (await c.query(`SELECT count(*)::int AS total FROM journal_transactions`)).rows[0]);
      service = await startService(db.url, quiet);
      try {
        report.export = await measureExport(service, cast.auditor.auth, config.rounds, total);
      } finally {
        await service.stop();
      }
    });

    report.seconds = (performance.now() - started) / 1000;
    process.stdout.write(render(report) + '\n');
  } finally {
    if (process.env.BENCH_KEEP_DB) log(`kept the bench database: ${db.url}`);
    else await db.drop().catch((error) => log(`could not drop the bench database: ${error}`));
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    log(`bench failed: ${error?.stack ?? error}`);
    process.exit(1);
  },
);
