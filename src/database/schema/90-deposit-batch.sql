-- Group commit for deposits (src/escrow/accounts/deposit-batcher.ts): the deposits one process
-- gathered over a millisecond or so, booked in one statement, so in one transaction and one round
-- trip. Each item is what one request's unit of work would have done (src/commands/unit-of-work.ts),
-- in the same order and with the same outcome, which is why this one function reads identity,
-- idempotency and escrow rows together: it is that unit of work, many times over. It writes the
-- journal only through the ledger's own functions (ledger_lock_accounts, ledger_post), so each
-- deposit is a journal transaction of its own (own id, seq, body, content hash, balanced legs).
--
-- p_items: a JSON array, one object per request, in the order the requests arrived:
--   principal, keyHash / requestHash (hex, null without an Idempotency-Key), status, response
--   (the answer's JSON text, stored for replays), escrow, currency, depositId, organization,
--   amount, reference, and journal {id, kind, occurredAt, body, contentHash (hex),
--   postings [[code, kind, currency, amount], ...]} as LedgerService.prepare made it.
--
-- Returns one row per item (out_ord, 1-based), whose out_outcome is
--   BOOKED    booked; out_seq is its journal transaction's seq
--   REVOKED   the actor is no longer active (401, as AuthService.assertStillActive)
--   KEY_USED  the Idempotency-Key was used before: out_request_hash / out_response / out_encrypted
--             are the first request's, the service replays it or answers 422
--   CLOSED    the escrow account is closed (409 ACCOUNT_CLOSED)
-- A refusal is decided before the item writes anything that stays (a claim it made is taken back),
-- so refusals need no subtransaction; any other error fails the statement, and the service then
-- books the items one by one, each with its own outcome.
--
-- Locks, each kind in one global order and before anything is written: the actors FOR SHARE
-- (a revocation waits for the batch, or the batch sees it), the escrow accounts FOR SHARE (a
-- close or suspension waits, or is seen), then every ledger account the batch posts to.
CREATE FUNCTION deposit_batch(p_items jsonb)
RETURNS TABLE (out_ord int, out_outcome text, out_seq bigint, out_request_hash bytea, out_response text, out_encrypted boolean)
LANGUAGE plpgsql SECURITY INVOKER AS $$
DECLARE
  v record;
  v_active boolean;
  v_status text;
  v_currency text;
  v_claimed boolean;
  v_seq bigint;
  v_postings ledger_posting[];
BEGIN
  PERFORM 1 FROM principals
   WHERE id IN (SELECT (i->>'principal')::uuid FROM jsonb_array_elements(p_items) AS i)
   ORDER BY id FOR SHARE;
  PERFORM 1 FROM escrow_accounts
   WHERE id IN (SELECT (i->>'escrow')::uuid FROM jsonb_array_elements(p_items) AS i)
   ORDER BY id FOR SHARE;
  PERFORM ledger_lock_accounts(ARRAY(
    SELECT (p->>0, p->>1, p->>2, (p->>3)::numeric)::ledger_posting
      FROM jsonb_array_elements(p_items) AS i, jsonb_array_elements(i->'journal'->'postings') AS p));

  FOR v IN
    SELECT t.ord::int AS ord, (t.i->>'principal')::uuid AS principal,
           decode(t.i->>'keyHash', 'hex') AS key_hash, decode(t.i->>'requestHash', 'hex') AS request_hash,
           (t.i->>'status')::int AS status, t.i->>'response' AS response,
           (t.i->>'escrow')::uuid AS escrow, t.i->>'currency' AS currency, (t.i->>'depositId')::uuid AS deposit_id,
           (t.i->>'organization')::uuid AS organization, (t.i->>'amount')::numeric AS amount,
           t.i->>'reference' AS reference, t.i->'journal' AS journal
      FROM jsonb_array_elements(p_items) WITH ORDINALITY AS t(i, ord)
     ORDER BY t.ord
  LOOP
    out_ord := v.ord; out_outcome := NULL; out_seq := NULL;
    out_request_hash := NULL; out_response := NULL; out_encrypted := NULL;

    SELECT status = 'active' INTO v_active FROM principals WHERE id = v.principal;
    IF v_active IS NOT TRUE THEN
      out_outcome := 'REVOKED'; RETURN NEXT; CONTINUE;
    END IF;

    v_claimed := false;
    IF v.key_hash IS NOT NULL THEN
      -- As IdempotencyStore.claim: a claim in flight elsewhere is waited for, then seen.
      INSERT INTO idempotency_keys (principal_id, key_hash, request_hash, status_code)
      VALUES (v.principal, v.key_hash, v.request_hash, 0)
      ON CONFLICT (principal_id, key_hash) DO NOTHING
      RETURNING true INTO v_claimed;
      IF v_claimed IS NOT TRUE THEN
        SELECT k.request_hash, k.response_body, k.response_encrypted
          INTO out_request_hash, out_response, out_encrypted
          FROM idempotency_keys k WHERE k.principal_id = v.principal AND k.key_hash = v.key_hash;
        out_outcome := 'KEY_USED'; RETURN NEXT; CONTINUE;
      END IF;
    END IF;

    SELECT a.status, a.currency INTO v_status, v_currency FROM escrow_accounts a WHERE a.id = v.escrow;
    -- The service found the account and its currency before (neither ever changes or goes away).
    IF v_status IS NULL OR v_currency <> v.currency THEN
      RAISE EXCEPTION 'escrow account % is not the one the deposit was prepared for', v.escrow;
    END IF;
    IF v_status = 'closed' THEN
      -- The request's transaction would have rolled its claim back: so does this.
      IF v_claimed THEN
        DELETE FROM idempotency_keys WHERE principal_id = v.principal AND key_hash = v.key_hash;
      END IF;
      out_outcome := 'CLOSED'; RETURN NEXT; CONTINUE;
    END IF;

    v_postings := ARRAY(
      SELECT (p.leg->>0, p.leg->>1, p.leg->>2, (p.leg->>3)::numeric)::ledger_posting
        FROM jsonb_array_elements(v.journal->'postings') WITH ORDINALITY AS p(leg, n) ORDER BY p.n);
    SELECT l.out_seq INTO v_seq
      FROM ledger_post((v.journal->>'id')::uuid, v.journal->>'kind', v.principal, v.escrow,
                       (v.journal->>'occurredAt')::timestamptz, v.journal->>'body',
                       decode(v.journal->>'contentHash', 'hex'), v_postings) AS l
     LIMIT 1;

    INSERT INTO deposits (id, escrow_account_id, organization_id, principal_id, amount, currency, reference, journal_transaction_id)
    VALUES (v.deposit_id, v.escrow, v.organization, v.principal, v.amount, v.currency, v.reference, (v.journal->>'id')::uuid);

    -- As DonorTotalsRepository.change for money in: the row locked last, after the ledger's.
    INSERT INTO escrow_donor_totals AS t (escrow_account_id, organization_id, deposited)
    VALUES (v.escrow, v.organization, v.amount)
    ON CONFLICT (escrow_account_id, organization_id) DO UPDATE SET deposited = t.deposited + EXCLUDED.deposited;

    IF v_claimed THEN
      UPDATE idempotency_keys SET status_code = v.status, response_body = v.response, response_encrypted = false
       WHERE principal_id = v.principal AND key_hash = v.key_hash;
    END IF;

    out_outcome := 'BOOKED'; out_seq := v_seq; RETURN NEXT;
  END LOOP;
END $$;
