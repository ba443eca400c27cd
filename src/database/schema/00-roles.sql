-- Who the running service is, and what it may do by default.
--
-- Migrations run as the owner of the schema (the user that creates these tables, e.g. a deploy
-- step with its own DATABASE_URL). The service connects as a LOGIN role that is a member of
-- aid_escrow_app, e.g.
--   CREATE ROLE aid_escrow_api LOGIN PASSWORD '…' IN ROLE aid_escrow_app;
-- and so may read and write the workflow tables, but only read and append the journal and the
-- attestation tables: append-only holds by privilege as well as by trigger (20-ledger.sql,
-- 40-attestation.sql). It owns nothing, so it can neither drop a table nor disable a trigger.
--
-- Roles are cluster-wide while grants are per database. The role is created only when the
-- migrating user may create roles; two databases migrating at once (parallel test runs) may race
-- to create it, and the loser carries on. Where the role can neither be created nor found, every
-- grant in these files is skipped (each is guarded by "IF the role exists").
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app')
     AND (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
    CREATE ROLE aid_escrow_app NOLOGIN;
  END IF;
EXCEPTION
  -- Created meanwhile by the migration of another database on this server.
  WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

-- Every table, sequence and function created from here on by the migrating user (in these files
-- and in later upgrade steps) is open to the role for SELECT, INSERT, UPDATE / USAGE / EXECUTE.
-- Never DELETE or TRUNCATE: a table whose rows may go grants DELETE itself (50-idempotency.sql);
-- an append-only table takes UPDATE back (20-ledger.sql, 40-attestation.sql).
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') THEN
    GRANT USAGE ON SCHEMA public TO aid_escrow_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO aid_escrow_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO aid_escrow_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO aid_escrow_app;
  END IF;
END $$;
