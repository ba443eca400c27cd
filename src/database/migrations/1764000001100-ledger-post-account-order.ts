import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ledger_post` with two fixes found by the ledger tests:
 * - missing accounts are created in code order. Creating them in the caller's order let two
 *   postings that create the same new accounts in opposite orders deadlock (each waiting on the
 *   other's uncommitted insert); in one global order the second simply waits for the first.
 * - an existing account posted to under another kind (an escrow code sent as `external`) is
 *   refused: the kind decides whether the balance may go negative.
 * Everything else is as in the initial schema; SECURITY INVOKER (see the app-role migration).
 */
export class LedgerPostAccountOrder1764000001100 implements MigrationInterface {
  name = 'LedgerPostAccountOrder1764000001100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(ledgerPost({ sortedInserts: true, kindCheck: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(ledgerPost({ sortedInserts: false, kindCheck: false }));
  }
}

function ledgerPost(options: { sortedInserts: boolean; kindCheck: boolean }): string {
  const kindCheck = options.kindCheck
    ? `
          SELECT a.code INTO v_code
            FROM ledger_accounts a JOIN unnest(p_codes, p_account_kinds) AS t(c, k) ON a.code = t.c
           WHERE a.kind <> t.k LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'account % is of another kind', v_code USING ERRCODE = 'LG004', DETAIL = v_code;
          END IF;
`
    : '';
  return `
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

          INSERT INTO ledger_accounts (code, kind, currency)
          SELECT c, k, cur FROM unnest(p_codes, p_account_kinds, p_currencies) AS t(c, k, cur)
          ${options.sortedInserts ? 'ORDER BY c COLLATE "C"' : ''}
          ON CONFLICT (code) DO NOTHING;

          PERFORM 1 FROM ledger_accounts WHERE code = ANY (p_codes) ORDER BY id FOR UPDATE;

          SELECT a.code INTO v_code
            FROM ledger_accounts a JOIN unnest(p_codes, p_currencies) AS t(c, cur) ON a.code = t.c
           WHERE a.currency <> t.cur LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'account % holds another currency', v_code USING ERRCODE = 'LG002', DETAIL = v_code;
          END IF;
${kindCheck}
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
}
