import { DataSource } from 'typeorm';
import { LedgerService } from '../../src/ledger/ledger.service';
import { createTestDatabase } from '../support/database';
import { accounts, ledgerServices, moveEvent, openDataSource, postInTransaction, sql } from '../support/ledger';
import { startTestApp } from '../support/test-app';

/** The runtime role (src/database/schema/00-roles.sql). */
const APP_ROLE = 'aid_escrow_app';
const JOURNAL_TABLES = ['journal_transactions', 'journal_entries', 'journal_chain'];
/** A column of each, for a no-op UPDATE. */
const COLUMN: Record<string, string> = { journal_transactions: 'kind', journal_entries: 'position', journal_chain: 'chain_index' };

/** The same database, every session running as `role` (as a login role that is its member would). */
function asRole(url: string, role: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c role=${role}`);
  return u.toString();
}

const pgCode = (e: unknown) => (e as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (e as { code?: string }).code;

describe('append-only journal', () => {
  let url: string;
  let db: DataSource;

  beforeAll(async () => {
    url = await createTestDatabase();
    db = await openDataSource(url, 3);
    const { sealer } = ledgerServices(db);
    await postInTransaction(db, moveEvent(accounts.donor(1), accounts.escrow(1), '10'));
    await postInTransaction(db, { kind: 'escrow_opened', actorPrincipalId: null });
    expect(await sealer.sealPending()).toBe(2);
  });
  afterAll(() => db?.destroy());

  describe('triggers refuse changes even to the owner', () => {
    it.each(JOURNAL_TABLES)('UPDATE and DELETE on %s raise', async (table) => {
      const update = await db.query(`UPDATE ${table} SET ${COLUMN[table]} = ${COLUMN[table]}`).catch((e: unknown) => e);
      expect(pgCode(update)).toBe('LG100');
      expect((update as Error).message).toContain(`journal table ${table} is append-only: UPDATE refused`);
      const del = await db.query(`DELETE FROM ${table}`).catch((e: unknown) => e);
      expect(pgCode(del)).toBe('LG100');
      expect((del as Error).message).toContain('DELETE refused');
    });

    it.each(JOURNAL_TABLES)('TRUNCATE on %s raises', async (table) => {
      const truncate = await db.query(`TRUNCATE ${table} CASCADE`).catch((e: unknown) => e);
      expect(pgCode(truncate)).toBe('LG100');
    });

    it('left every row in place', async () => {
      const [counts] = await sql(url, `SELECT (SELECT count(*) FROM journal_transactions)::int AS t,
                                              (SELECT count(*) FROM journal_entries)::int AS e,
                                              (SELECT count(*) FROM journal_chain)::int AS c`);
      expect(counts).toEqual({ t: 2, e: 2, c: 2 });
    });
  });

  describe(`the runtime role ${APP_ROLE}`, () => {
    it('exists, cannot log in, and may only SELECT and INSERT journal tables', async () => {
      const [role] = await sql(url, `SELECT rolcanlogin, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = $1`, [APP_ROLE]);
      expect(role).toEqual({ rolcanlogin: false, rolsuper: false, rolcreaterole: false });
      const privileges = await sql<{ table_name: string; privileges: string[] }>(
        url,
        `SELECT table_name, array_agg(privilege_type::text ORDER BY privilege_type) AS privileges
           FROM information_schema.role_table_grants WHERE grantee = $1 AND table_name = ANY($2)
          GROUP BY table_name ORDER BY table_name`,
        [APP_ROLE, JOURNAL_TABLES],
      );
      expect(privileges).toEqual(
        [...JOURNAL_TABLES].sort().map((table_name) => ({ table_name, privileges: ['INSERT', 'SELECT'] })),
      );
      const [others] = await sql(
        url,
        `SELECT has_table_privilege($1, 'ledger_accounts', 'SELECT, INSERT, UPDATE') AS accounts_rw,
                has_table_privilege($1, 'ledger_accounts', 'DELETE') AS accounts_delete,
                has_table_privilege($1, 'idempotency_keys', 'UPDATE') AS idempotency_update,
                has_function_privilege($1, 'ledger_post(uuid, text, uuid, uuid, timestamptz, text, bytea, ledger_posting[])', 'EXECUTE') AS post,
                (SELECT NOT prosecdef FROM pg_proc WHERE proname = 'ledger_post') AS invoker`,
        [APP_ROLE],
      );
      expect(others).toEqual({ accounts_rw: true, accounts_delete: false, idempotency_update: true, post: true, invoker: true });
    });

    describe('a session that does SET ROLE', () => {
      let app: DataSource;

      beforeAll(async () => {
        app = await openDataSource(asRole(url, APP_ROLE), 2);
      });
      afterAll(() => app?.destroy());

      it('posts through ledger_post, seals and verifies', async () => {
        const [{ current_user: user }] = await app.query('SELECT current_user');
        expect(user).toBe(APP_ROLE);
        const { sealer, verifier } = ledgerServices(app);
        const posted = await postInTransaction(app, moveEvent(accounts.donor(2), accounts.escrow(2), '7.5'));
        expect(posted.balances[accounts.escrow(2).code]).toBe('7.50');
        expect(await sealer.sealPending()).toBe(1);
        expect(await verifier.verify()).toMatchObject({ ok: true, transactions: 3, sealed: 3 });
      });

      it('works with SET ROLE inside a transaction too', async () => {
        const ledger = new LedgerService();
        const [user] = await db.transaction(async (manager) => {
          await manager.query(`SET LOCAL ROLE ${APP_ROLE}`);
          await ledger.post(manager, { kind: 'escrow_suspended', actorPrincipalId: null, details: { reason: 'audit' } });
          return manager.query('SELECT current_user');
        });
        expect(user.current_user).toBe(APP_ROLE);
      });

      it.each(JOURNAL_TABLES)('gets a permission error on UPDATE, DELETE and TRUNCATE of %s', async (table) => {
        for (const statement of [`UPDATE ${table} SET ${COLUMN[table]} = ${COLUMN[table]}`, `DELETE FROM ${table}`, `TRUNCATE ${table} CASCADE`]) {
          const error = await app.query(statement).catch((e: unknown) => e);
          expect({ statement, code: pgCode(error) }).toEqual({ statement, code: '42501' });
        }
      });

      it('may not change what it cannot change elsewhere either: no DELETE, no DDL', async () => {
        expect(pgCode(await app.query(`DELETE FROM ledger_accounts`).catch((e: unknown) => e))).toBe('42501');
        expect(pgCode(await app.query(`DROP TABLE journal_chain`).catch((e: unknown) => e))).toBe('42501');
        expect(pgCode(await app.query(`ALTER TABLE journal_entries DISABLE TRIGGER USER`).catch((e: unknown) => e))).toBe('42501');
      });

      it('gets SELECT/INSERT/UPDATE on tables that later migrations create (default privileges)', async () => {
        await db.query(`CREATE TABLE later_feature (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text)`);
        await app.query(`INSERT INTO later_feature (note) VALUES ('a')`);
        await app.query(`UPDATE later_feature SET note = 'b'`);
        expect(await app.query(`SELECT note FROM later_feature`)).toEqual([{ note: 'b' }]);
        expect(pgCode(await app.query(`DELETE FROM later_feature`).catch((e: unknown) => e))).toBe('42501');
      });
    });

    it('serves the ledger API and idempotent POSTs when the whole app runs as the role', async () => {
      const t = await startTestApp({ DATABASE_URL: asRole(url, APP_ROLE) });
      try {
        const admin = await t.principal('admin');
        const created = await t.http()
          .post('/v1/organizations')
          .set(admin.auth)
          .set('Idempotency-Key', 'as-role')
          .send({ name: 'Role Fund', type: 'donor' })
          .expect(201);
        const again = await t.http()
          .post('/v1/organizations')
          .set(admin.auth)
          .set('Idempotency-Key', 'as-role')
          .send({ name: 'Role Fund', type: 'donor' })
          .expect(201);
        expect(again.body).toEqual(created.body);
        await t.seal();
        const verify = await t.http().get('/v1/ledger/verify').set(admin.auth).expect(200);
        expect(verify.body.ok).toBe(true);
      } finally {
        await t.close();
      }
    });
  });
});
