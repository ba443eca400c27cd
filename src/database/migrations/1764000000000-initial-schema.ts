import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One round trip per posting: create missing accounts, lock them in id order, check
 * currencies, balance and funds, then write the transaction, its entries and balances.
 * Exported so that a later migration replacing it can restore it in `down`.
 */
export const LEDGER_POST_INITIAL_SQL = `
  CREATE OR REPLACE FUNCTION ledger_post(
    p_id uuid, p_kind text, p_actor uuid, p_escrow uuid, p_occurred_at timestamptz,
    p_body text, p_content_hash bytea,
    p_codes text[], p_account_kinds text[], p_currencies text[], p_amounts numeric[]
  ) RETURNS TABLE (out_seq bigint, out_code text, out_balance numeric)
  LANGUAGE plpgsql SECURITY INVOKER AS $$
  DECLARE
    v_seq bigint;
    v_code text;
  BEGIN
    IF cardinality(p_codes) > 0 THEN
      IF cardinality(p_codes) <> (SELECT count(DISTINCT c) FROM unnest(p_codes) AS c) THEN
        RAISE EXCEPTION 'an account appears twice in one posting' USING ERRCODE = 'LG003';
      END IF;
      IF EXISTS (SELECT 1 FROM unnest(p_currencies, p_amounts) AS t(cur, amt)
                 GROUP BY cur HAVING sum(amt) <> 0) THEN
        RAISE EXCEPTION 'posting does not balance per currency' USING ERRCODE = 'LG003';
      END IF;

      -- In one global (code) order: two postings creating the same new accounts in opposite
      -- orders would otherwise deadlock on each other's uncommitted inserts.
      INSERT INTO ledger_accounts (code, kind, currency)
      SELECT c, k, cur FROM unnest(p_codes, p_account_kinds, p_currencies) AS t(c, k, cur)
      ORDER BY c COLLATE "C"
      ON CONFLICT (code) DO NOTHING;

      PERFORM 1 FROM ledger_accounts WHERE code = ANY (p_codes) ORDER BY id FOR UPDATE;

      SELECT a.code INTO v_code
        FROM ledger_accounts a JOIN unnest(p_codes, p_currencies) AS t(c, cur) ON a.code = t.c
       WHERE a.currency <> t.cur LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'account % holds another currency', v_code USING ERRCODE = 'LG002', DETAIL = v_code;
      END IF;

      -- The kind decides whether a balance may go negative: it must match the account's.
      SELECT a.code INTO v_code
        FROM ledger_accounts a JOIN unnest(p_codes, p_account_kinds) AS t(c, k) ON a.code = t.c
       WHERE a.kind <> t.k LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'account % is of another kind', v_code USING ERRCODE = 'LG004', DETAIL = v_code;
      END IF;

      SELECT a.code INTO v_code
        FROM ledger_accounts a JOIN unnest(p_codes, p_amounts) AS t(c, amt) ON a.code = t.c
       WHERE a.kind <> 'external' AND a.balance + t.amt < 0 LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'insufficient funds in %', v_code USING ERRCODE = 'LG001', DETAIL = v_code;
      END IF;
    END IF;

    INSERT INTO journal_transactions
      (id, kind, actor_principal_id, escrow_account_id, occurred_at, body, content_hash)
    VALUES (p_id, p_kind, p_actor, p_escrow, p_occurred_at, p_body, p_content_hash)
    RETURNING seq INTO v_seq;

    IF cardinality(p_codes) = 0 THEN
      RETURN QUERY SELECT v_seq, NULL::text, NULL::numeric;
      RETURN;
    END IF;

    RETURN QUERY
    WITH updated AS (
      UPDATE ledger_accounts a
         SET balance = a.balance + t.amt, version = a.version + 1
        FROM unnest(p_codes, p_amounts) WITH ORDINALITY AS t(c, amt, pos)
       WHERE a.code = t.c
      RETURNING a.id, a.code, a.currency, a.balance, t.amt, t.pos
    ), entries AS (
      INSERT INTO journal_entries (transaction_seq, position, account_id, amount, currency, balance_after)
      SELECT v_seq, u.pos, u.id, u.amt, u.currency, u.balance FROM updated u
    )
    SELECT v_seq, u.code, u.balance FROM updated u ORDER BY u.pos;
  END $$;
`;

/**
 * Organizations, principals, idempotency keys, the ledger, and the escrow workflow.
 * Amounts are unconstrained `numeric`; the application enforces each currency's minor units.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organizations (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
        type        text NOT NULL CHECK (type IN ('donor','recipient','monitor','admin','auditor')),
        created_at  timestamptz NOT NULL DEFAULT now()
      );

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
        -- SHA-256 of the client's key: the key itself is what decrypts a secret response.
        key_hash            bytea NOT NULL CHECK (length(key_hash) = 32),
        request_hash        bytea NOT NULL,
        status_code         integer NOT NULL,
        -- text, not jsonb: a replay returns the first response byte for byte (jsonb reorders keys)
        response_body       text,
        response_encrypted  boolean NOT NULL DEFAULT false,
        created_at          timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (principal_id, key_hash)
      );
    `);

    await q.query(`
      CREATE TABLE ledger_accounts (
        id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code      text NOT NULL UNIQUE,
        kind      text NOT NULL CHECK (kind IN ('external','escrow','tranche','recipient')),
        currency  char(3) NOT NULL,
        balance   numeric NOT NULL DEFAULT 0,
        version   bigint NOT NULL DEFAULT 0,
        -- Only an external account (money that came from outside) may go below zero.
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
        -- The writer's transaction id: the sealer chains in (xid, seq) order below the
        -- snapshot horizon, so writers never take a global lock.
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
    `);

    await q.query(`
      CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'journal table % is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'LG100';
      END $$;
    `);
    for (const table of ['journal_transactions', 'journal_entries', 'journal_chain']) {
      await q.query(`
        CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION journal_append_only();
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
      `);
    }

    await q.query(LEDGER_POST_INITIAL_SQL);

    await q.query(`
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
      -- At most one open request per tranche.
      CREATE UNIQUE INDEX release_requests_one_pending ON release_requests (tranche_id) WHERE status = 'pending';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE release_requests, benchmark_signoffs, benchmarks, tranches, refunds, deposits, escrow_accounts;
      DROP FUNCTION ledger_post;
      DROP TABLE journal_chain, journal_entries, journal_transactions, ledger_accounts;
      DROP FUNCTION journal_append_only;
      DROP TABLE idempotency_keys, principals, organizations;
    `);
  }
}
