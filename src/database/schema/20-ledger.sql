-- The ledger: double-entry accounts, and the append-only, hash-chained journal of every event.
--
-- Only src/ledger writes these tables, and only through ledger_post (below), in the same
-- transaction as the state change it records. Amounts are unconstrained `numeric`: the
-- application enforces each currency's minor units (money is never a floating-point number).

-- One account per (owner, purpose, currency); the code says which (src/ledger/ledger-accounts.ts),
-- e.g. `escrow:<escrow id>:tranche:<tranche id>`. Accounts are created by the first posting that
-- names them and never deleted. `balance` is the sum of the account's journal entries, kept here
-- so that a posting checks funds without summing the journal; `version` counts its postings.
CREATE TABLE ledger_accounts (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code      text NOT NULL UNIQUE,
  kind      text NOT NULL CHECK (kind IN ('external','escrow','tranche','recipient')),
  currency  char(3) NOT NULL,
  balance   numeric NOT NULL DEFAULT 0,
  version   bigint NOT NULL DEFAULT 0,
  -- Only an external account (money that came from outside) may go below zero. ledger_post
  -- refuses an overdraft first with a readable error (LG001); this holds even if it did not.
  CONSTRAINT ledger_accounts_non_negative CHECK (kind = 'external' OR balance >= 0)
);

-- One recorded event (a deposit, an allocation, a sign-off, ...), money-moving or not.
-- `body` is the event's canonical JSON (RFC 8785) exactly as hashed: text, not jsonb, which
-- would reorder keys and lose the bytes the hash covers. `seq` is the order of insertion.
CREATE TABLE journal_transactions (
  seq                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id                  uuid NOT NULL UNIQUE,
  kind                text NOT NULL,
  actor_principal_id  uuid,
  escrow_account_id   uuid,
  occurred_at         timestamptz NOT NULL,
  body                text NOT NULL,
  -- SHA-256 of `body`: what the chain and the Merkle tree commit to.
  content_hash        bytea NOT NULL CHECK (length(content_hash) = 32),
  -- The writer's transaction id: the sealer chains in (xid, seq) order below the snapshot
  -- horizon, so writers never take a global lock (src/ledger/sealer.service.ts).
  xid                 xid8 NOT NULL DEFAULT pg_current_xact_id()
);
-- The sealer's scan for what to chain next.
CREATE INDEX journal_transactions_xid_seq ON journal_transactions (xid, seq);
-- One escrow account's history (reports, the last activity per account); most events name one.
CREATE INDEX journal_transactions_escrow ON journal_transactions (escrow_account_id, seq)
  WHERE escrow_account_id IS NOT NULL;

-- The legs of a money-moving transaction: per currency they sum to zero (ledger_post checks).
-- `balance_after` is the account's balance once this entry applied, so that verification can
-- replay every account from the journal alone.
CREATE TABLE journal_entries (
  transaction_seq  bigint NOT NULL REFERENCES journal_transactions(seq),
  -- The leg's place in the posting (1-based), as the body lists them.
  position         smallint NOT NULL,
  account_id       bigint NOT NULL REFERENCES ledger_accounts(id),
  amount           numeric NOT NULL CHECK (amount <> 0),
  currency         char(3) NOT NULL,
  balance_after    numeric NOT NULL,
  PRIMARY KEY (transaction_seq, position)
);
-- One account's statement.
CREATE INDEX journal_entries_account ON journal_entries (account_id, transaction_seq);

-- The hash chain, appended by the sealer: chain_index 0, 1, 2, ... with no gap, each link's
-- hash = SHA-256(prev_hash ‖ its transaction's content_hash), the first prev_hash 32 zero
-- bytes. A transaction is chained at most once.
CREATE TABLE journal_chain (
  chain_index      bigint PRIMARY KEY CHECK (chain_index >= 0),
  transaction_seq  bigint NOT NULL UNIQUE REFERENCES journal_transactions(seq),
  -- The chained transaction's xid, copied: the sealer resumes after the last (xid, seq).
  xid              xid8 NOT NULL,
  prev_hash        bytea NOT NULL CHECK (length(prev_hash) = 32),
  hash             bytea NOT NULL CHECK (length(hash) = 32),
  sealed_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX journal_chain_xid_seq ON journal_chain (xid, transaction_seq);

-- Append-only, by trigger: even the owner cannot change or remove a journal row (short of
-- disabling the trigger, which the verifier would then expose as a broken chain or balance).
CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'journal table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'LG100';
END $$;

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

-- Append-only, by privilege: the app role may read and append journal rows, never update them
-- (DELETE and TRUNCATE it never had, see 00-roles.sql). ledger_accounts stays writable: balances move.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') THEN
    REVOKE UPDATE ON journal_transactions, journal_entries, journal_chain FROM aid_escrow_app;
  END IF;
END $$;

-- One leg of a posting as the application hands it to ledger_post: the account (created with
-- this kind and currency when absent) and the signed amount (negative = out of the account).
CREATE TYPE ledger_posting AS (code text, kind text, currency text, amount numeric);

-- Records one event and moves its money, in one round trip, in the caller's transaction: checks
-- the posting, creates missing accounts, locks the accounts in id order, checks currency, kind
-- and funds, then writes the transaction, its entries and the new balances in one statement.
-- Returns one row per leg (seq, account code, balance after), or one row (seq, NULL, NULL) for
-- an event that moves no money.
--
-- Refusals, in this precedence (src/ledger/ledger-errors.ts maps them):
--   LG003  an account named twice, or the legs do not sum to zero per currency
--   LG002  an existing account holds another currency       (DETAIL: the account code)
--   LG004  an existing account is of another kind           (DETAIL: the account code)
--   LG001  a non-external account would go below zero       (DETAIL: the account code)
--
-- SECURITY INVOKER (PostgreSQL's default, stated): it writes with the caller's privileges, so it
-- grants nothing the caller does not already have.
CREATE FUNCTION ledger_post(
  p_id uuid, p_kind text, p_actor uuid, p_escrow uuid, p_occurred_at timestamptz,
  p_body text, p_content_hash bytea, p_postings ledger_posting[]
) RETURNS TABLE (out_seq bigint, out_code text, out_balance numeric)
LANGUAGE plpgsql SECURITY INVOKER AS $$
DECLARE
  v_legs int := cardinality(p_postings);
  v_duplicated boolean;
  v_unbalanced boolean;
  v_other_currency text;
  v_other_kind text;
  v_short text;
  v_account record;
BEGIN
  IF v_legs = 0 THEN
    RETURN QUERY
    INSERT INTO journal_transactions
      (id, kind, actor_principal_id, escrow_account_id, occurred_at, body, content_hash)
    VALUES (p_id, p_kind, p_actor, p_escrow, p_occurred_at, p_body, p_content_hash)
    RETURNING seq, NULL::text, NULL::numeric;
    RETURN;
  END IF;

  SELECT (SELECT count(DISTINCT p.code) FROM unnest(p_postings) AS p) <> v_legs,
         EXISTS (SELECT FROM unnest(p_postings) AS p GROUP BY p.currency HAVING sum(p.amount) <> 0)
    INTO v_duplicated, v_unbalanced;
  IF v_duplicated THEN
    RAISE EXCEPTION 'an account appears twice in one posting' USING ERRCODE = 'LG003';
  END IF;
  IF v_unbalanced THEN
    RAISE EXCEPTION 'posting does not balance per currency' USING ERRCODE = 'LG003';
  END IF;

  -- Accounts are never deleted: when all are found, there is nothing to insert.
  IF (SELECT count(*) FROM ledger_accounts a JOIN unnest(p_postings) AS p ON a.code = p.code) < v_legs THEN
    -- In one global (code) order: two postings creating the same new accounts in opposite
    -- orders would otherwise deadlock on each other's uncommitted inserts.
    INSERT INTO ledger_accounts (code, kind, currency)
    SELECT p.code, p.kind, p.currency FROM unnest(p_postings) AS p
    ORDER BY p.code COLLATE "C"
    ON CONFLICT (code) DO NOTHING;
  END IF;

  -- One pass locks the accounts and reads what the checks need. LockRows sits above the sort:
  -- the accounts are locked in id order, the same order for every posting, so no deadlock.
  FOR v_account IN
    SELECT a.code, a.kind <> p.kind AS other_kind, a.currency <> p.currency AS other_currency,
           a.kind <> 'external' AND a.balance + p.amount < 0 AS short
      FROM ledger_accounts a JOIN unnest(p_postings) AS p ON a.code = p.code
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
       SET balance = a.balance + p.amount, version = a.version + 1
      FROM unnest(p_postings) WITH ORDINALITY AS p(code, kind, currency, amount, position)
     WHERE a.code = p.code
    RETURNING a.id, a.code, a.currency, a.balance, p.amount, p.position
  ), entries AS (
    INSERT INTO journal_entries (transaction_seq, position, account_id, amount, currency, balance_after)
    SELECT journal.seq, u.position, u.id, u.amount, u.currency, u.balance FROM updated u, journal
  )
  SELECT journal.seq, u.code, u.balance FROM updated u, journal ORDER BY u.position;
END $$;

-- Locks, for a caller that posts several transactions in one database transaction (a batch of
-- deposits), every account those postings name, up front: missing ones created in code order,
-- then all locked in id order, the order ledger_post itself locks in. Each ledger_post that
-- follows finds its accounts already held, so a batch never holds one account while waiting for
-- another that a concurrent batch or posting holds in the opposite order.
CREATE FUNCTION ledger_lock_accounts(p_postings ledger_posting[]) RETURNS void
LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
  IF (SELECT count(*) FROM ledger_accounts a WHERE a.code IN (SELECT p.code FROM unnest(p_postings) AS p))
     < (SELECT count(DISTINCT p.code) FROM unnest(p_postings) AS p) THEN
    INSERT INTO ledger_accounts (code, kind, currency)
    SELECT DISTINCT ON (p.code COLLATE "C") p.code, p.kind, p.currency FROM unnest(p_postings) AS p
    ORDER BY p.code COLLATE "C"
    ON CONFLICT (code) DO NOTHING;
  END IF;
  PERFORM 1 FROM ledger_accounts a
   WHERE a.code IN (SELECT p.code FROM unnest(p_postings) AS p)
   ORDER BY a.id
     FOR UPDATE OF a;
END $$;
