import { DataSource } from 'typeorm';
import { createTestDatabase } from '../support/database';
import { accounts, ledgerServices, moveEvent, openDataSource, postInTransaction, sql, tamper } from '../support/ledger';

/**
 * Verification on a varied journal (what used to be the fast path's test, when verification
 * was written twice): several currencies and scales, external accounts below zero, events
 * without postings, accounts touched again and again, an unsealed tail. It reports the figures
 * SQL counts, and each tampering is named at the transaction it breaks.
 */
describe('verification on a varied journal', () => {
  let url: string;
  let db: DataSource;

  beforeAll(async () => {
    url = await createTestDatabase();
    db = await openDataSource(url, 2);
    const { sealer } = ledgerServices(db);
    // Several currencies and scales, external accounts below zero, events without postings,
    // accounts touched again and again, an unsealed tail.
    await postInTransaction(db, moveEvent(accounts.donor(1), accounts.escrow(1), '1000000.50'));
    await postInTransaction(db, moveEvent(accounts.donor(2, 'JPY'), accounts.escrow(2, 'JPY'), '250000'));
    await postInTransaction(db, moveEvent(accounts.donor(3, 'KWD'), accounts.escrow(3, 'KWD'), '12.345'));
    for (let i = 0; i < 30; i++) {
      await postInTransaction(db, moveEvent(accounts.escrow(1), accounts.tranche(i), `${i + 1}.05`, 'tranche_allocated'));
      await postInTransaction(db, { kind: 'benchmark_signoff', actorPrincipalId: null, details: { decision: 'approve', n: i } });
      if (i % 3 === 0) await postInTransaction(db, moveEvent(accounts.tranche(i), accounts.recipient(1), `${i + 1}.05`, 'release_approved'));
    }
    await postInTransaction(db, moveEvent(accounts.escrow(2, 'JPY'), accounts.donor(2, 'JPY'), '250000', 'refund'));
    await sealer.sealPending();
    await postInTransaction(db, moveEvent(accounts.donor(1), accounts.escrow(1), '5'));
  });
  afterAll(() => db?.destroy());

  it('reports the journal\'s figures on a sound journal', async () => {
    const [{ transactions, sealed, head }] = await sql<{ transactions: number; sealed: number; head: string }>(
      url,
      `SELECT (SELECT count(*)::int FROM journal_transactions) AS transactions, (SELECT count(*)::int FROM journal_chain) AS sealed,
              (SELECT encode(hash, 'hex') FROM journal_chain ORDER BY chain_index DESC LIMIT 1) AS head`,
    );
    expect(sealed).toBe(transactions - 1);
    expect(await ledgerServices(db).verifier.verify()).toEqual({ ok: true, transactions, sealed, headHash: head, firstBrokenSeq: null, problem: null });
  });

  // Each tampering is undone after its check (triggers are off for the tamperer), so they stay
  // independent. Seq 1-3 are deposits, then allocation (4), sign-off (5), release (6), allocation (7)…
  // Chain index n holds seq n + 1 (one writer at a time).
  const tamperings: [string, string, string, number, RegExp][] = [
    ['a body (its hash no longer matches)', `UPDATE journal_transactions SET body = replace(body, '1000000.50', '1000000.51') WHERE seq = 1`, `UPDATE journal_transactions SET body = replace(body, '1000000.51', '1000000.50') WHERE seq = 1`, 1, /content hash/],
    ['an entry amount', `UPDATE journal_entries SET amount = amount + 1 WHERE transaction_seq = 4 AND position = 2`, `UPDATE journal_entries SET amount = amount - 1 WHERE transaction_seq = 4 AND position = 2`, 4, /entry 2 does not match/],
    ['a balance_after', `UPDATE journal_entries SET balance_after = balance_after + 0.01 WHERE transaction_seq = 4 AND position = 1`, `UPDATE journal_entries SET balance_after = balance_after - 0.01 WHERE transaction_seq = 4 AND position = 1`, 4, /entry 1: balance_after 999999.46 but the running balance of escrow:.* is 999999.45$/],
    ['an account balance', `UPDATE ledger_accounts SET balance = balance + 1 WHERE code = '${accounts.escrow(3, 'KWD').code}'`, `UPDATE ledger_accounts SET balance = balance - 1 WHERE code = '${accounts.escrow(3, 'KWD').code}'`, 3, /holds 13.345 but its entries sum to 12.345$/],
    ['a transaction time', `UPDATE journal_transactions SET occurred_at = occurred_at + interval '1 millisecond' WHERE seq = 7`, `UPDATE journal_transactions SET occurred_at = occurred_at - interval '1 millisecond' WHERE seq = 7`, 7, /differ from its body/],
    ['a transaction time, by a microsecond', `UPDATE journal_transactions SET occurred_at = occurred_at + interval '1 microsecond' WHERE seq = 7`, `UPDATE journal_transactions SET occurred_at = occurred_at - interval '1 microsecond' WHERE seq = 7`, 7, /differ from its body/],
    ['a kind', `UPDATE journal_transactions SET kind = kind || 'x' WHERE seq = 6`, `UPDATE journal_transactions SET kind = left(kind, -1) WHERE seq = 6`, 6, /differ from its body/],
    ['a chain hash', `UPDATE journal_chain SET hash = set_byte(hash, 0, get_byte(hash, 0) # 1) WHERE chain_index = 10`, `UPDATE journal_chain SET hash = set_byte(hash, 0, get_byte(hash, 0) # 1) WHERE chain_index = 10`, 11, /chain link 10: hash/],
    ['an entry account', `UPDATE journal_entries SET account_id = account_id + 1 WHERE transaction_seq = 4 AND position = 2`, `UPDATE journal_entries SET account_id = account_id - 1 WHERE transaction_seq = 4 AND position = 2`, 4, /entry 2 does not match/],
    ['the chain order (two links swapped)', `UPDATE journal_chain SET chain_index = chain_index + 1000000 WHERE chain_index IN (3, 4); UPDATE journal_chain SET chain_index = CASE chain_index WHEN 1000003 THEN 4 ELSE 3 END WHERE chain_index >= 1000000`, `UPDATE journal_chain SET chain_index = chain_index + 1000000 WHERE chain_index IN (3, 4); UPDATE journal_chain SET chain_index = CASE chain_index WHEN 1000003 THEN 4 ELSE 3 END WHERE chain_index >= 1000000`, 4, /chain index 3 holds transaction 5 out of order \(transaction 4 belongs there\)/],
  ];

  it.each(tamperings)('names %s changed, at the seq it breaks', async (_what, change, undo, seq, problem) => {
    await tamper(url, change);
    try {
      expect(await ledgerServices(db).verifier.verify()).toMatchObject({ ok: false, firstBrokenSeq: seq, problem: expect.stringMatching(problem) });
    } finally {
      await tamper(url, undo);
    }
    expect(await ledgerServices(db).verifier.verify()).toMatchObject({ ok: true });
  });
});
