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
    const report: BenchReport = { machine: machine(`PostgreSQL ${postgres}`, db.server), config, writes: [], seconds: 0 };

    log('starting the service');
    let service = await startService(db.url);
    report.idleRssMiB = service.peakRssMiB();
    const cast = await createCast(db.url, service.url, config);
    await fundDonors(service.url, cast);

    const run = (section: string) => config.sections.includes(section);
    if (run('writes')) {
      log('writes');
      report.writes = await measureWrites(service.url, db.url, cast, config, log);
    }

    if (run('reads')) {
      const { tranches } = await withClient(db.url, async (c) => (await c.query(`SELECT count(*)::int AS tranches FROM tranches`)).rows[0]);
      if (tranches < config.tranches) {
        log(`allocating ${config.tranches - tranches} more tranches for the reads`);
        await allocateTranches(service.url, cast, config.tranches - tranches);
      }
      const counts = await withClient(db.url, async (c) => (await c.query(
        `SELECT (SELECT count(*) FROM tranches)::int AS total, (SELECT count(*) FROM tranches WHERE escrow_account_id = $1)::int AS mine`,
        [cast.escrows[0]],
      )).rows[0]);
      log('reads');
      report.reads = await measureReads(service.url, cast, config, counts.total, counts.mine);
    }
    await service.stop();
    if (!run('verify') && !run('export')) {
      report.seconds = (performance.now() - started) / 1000;
      process.stdout.write(render(report) + '\n');
      return;
    }

    log(`seeding the journal to ${config.journal.toLocaleString('en-US')} transactions`);
    await seedJournal(db.url, config.journal, config.seedWorkers, log);
    service = await startService(db.url, { SEALER_INTERVAL_MS: '50' });
    await waitForSealing(db.url, log);
    await service.stop();
    await withClient(db.url, (c) => c.query('VACUUM ANALYZE'));

    // A fresh process each for verify and export, so each peak RSS is its own.
    const quiet = { SEALER_INTERVAL_MS: '0', CHECKPOINT_INTERVAL_MS: '0' };
    if (run('verify')) {
      log('verify');
      service = await startService(db.url, quiet);
      report.verify = await measureVerify(service, cast.auditor.auth, config.rounds);
      await service.stop();
    }
    if (run('export')) {
      log('export');
      const { total } = await withClient(db.url, async (c) => (await c.query(`SELECT count(*)::int AS total FROM journal_transactions`)).rows[0]);
      service = await startService(db.url, quiet);
      report.export = await measureExport(service, cast.auditor.auth, config.rounds, total);
      await service.stop();
    }

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
