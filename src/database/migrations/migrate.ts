import { QueryRunner } from 'typeorm';
import { schemaFiles, SqlFile, upgradeSteps } from './sql-files';

/**
 * The five TypeORM migrations of release 0.1.0, as its databases recorded them. Together they
 * stand for the baseline (baseline-release-0.1.0.sql). A fresh database records them too, so
 * that every database at a given version lists the same migrations, however it got there.
 */
export const BASELINE_MIGRATIONS: readonly { timestamp: number; name: string }[] = [
  { timestamp: 1764000000000, name: 'InitialSchema1764000000000' },
  { timestamp: 1764000001000, name: 'LedgerAppRole1764000001000' },
  { timestamp: 1764000002000, name: 'Checkpoints1764000002000' },
  { timestamp: 1764000003000, name: 'LedgerPostOneLockPass1764000003000' },
  { timestamp: 1764000004000, name: 'OrganizationNamesNotUnique1764000004000' },
];

/** TypeORM's bookkeeping table, as release 0.1.0 created it: its databases keep theirs. */
const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE migrations (
    id serial NOT NULL,
    "timestamp" bigint NOT NULL,
    name character varying NOT NULL,
    CONSTRAINT "PK_8c82d7f526340ab734260ea46be" PRIMARY KEY (id)
  )`;

export interface MigrationOutcome {
  /** The database was empty and got the schema files. */
  installed: boolean;
  /** The upgrade steps applied, in order. */
  upgraded: string[];
}

/**
 * Brings the database to the current schema. The caller holds the migration lock.
 *
 * - An empty database gets schema/*.sql, in one transaction, and records the baseline and every
 *   upgrade step as done: the schema files already hold what they do.
 * - A database of release 0.1.0 or later gets the upgrade steps it lacks, in order, each in its
 *   own transaction with its record.
 *
 * Refuses, changing nothing, a database it cannot place: tables but no record of migrations, part
 * of the baseline only, steps this build does not know (a newer build migrated it), or a step
 * missing before one already applied (steps merged out of order).
 */
export async function migrate(q: QueryRunner): Promise<MigrationOutcome> {
  const steps = upgradeSteps();
  const recorded = await recordedMigrations(q);
  if (recorded.length === 0) {
    await install(q, steps);
    return { installed: true, upgraded: [] };
  }
  const pending = pendingSteps(recorded, steps);
  for (const step of pending) {
    await inTransaction(q, async () => {
      await q.query(step.sql);
      await record(q, [stepRecord(step)]);
    });
  }
  return { installed: false, upgraded: pending.map((s) => s.name) };
}

async function install(q: QueryRunner, steps: SqlFile[]): Promise<void> {
  const strangers: { relname: string }[] = await q.query(
    `SELECT relname FROM pg_class
      WHERE relnamespace = 'public'::regnamespace AND relname NOT IN ('migrations', 'migrations_id_seq')
      ORDER BY relname LIMIT 5`,
  );
  if (strangers.length > 0) {
    throw new Error(
      `refusing to migrate: the database holds ${strangers.map((r) => r.relname).join(', ')} but no record of migrations`,
    );
  }
  await inTransaction(q, async () => {
    // Left empty by a first start that failed: made again below, after the default privileges.
    await q.query('DROP TABLE IF EXISTS migrations');
    for (const file of schemaFiles()) {
      await q.query(file.sql).catch((error: unknown) => {
        throw new Error(`schema/${file.name}.sql: ${(error as Error).message}`, { cause: error });
      });
    }
    await q.query(CREATE_MIGRATIONS_TABLE);
    await record(q, [...BASELINE_MIGRATIONS, ...steps.map(stepRecord)]);
  });
}

function pendingSteps(recorded: string[], steps: SqlFile[]): SqlFile[] {
  const known = new Set([...BASELINE_MIGRATIONS.map((m) => m.name), ...steps.map((s) => s.name)]);
  const unknown = recorded.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`refusing to migrate: a newer build migrated this database (${unknown.join(', ')} unknown here)`);
  }
  const missing = BASELINE_MIGRATIONS.filter((m) => !recorded.includes(m.name)).map((m) => m.name);
  if (missing.length > 0) {
    throw new Error(
      `refusing to migrate: the database ran part of release 0.1.0's migrations (${missing.join(', ')} missing); ` +
        'start release 0.1.0 once to complete them',
    );
  }
  const done = new Set(recorded);
  const first = steps.findIndex((s) => !done.has(s.name));
  if (first === -1) return [];
  const later = steps.slice(first).find((s) => done.has(s.name));
  if (later) {
    throw new Error(`refusing to migrate: upgrade step ${steps[first].name} is pending, yet the later ${later.name} was applied`);
  }
  return steps.slice(first);
}

async function recordedMigrations(q: QueryRunner): Promise<string[]> {
  const [{ exists }] = await q.query(`SELECT to_regclass('public.migrations') IS NOT NULL AS exists`);
  if (!exists) return [];
  const rows: { name: string }[] = await q.query('SELECT name FROM migrations ORDER BY id');
  return rows.map((r) => r.name);
}

/** An upgrade step's row: its number stands in TypeORM's "timestamp" column. */
function stepRecord(step: SqlFile): { timestamp: number; name: string } {
  return { timestamp: Number.parseInt(step.name, 10), name: step.name };
}

async function record(q: QueryRunner, migrations: readonly { timestamp: number; name: string }[]): Promise<void> {
  await q.query(
    `INSERT INTO migrations ("timestamp", name) SELECT t, n FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS m(t, n, o) ORDER BY o`,
    [migrations.map((m) => m.timestamp), migrations.map((m) => m.name)],
  );
}

async function inTransaction(q: QueryRunner, work: () => Promise<void>): Promise<void> {
  await q.startTransaction();
  try {
    // The scripts name no schema: they create into public, which their grants name.
    await q.query('SET LOCAL search_path TO public');
    await work();
    await q.commitTransaction();
  } catch (error) {
    await q.rollbackTransaction();
    throw error;
  }
}
