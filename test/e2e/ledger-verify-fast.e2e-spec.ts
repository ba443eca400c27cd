import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { FastVerification, verifySoundJournal } from '../../src/ledger/verify-fast';
import { createTestDatabase } from '../support/database';
import { accounts, ledgerServices, moveEvent, openDataSource, postInTransaction, sql, tamper } from '../support/ledger';

/**
 * The fast path of verification (verify-fast.ts) may only ever say "sound" when the full check
 * would: on a sound journal it reports the same figures; any tampering makes it step aside.
 */
describe('verification fast path', () => {
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

  async function fast(): Promise<FastVerification | undefined> {
    const runner = db.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      return await verifySoundJournal(client);
    } finally {
      await runner.query('ROLLBACK');
      await runner.release();
    }
  }

  it('reports what the full check reports on a sound journal', async () => {
    const [{ transactions, sealed, head }] = await sql<{ transactions: number; sealed: number; head: string }>(
      url,
      `SELECT (SELECT count(*)::int FROM journal_transactions) AS transactions, (SELECT count(*)::int FROM journal_chain) AS sealed,
              (SELECT encode(hash, 'hex') FROM journal_chain ORDER BY chain_index DESC LIMIT 1) AS head`,
    );
    expect(await fast()).toEqual({ transactions, sealed, headHash: head });
    expect(sealed).toBe(transactions - 1);
    expect(await ledgerServices(db).verifier.verify()).toEqual({ ok: true, transactions, sealed, headHash: head, firstBrokenSeq: null, problem: null });
  });

  // Each tampering is undone after its check (triggers are off for the tamperer), so they stay
  // independent. Seq 1-3 are deposits, then allocation (4), sign-off (5), release (6), allocation (7)…
  const tamperings: [string, string, string][] = [
    ['a body (its hash no longer matches)', `UPDATE journal_transactions SET body = replace(body, '1000000.50', '1000000.51') WHERE seq = 1`, `UPDATE journal_transactions SET body = replace(body, '1000000.51', '1000000.50') WHERE seq = 1`],
    ['an entry amount', `UPDATE journal_entries SET amount = amount + 1 WHERE transaction_seq = 4 AND position = 2`, `UPDATE journal_entries SET amount = amount - 1 WHERE transaction_seq = 4 AND position = 2`],
    ['a balance_after', `UPDATE journal_entries SET balance_after = balance_after + 0.01 WHERE transaction_seq = 4 AND position = 1`, `UPDATE journal_entries SET balance_after = balance_after - 0.01 WHERE transaction_seq = 4 AND position = 1`],
    ['an account balance', `UPDATE ledger_accounts SET balance = balance + 1 WHERE id = 1`, `UPDATE ledger_accounts SET balance = balance - 1 WHERE id = 1`],
    ['a transaction time', `UPDATE journal_transactions SET occurred_at = occurred_at + interval '1 millisecond' WHERE seq = 7`, `UPDATE journal_transactions SET occurred_at = occurred_at - interval '1 millisecond' WHERE seq = 7`],
    ['a kind', `UPDATE journal_transactions SET kind = kind || 'x' WHERE seq = 6`, `UPDATE journal_transactions SET kind = left(kind, -1) WHERE seq = 6`],
    ['a chain hash', `UPDATE journal_chain SET hash = set_byte(hash, 0, get_byte(hash, 0) # 1) WHERE chain_index = 10`, `UPDATE journal_chain SET hash = set_byte(hash, 0, get_byte(hash, 0) # 1) WHERE chain_index = 10`],
    ['an entry account', `UPDATE journal_entries SET account_id = account_id + 1 WHERE transaction_seq = 4 AND position = 2`, `UPDATE journal_entries SET account_id = account_id - 1 WHERE transaction_seq = 4 AND position = 2`],
    ['the chain order (two links swapped)', `UPDATE journal_chain SET chain_index = chain_index + 1000000 WHERE chain_index IN (3, 4); UPDATE journal_chain SET chain_index = CASE chain_index WHEN 1000003 THEN 4 ELSE 3 END WHERE chain_index >= 1000000`, `UPDATE journal_chain SET chain_index = chain_index + 1000000 WHERE chain_index IN (3, 4); UPDATE journal_chain SET chain_index = CASE chain_index WHEN 1000003 THEN 4 ELSE 3 END WHERE chain_index >= 1000000`],
  ];

  it.each(tamperings)('steps aside when %s was changed, and the full check finds it', async (_what, change, undo) => {
    await tamper(url, change);
    try {
      expect(await fast()).toBeUndefined();
      expect((await ledgerServices(db).verifier.verify()).ok).toBe(false);
    } finally {
      await tamper(url, undo);
    }
    expect(await fast()).toBeDefined();
  });
});
