-- FROZEN: never edit this file. It is what a database of release 0.1.0 holds once its five
-- TypeORM migrations ran (InitialSchema1764000000000 .. OrganizationNamesNotUnique1764000004000),
-- squashed into one script: the point the upgrade steps in upgrades/ start from.
--
-- Nothing applies it in production: a fresh database gets schema/*.sql, and a 0.1.0 database
-- already holds this. The equivalence test (test/e2e/schema-migrations.e2e-spec.ts) builds a
-- database from it, runs the upgrade steps, and proves the result equal to schema/*.sql.
-- When it was squashed, a database built from it was compared with one built by the five
-- migrations of commit a475ebb (the same catalog comparison): no difference. Function bodies are
-- kept byte for byte, with the indentation of the TypeScript strings they came from.

-- LedgerAppRole1764000001000: the runtime role, when the migrating user may create it.
DO $$
DECLARE
  may_create boolean := (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user);
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') AND may_create THEN
    BEGIN
      CREATE ROLE aid_escrow_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
END $$;

-- TypeORM's bookkeeping, created before the first migration.
CREATE TABLE migrations (
  id serial NOT NULL,
  "timestamp" bigint NOT NULL,
  name character varying NOT NULL,
  CONSTRAINT "PK_8c82d7f526340ab734260ea46be" PRIMARY KEY (id)
);
INSERT INTO migrations ("timestamp", name) VALUES
  (1764000000000, 'InitialSchema1764000000000'),
  (1764000001000, 'LedgerAppRole1764000001000'),
  (1764000002000, 'Checkpoints1764000002000'),
  (1764000003000, 'LedgerPostOneLockPass1764000003000'),
  (1764000004000, 'OrganizationNamesNotUnique1764000004000');

CREATE TABLE organizations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  type        text NOT NULL CHECK (type IN ('donor','recipient','monitor','admin','auditor')),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organizations_name ON organizations (name, created_at, id);

CREATE TABLE principals (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role             text NOT NULL CHECK (role IN ('admin','donor','monitor','auditor')),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  api_key_hash     bytea NOT NULL UNIQUE,
  revoked_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE idempotency_keys (
  principal_id        uuid NOT NULL REFERENCES principals(id),
  key_hash            bytea NOT NULL CHECK (length(key_hash) = 32),
  request_hash        bytea NOT NULL,
  status_code         integer NOT NULL,
  response_body       text,
  response_encrypted  boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal_id, key_hash)
);

CREATE TABLE ledger_accounts (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code      text NOT NULL UNIQUE,
  kind      text NOT NULL CHECK (kind IN ('external','escrow','tranche','recipient')),
  currency  char(3) NOT NULL,
  balance   numeric NOT NULL DEFAULT 0,
  version   bigint NOT NULL DEFAULT 0,
  CONSTRAINT ledger_accounts_non_negative CHECK (kind = 'external' OR balance >= 0)
);

CREATE TABLE journal_transactions (
  seq                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id                  uuid NOT NULL UNIQUE,
  kind                text NOT NULL,
  actor_principal_id  uuid,
  escrow_account_id   uuid,
  occurred_at         timestamptz NOT NULL,
  body                text NOT NULL,
  content_hash        bytea NOT NULL CHECK (length(content_hash) = 32),
  xid                 xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX journal_transactions_xid_seq ON journal_transactions (xid, seq);
CREATE INDEX journal_transactions_escrow ON journal_transactions (escrow_account_id, seq)
  WHERE escrow_account_id IS NOT NULL;

CREATE TABLE journal_entries (
  transaction_seq  bigint NOT NULL REFERENCES journal_transactions(seq),
  position         smallint NOT NULL,
  account_id       bigint NOT NULL REFERENCES ledger_accounts(id),
  amount           numeric NOT NULL CHECK (amount <> 0),
  currency         char(3) NOT NULL,
  balance_after    numeric NOT NULL,
  PRIMARY KEY (transaction_seq, position)
);
CREATE INDEX journal_entries_account ON journal_entries (account_id, transaction_seq);

CREATE TABLE journal_chain (
  chain_index      bigint PRIMARY KEY CHECK (chain_index >= 0),
  transaction_seq  bigint NOT NULL UNIQUE REFERENCES journal_transactions(seq),
  xid              xid8 NOT NULL,
  prev_hash        bytea NOT NULL CHECK (length(prev_hash) = 32),
  hash             bytea NOT NULL CHECK (length(hash) = 32),
  sealed_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX journal_chain_xid_seq ON journal_chain (xid, transaction_seq);

CREATE TABLE escrow_accounts (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name         text NOT NULL,
  currency     char(3) NOT NULL,
  country      char(2),
  description  text,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended','closed')),
  created_by   uuid NOT NULL REFERENCES principals(id),
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deposits (
  id                      uuid PRIMARY KEY,
  escrow_account_id       uuid NOT NULL REFERENCES escrow_accounts(id),
  organization_id         uuid NOT NULL REFERENCES organizations(id),
  principal_id            uuid NOT NULL REFERENCES principals(id),
  amount                  numeric NOT NULL CHECK (amount > 0),
  currency                char(3) NOT NULL,
  reference               text,
  journal_transaction_id  uuid NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deposits_escrow ON deposits (escrow_account_id, organization_id);

CREATE TABLE refunds (
  id                      uuid PRIMARY KEY,
  escrow_account_id       uuid NOT NULL REFERENCES escrow_accounts(id),
  organization_id         uuid NOT NULL REFERENCES organizations(id),
  amount                  numeric NOT NULL CHECK (amount > 0),
  journal_transaction_id  uuid NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_escrow ON refunds (escrow_account_id);

CREATE TABLE tranches (
  id                         uuid PRIMARY KEY,
  escrow_account_id          uuid NOT NULL REFERENCES escrow_accounts(id),
  donor_organization_id      uuid NOT NULL REFERENCES organizations(id),
  recipient_organization_id  uuid NOT NULL REFERENCES organizations(id),
  category   text NOT NULL CHECK (category IN ('utilities','shelters','clinics','infrastructure','livelihoods')),
  phase      integer NOT NULL CHECK (phase >= 1),
  amount     numeric NOT NULL CHECK (amount > 0),
  currency   char(3) NOT NULL,
  status     text NOT NULL DEFAULT 'allocated'
             CHECK (status IN ('allocated','release_pending','released','cancelled')),
  description text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tranches_escrow ON tranches (escrow_account_id, phase);

CREATE TABLE benchmarks (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tranche_id          uuid NOT NULL REFERENCES tranches(id),
  kind                text NOT NULL CHECK (kind IN ('humanitarian_access','anti_corruption')),
  description         text NOT NULL,
  required_approvals  integer NOT NULL CHECK (required_approvals BETWEEN 1 AND 10),
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX benchmarks_tranche ON benchmarks (tranche_id);

CREATE TABLE benchmark_signoffs (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  benchmark_id     uuid NOT NULL REFERENCES benchmarks(id),
  principal_id     uuid NOT NULL REFERENCES principals(id),
  organization_id  uuid NOT NULL REFERENCES organizations(id),
  decision         text NOT NULL CHECK (decision IN ('approve','reject')),
  evidence         text,
  comment          text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX benchmark_signoffs_benchmark ON benchmark_signoffs (benchmark_id, principal_id, id);

CREATE TABLE release_requests (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tranche_id              uuid NOT NULL REFERENCES tranches(id),
  status                  text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
  requested_by            uuid NOT NULL REFERENCES principals(id),
  decided_by              uuid REFERENCES principals(id),
  reason                  text,
  journal_transaction_id  uuid,
  created_at              timestamptz NOT NULL DEFAULT now(),
  decided_at              timestamptz
);
CREATE UNIQUE INDEX release_requests_one_pending ON release_requests (tranche_id) WHERE status = 'pending';

CREATE TABLE merkle_nodes (
  level  smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
  idx    bigint NOT NULL CHECK (idx >= 0),
  hash   bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
);

CREATE TABLE checkpoints (
  tree_size   bigint PRIMARY KEY CHECK (tree_size > 0),
  root_hash   bytea NOT NULL CHECK (length(root_hash) = 32),
  signed_at   timestamptz NOT NULL,
  signature   bytea NOT NULL CHECK (length(signature) = 64),
  public_key  bytea NOT NULL CHECK (length(public_key) = 32),
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Functions, as LedgerPostOneLockPass1764000003000 and Checkpoints1764000002000 left them.

CREATE OR REPLACE FUNCTION public.journal_append_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        RAISE EXCEPTION 'journal table % is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'LG100';
      END $function$
;

CREATE OR REPLACE FUNCTION public.ledger_post(p_id uuid, p_kind text, p_actor uuid, p_escrow uuid, p_occurred_at timestamp with time zone, p_body text, p_content_hash bytea, p_codes text[], p_account_kinds text[], p_currencies text[], p_amounts numeric[])
 RETURNS TABLE(out_seq bigint, out_code text, out_balance numeric)
 LANGUAGE plpgsql
AS $function$
      DECLARE
        v_postings int := cardinality(p_codes);
        v_duplicated boolean;
        v_unbalanced boolean;
        v_other_currency text;
        v_other_kind text;
        v_short text;
        v_account record;
      BEGIN
        IF v_postings = 0 THEN
          RETURN QUERY
          INSERT INTO journal_transactions
            (id, kind, actor_principal_id, escrow_account_id, occurred_at, body, content_hash)
          VALUES (p_id, p_kind, p_actor, p_escrow, p_occurred_at, p_body, p_content_hash)
          RETURNING seq, NULL::text, NULL::numeric;
          RETURN;
        END IF;

        SELECT (SELECT count(DISTINCT c) FROM unnest(p_codes) AS c) <> v_postings,
               EXISTS (SELECT 1 FROM unnest(p_currencies, p_amounts) AS t(cur, amt) GROUP BY cur HAVING sum(amt) <> 0)
          INTO v_duplicated, v_unbalanced;
        IF v_duplicated THEN
          RAISE EXCEPTION 'an account appears twice in one posting' USING ERRCODE = 'LG003';
        END IF;
        IF v_unbalanced THEN
          RAISE EXCEPTION 'posting does not balance per currency' USING ERRCODE = 'LG003';
        END IF;

        IF (SELECT count(*) FROM ledger_accounts WHERE code = ANY (p_codes)) < v_postings THEN
          -- In one global (code) order: two postings creating the same new accounts in opposite
          -- orders would otherwise deadlock on each other's uncommitted inserts.
          INSERT INTO ledger_accounts (code, kind, currency)
          SELECT c, k, cur FROM unnest(p_codes, p_account_kinds, p_currencies) AS t(c, k, cur)
          ORDER BY c COLLATE "C"
          ON CONFLICT (code) DO NOTHING;
        END IF;

        -- LockRows sits above the sort: the accounts are locked in id order.
        FOR v_account IN
          SELECT a.code, a.kind <> t.k AS other_kind, a.currency <> t.cur AS other_currency,
                 a.kind <> 'external' AND a.balance + t.amt < 0 AS short
            FROM ledger_accounts a JOIN unnest(p_codes, p_account_kinds, p_currencies, p_amounts) AS t(c, k, cur, amt)
              ON a.code = t.c
           ORDER BY a.id
             FOR UPDATE OF a
        LOOP
          IF v_account.other_currency AND v_other_currency IS NULL THEN v_other_currency := v_account.code; END IF;
          IF v_account.other_kind AND v_other_kind IS NULL THEN v_other_kind := v_account.code; END IF;
          IF v_account.short AND v_short IS NULL THEN v_short := v_account.code; END IF;
        END LOOP;
        IF v_other_currency IS NOT NULL THEN
          RAISE EXCEPTION 'account % holds another currency', v_other_currency USING ERRCODE = 'LG002', DETAIL = v_other_currency;
        END IF;
        -- The kind decides whether a balance may go negative: it must match the account's.
        IF v_other_kind IS NOT NULL THEN
          RAISE EXCEPTION 'account % is of another kind', v_other_kind USING ERRCODE = 'LG004', DETAIL = v_other_kind;
        END IF;
        IF v_short IS NOT NULL THEN
          RAISE EXCEPTION 'insufficient funds in %', v_short USING ERRCODE = 'LG001', DETAIL = v_short;
        END IF;

        RETURN QUERY
        WITH journal AS (
          INSERT INTO journal_transactions
            (id, kind, actor_principal_id, escrow_account_id, occurred_at, body, content_hash)
          VALUES (p_id, p_kind, p_actor, p_escrow, p_occurred_at, p_body, p_content_hash)
          RETURNING seq
        ), updated AS (
          UPDATE ledger_accounts a
             SET balance = a.balance + t.amt, version = a.version + 1
            FROM unnest(p_codes, p_amounts) WITH ORDINALITY AS t(c, amt, pos)
           WHERE a.code = t.c
          RETURNING a.id, a.code, a.currency, a.balance, t.amt, t.pos
        ), entries AS (
          INSERT INTO journal_entries (transaction_seq, position, account_id, amount, currency, balance_after)
          SELECT journal.seq, u.pos, u.id, u.amt, u.currency, u.balance FROM updated u, journal
        )
        SELECT journal.seq, u.code, u.balance FROM updated u, journal ORDER BY u.pos;
      END $function$
;

CREATE OR REPLACE FUNCTION public.transparency_append_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'LG100';
      END $function$
;

CREATE TRIGGER journal_transactions_no_update_delete BEFORE UPDATE OR DELETE ON journal_transactions
  FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_transactions_no_truncate BEFORE TRUNCATE ON journal_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_entries_no_update_delete BEFORE UPDATE OR DELETE ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
  FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_chain_no_update_delete BEFORE UPDATE OR DELETE ON journal_chain
  FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_chain_no_truncate BEFORE TRUNCATE ON journal_chain
  FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER merkle_nodes_no_update_delete BEFORE UPDATE OR DELETE ON merkle_nodes
  FOR EACH ROW EXECUTE FUNCTION transparency_append_only();
CREATE TRIGGER merkle_nodes_no_truncate BEFORE TRUNCATE ON merkle_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION transparency_append_only();
CREATE TRIGGER checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION transparency_append_only();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION transparency_append_only();

-- The grants of LedgerAppRole1764000001000 and Checkpoints1764000002000, as they ended.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') THEN
    GRANT USAGE ON SCHEMA public TO aid_escrow_app;
    GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO aid_escrow_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON journal_transactions, journal_entries, journal_chain, merkle_nodes, checkpoints FROM aid_escrow_app;
    GRANT DELETE ON idempotency_keys TO aid_escrow_app;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO aid_escrow_app;
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO aid_escrow_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO aid_escrow_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO aid_escrow_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO aid_escrow_app;
  END IF;
END $$;
