import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Money } from '../../src/common/money/money';
import { runMigrations } from '../../src/database/data-source-options';
import { BASELINE_MIGRATIONS, MigrationOutcome } from '../../src/database/migrations/migrate';
import { baselineSql, schemaFiles, upgradeSteps } from '../../src/database/migrations/sql-files';
import { canonicalJson, sha256 } from '../../src/ledger/canonical-body';
import { LedgerAccountRef } from '../../src/ledger/ledger-accounts';
import { catalogDiff, catalogLines } from '../support/catalog';
import { createEmptyDatabase } from '../support/database';
import { accounts, ledgerServices, moveEvent, openDataSource, postInTransaction, sealExpecting, sql } from '../support/ledger';

/** Runs the service's start-up migration on `url`, as `npm start` and the CLI do. */
async function migrateAtStartUp(url: string): Promise<MigrationOutcome> {
  const dataSource = await openDataSource(url, 1);
  try {
    return await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function runScript(url: string, script: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(script);
  } finally {
    await client.end();
  }
}

/** A database as release 0.1.0 left it: the frozen baseline. */
async function release010Database(): Promise<string> {
  const url = await createEmptyDatabase();
  await runScript(url, baselineSql());
  return url;
}

/**
 * A deposit posted the way release 0.1.0 did: its canonical body, and ledger_post's signature of
 * then (four parallel arrays), which the upgrade replaces.
 */
async function postAsRelease010(url: string, from: LedgerAccountRef, to: LedgerAccountRef, amount: string): Promise<void> {
  const money = Money.of(amount, from.currency);
  const postings = [
    { account: from, amount: money.negated() },
    { account: to, amount: money },
  ];
  const id = randomUUID();
  const occurredAt = new Date().toISOString();
  const body = canonicalJson({
    id, kind: 'deposit', occurredAt, actorPrincipalId: null, escrowAccountId: null, refs: {}, details: {},
    postings: postings.map((p) => ({ account: p.account.code, currency: p.amount.currency, amount: p.amount.toString() })),
  });
  await sql(
    url,
    `SELECT * FROM ledger_post($1, 'deposit', NULL, NULL, $2, $3, $4, $5::text[], $6::text[], $7::text[], $8::numeric[])`,
    [id, occurredAt, body, sha256(body), postings.map((p) => p.account.code), postings.map((p) => p.account.kind),
      postings.map((p) => p.account.currency), postings.map((p) => p.amount.toString())],
  );
}

async function withDataSource<T>(url: string, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = await openDataSource(url, 2);
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

describe('the schema files and the upgrade path from release 0.1.0', () => {
  let fresh: string;
  let upgraded: string;
  let freshOutcome: MigrationOutcome;
  let upgradeOutcome: MigrationOutcome;

  beforeAll(async () => {
    fresh = await createEmptyDatabase();
    freshOutcome = await migrateAtStartUp(fresh);

    // Data of release 0.1.0, partly sealed, must survive the upgrade.
    upgraded = await release010Database();
    await postAsRelease010(upgraded, accounts.donor(1), accounts.escrow(1), '10');
    await postAsRelease010(upgraded, accounts.donor(1), accounts.escrow(2), '2.50');
    await withDataSource(upgraded, async (db) => expect(await sealExpecting(ledgerServices(db).sealer, 2)).toBe(2));
    await postAsRelease010(upgraded, accounts.escrow(1), accounts.tranche(1), '4');
    upgradeOutcome = await migrateAtStartUp(upgraded);
  });

  it('gives an empty database the schema files, and a release-0.1.0 one every upgrade step', () => {
    expect(schemaFiles().map((f) => f.name)).toEqual(['00-roles', '10-identity', '20-ledger', '30-escrow', '35-escrow-holds', '40-attestation', '50-idempotency', '55-evidence', '60-oversight', '70-console', '80-webhooks', '90-deposit-batch']);
    expect(freshOutcome).toEqual({ installed: true, upgraded: [] });
    expect(upgradeOutcome).toEqual({ installed: false, upgraded: upgradeSteps().map((s) => s.name) });
    expect(upgradeOutcome.upgraded.length).toBeGreaterThan(0);
  });

  it('ends both in the same catalog: tables, columns, constraints, indexes, functions, triggers, grants, records', async () => {
    const [expected, actual] = await Promise.all([catalogLines(fresh), catalogLines(upgraded)]);
    // `- ` only in the database built from schema/*.sql, `+ ` only in the upgraded one.
    expect(catalogDiff(expected, actual)).toEqual([]);
    // Not two empty lists: the comparison covers the schema.
    for (const fact of [
      'relation journal_entries: r owner',
      'column ledger_accounts.balance #5 numeric NOT NULL DEFAULT 0',
      'constraint ledger_accounts.ledger_accounts_non_negative: CHECK',
      'index release_requests.release_requests_one_pending: CREATE UNIQUE INDEX',
      'trigger checkpoints.checkpoints_no_truncate: CREATE TRIGGER',
      'function ledger_post(uuid,text,uuid,uuid,timestamp with time zone,text,bytea,ledger_posting[]) line 0',
      'type ledger_posting: c',
      'grant on journal_chain: aid_escrow_app INSERT',
      'default privilege of',
      'migration recorded: OrganizationNamesNotUnique1764000004000',
      `migration recorded: ${upgradeSteps()[0].name}`,
    ]) {
      expect({ fact, found: expected.some((line) => line.startsWith(fact)) }).toEqual({ fact, found: true });
    }
    const appOnChain = expected.filter((l) => l.startsWith('grant on journal_chain: aid_escrow_app')).map((l) => l.replace(/ \(by .*\)$/, ''));
    expect(appOnChain).toEqual(['grant on journal_chain: aid_escrow_app INSERT', 'grant on journal_chain: aid_escrow_app SELECT']);
  });

  it('keeps the journal of release 0.1.0: posting, sealing and verification carry on', async () => {
    await withDataSource(upgraded, async (db) => {
      const { sealer, verifier } = ledgerServices(db);
      const posted = await postInTransaction(db, moveEvent(accounts.escrow(1), accounts.tranche(2), '1.25', 'tranche_allocated'));
      expect(posted.balances).toEqual({ [accounts.escrow(1).code]: '4.75', [accounts.tranche(2).code]: '1.25' });
      expect(await sealExpecting(sealer, 2)).toBe(2);
      expect(await verifier.verify()).toMatchObject({ ok: true, transactions: 4, sealed: 4 });
    });
  });

  it('changes nothing when started again', async () => {
    const before = await catalogLines(upgraded);
    expect(await migrateAtStartUp(fresh)).toEqual({ installed: false, upgraded: [] });
    expect(await migrateAtStartUp(upgraded)).toEqual({ installed: false, upgraded: [] });
    expect(catalogDiff(before, await catalogLines(upgraded))).toEqual([]);
  });

  it('installs once when several instances start on an empty database together', async () => {
    const url = await createEmptyDatabase();
    const outcomes = await Promise.all([migrateAtStartUp(url), migrateAtStartUp(url), migrateAtStartUp(url)]);
    expect(outcomes.filter((o) => o.installed)).toHaveLength(1);
    expect(outcomes.every((o) => o.upgraded.length === 0)).toBe(true);
    expect(catalogDiff(await catalogLines(fresh), await catalogLines(url))).toEqual([]);
  });

  describe('refuses, changing nothing, a database it cannot place', () => {
    async function refusal(url: string): Promise<string> {
      const before = await catalogLines(url);
      const error = await migrateAtStartUp(url).then(() => undefined, (e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      expect(catalogDiff(before, await catalogLines(url))).toEqual([]);
      return error!.message;
    }

    it('tables but no record of migrations', async () => {
      const url = await createEmptyDatabase();
      await runScript(url, 'CREATE TABLE someone_elses (id int)');
      expect(await refusal(url)).toContain('holds someone_elses but no record of migrations');
    });

    it('part of release 0.1.0 only', async () => {
      const url = await release010Database();
      await runScript(url, `DELETE FROM migrations WHERE name = '${BASELINE_MIGRATIONS[4].name}'`);
      expect(await refusal(url)).toContain(`(${BASELINE_MIGRATIONS[4].name} missing)`);
    });

    it('migrated by a newer build', async () => {
      const url = await release010Database();
      await runScript(url, `INSERT INTO migrations ("timestamp", name) VALUES (999, '999-from-the-future')`);
      expect(await refusal(url)).toContain('a newer build migrated this database (999-from-the-future unknown here)');
    });
  });
});

describe('schema/00-roles.sql: the runtime role', () => {
  // Roles are cluster-wide, and aid_escrow_app exists for every other test database of the run:
  // these tests run the script's own text for a role of their own.
  const roles: string[] = [];
  const urls: string[] = [];
  const newRole = (prefix: string) => {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`;
    roles.push(name);
    return name;
  };
  const scriptFor = (file: string, role: string) => schemaFiles().find((f) => f.name === file)!.sql.replaceAll('aid_escrow_app', role);

  afterAll(async () => {
    for (const url of urls) {
      for (const role of roles) await sql(url, `DO $$ BEGIN EXECUTE format('DROP OWNED BY %I', '${role}'); EXCEPTION WHEN undefined_object THEN NULL; END $$`);
    }
    for (const role of roles) await sql(urls[0], `DROP ROLE IF EXISTS ${role}`);
  });

  it('is idempotent and safe when two databases run it at the same time', async () => {
    const role = newRole('aid_test_app');
    const script = scriptFor('00-roles', role);
    const [first, second] = await Promise.all([createEmptyDatabase(), createEmptyDatabase()]);
    urls.push(first, second);
    const a = new Client({ connectionString: first });
    const b = new Client({ connectionString: second });
    await Promise.all([a.connect(), b.connect()]);
    try {
      // A creates the role and keeps its transaction open: B's CREATE ROLE must wait, then find
      // it created, and carry on.
      await a.query('BEGIN');
      await b.query('BEGIN');
      await a.query(script);
      const [{ pid }] = (await b.query('SELECT pg_backend_pid() AS pid')).rows;
      const inB = b.query(script);
      for (;;) {
        const [row] = await sql(first, `SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [pid]);
        if (row?.wait_event_type === 'Lock') break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await a.query('COMMIT');
      await inB;
      await b.query('COMMIT');
      // And again, now that the role exists.
      await a.query(script);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
    for (const url of [first, second]) {
      await runScript(url, 'CREATE TABLE later_feature (id int)');
      const [row] = await sql(url, `SELECT has_schema_privilege($1, 'public', 'USAGE') AS usage,
                                           has_table_privilege($1, 'later_feature', 'SELECT, INSERT, UPDATE') AS rw,
                                           has_table_privilege($1, 'later_feature', 'DELETE') AS del`, [role]);
      expect(row).toEqual({ usage: true, rw: true, del: false });
    }
  });

  it('lets a migrating user that may not create roles apply the whole schema, granting nothing', async () => {
    const migrator = newRole('aid_test_migrator');
    const role = newRole('aid_test_app');
    const url = await createEmptyDatabase();
    urls.push(url);
    await runScript(url, `CREATE ROLE ${migrator} NOLOGIN NOCREATEROLE; GRANT CREATE ON SCHEMA public TO ${migrator}`);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`SET ROLE ${migrator}`);
      for (const file of schemaFiles()) await client.query(scriptFor(file.name, role));
    } finally {
      await client.end();
    }
    expect(await sql(url, `SELECT 1 FROM pg_roles WHERE rolname = $1`, [role])).toEqual([]);
    // Every table of the schema files, made by the migrating user (counted from the files, so a
    // new table needs no edit here).
    const tables = schemaFiles().reduce((n, file) => n + (file.sql.match(/^CREATE TABLE /gm) ?? []).length, 0);
    expect(tables).toBeGreaterThanOrEqual(21);
    expect(await sql(url, `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = $1`, [migrator])).toEqual([{ n: tables }]);
  });
});
