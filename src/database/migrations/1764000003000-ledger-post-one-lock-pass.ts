import { MigrationInterface, QueryRunner } from 'typeorm';
import { LEDGER_POST_INITIAL_SQL } from './1764000000000-initial-schema';

/**
 * `ledger_post` with the same rules in fewer statements, because it runs once per money
 * movement: accounts are created only when one is missing (accounts are never deleted, so a
 * count that finds them all needs no insert), the lock pass reads what the checks need, and
 * the transaction, its entries and the balances are written in one statement.
 * The rules, their error codes and their precedence (currency, then kind, then funds) are
 * those of the initial schema, which `down` restores.
 */
export class LedgerPostOneLockPass1764000003000 implements MigrationInterface {
  name = 'LedgerPostOneLockPass1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION ledger_post(
        p_id uuid, p_kind text, p_actor uuid, p_escrow uuid, p_occurred_at timestamptz,
        p_body text, p_content_hash bytea,
        p_codes text[], p_account_kinds text[], p_currencies text[], p_amounts numeric[]
      ) RETURNS TABLE (out_seq bigint, out_code text, out_balance numeric)
      LANGUAGE plpgsql SECURITY INVOKER AS $$
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
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(LEDGER_POST_INITIAL_SQL);
  }
}
