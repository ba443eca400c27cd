import { MigrationInterface, QueryRunner } from 'typeorm';

/** The role the application runs as in production. */
export const APP_ROLE = 'aid_escrow_app';

/** Journal tables: the app may read and append, never change or remove. */
const JOURNAL_TABLES = ['journal_transactions', 'journal_entries', 'journal_chain'];

/**
 * The runtime role, so that append-only holds by privilege as well as by trigger.
 *
 * How production connects: migrations run as the owner of the schema (the user that created
 * the tables, e.g. a deploy step with its own DATABASE_URL); the service connects with a LOGIN
 * role that is a member of `aid_escrow_app`, e.g.
 *   CREATE ROLE aid_escrow_api LOGIN PASSWORD '…' IN ROLE aid_escrow_app;
 * and so may SELECT and INSERT journal rows but not UPDATE, DELETE or TRUNCATE them.
 * `ledger_post` is SECURITY INVOKER (PostgreSQL's default, set explicitly here): it writes with
 * the caller's privileges, so it grants nothing the caller does not already have.
 *
 * Roles are cluster-wide while grants are per database. The role is created only when the
 * migrating user may create roles; two databases migrating at once (parallel test runs) may
 * race to create it, and the loser carries on. Where the role cannot be created and does not
 * exist, only the function's security is set.
 *
 * Later migrations: tables they create get SELECT/INSERT/UPDATE through the default privileges
 * below; a new append-only table must REVOKE UPDATE from the role itself.
 */
export class LedgerAppRole1764000001000 implements MigrationInterface {
  name = 'LedgerAppRole1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER FUNCTION ledger_post(uuid, text, uuid, uuid, timestamptz, text, bytea, text[], text[], text[], numeric[])
        SECURITY INVOKER
    `);
    await grantAppRole(q, APP_ROLE);
  }

  async down(q: QueryRunner): Promise<void> {
    // The role itself stays: other databases in the cluster may use it.
    await revokeAppRole(q, APP_ROLE);
  }
}

/** Creates `role` if allowed and absent, then grants it what the service needs in this database. */
export async function grantAppRole(q: QueryRunner, role: string): Promise<boolean> {
  const ident = quoteIdent(role);
  const [{ may_create: mayCreate, exists }] = await q.query(
    `SELECT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) AS may_create,
            EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists`,
    [role],
  );
  if (!exists) {
    if (!mayCreate) return false;
    await q.query(`
      DO $$
      BEGIN
        CREATE ROLE ${ident} NOLOGIN;
      EXCEPTION
        -- Created meanwhile by a migration of another database on this server.
        WHEN duplicate_object OR unique_violation THEN NULL;
      END $$;
    `);
  }
  await q.query(`
    GRANT USAGE ON SCHEMA public TO ${ident};
    GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO ${ident};
    REVOKE UPDATE, DELETE, TRUNCATE ON ${JOURNAL_TABLES.join(', ')} FROM ${ident};
    GRANT DELETE ON idempotency_keys TO ${ident};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${ident};
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${ident};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO ${ident};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${ident};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO ${ident};
  `);
  return true;
}

/** Takes back every privilege `role` holds in this database (the role is left in place). */
export async function revokeAppRole(q: QueryRunner, role: string): Promise<void> {
  const [{ exists }] = await q.query(`SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists`, [role]);
  if (!exists) return;
  const ident = quoteIdent(role);
  await q.query(`
    ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${ident};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${ident};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON FUNCTIONS FROM ${ident};
    REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${ident};
    REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${ident};
    REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM ${ident};
    REVOKE ALL ON SCHEMA public FROM ${ident};
  `);
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`unsafe role name ${name}`);
  return `"${name}"`;
}
