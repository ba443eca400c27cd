import { DataSource, QueryRunner } from 'typeorm';
import { Money, MoneyError } from '../../src/common/money/money';
import { LedgerError, translateLedgerError } from '../../src/ledger/ledger-errors';
import { canonicalJson, sha256 } from '../../src/ledger/canonical-body';
import { LedgerService } from '../../src/ledger/ledger.service';
import { createTestDatabase } from '../support/database';
import { accounts, moveEvent, openDataSource, postInTransaction, uuidOf } from '../support/ledger';

describe('LedgerService.post', () => {
  let url: string;
  let db: DataSource;
  let other: DataSource;
  const ledger = new LedgerService();

  beforeAll(async () => {
    url = await createTestDatabase();
    db = await openDataSource(url, 4);
    other = await openDataSource(url, 2);
  });
  afterAll(async () => {
    await other?.destroy();
    await db?.destroy();
  });

  const balanceOf = async (code: string): Promise<string | undefined> =>
    (await db.query(`SELECT balance::text AS balance FROM ledger_accounts WHERE code = $1`, [code]))[0]?.balance;
  const journalCount = async (): Promise<number> =>
    (await db.query(`SELECT count(*)::int AS n FROM journal_transactions`))[0].n;

  it('writes the transaction with its canonical body and hash, its entries, and the balances', async () => {
    const donor = accounts.donor('post1');
    const escrow = accounts.escrow('post1');
    const actor = uuidOf('actor1');
    const posted = await postInTransaction(db, {
      ...moveEvent(donor, escrow, '1250000.5'),
      actorPrincipalId: actor,
      escrowAccountId: uuidOf('e-post1'),
      refs: { depositId: uuidOf('dep1') },
      details: { reference: 'wire 42', note: null },
    });
    expect(posted.balances).toEqual({ [donor.code]: '-1250000.50', [escrow.code]: '1250000.50' });
    expect(posted.contentHash).toMatch(/^[0-9a-f]{64}$/);

    const [tx] = await db.query(`SELECT * FROM journal_transactions WHERE id = $1`, [posted.id]);
    expect(String(tx.seq)).toBe(posted.seq);
    expect(tx.kind).toBe('deposit');
    expect(tx.actor_principal_id).toBe(actor);
    expect(tx.escrow_account_id).toBe(uuidOf('e-post1'));
    // The stored body is RFC 8785 canonical: re-canonicalizing it changes nothing.
    expect(canonicalJson(JSON.parse(tx.body))).toBe(tx.body);
    expect(tx.content_hash.equals(sha256(tx.body))).toBe(true);
    expect(tx.content_hash.toString('hex')).toBe(posted.contentHash);
    expect(JSON.parse(tx.body)).toEqual({
      id: posted.id,
      kind: 'deposit',
      occurredAt: tx.occurred_at.toISOString(),
      actorPrincipalId: actor,
      escrowAccountId: uuidOf('e-post1'),
      refs: { depositId: uuidOf('dep1') },
      details: { reference: 'wire 42', note: null },
      postings: [
        { account: donor.code, currency: 'USD', amount: '-1250000.50' },
        { account: escrow.code, currency: 'USD', amount: '1250000.50' },
      ],
    });

    const entries = await db.query(
      `SELECT e.position, a.code, e.amount::text, e.currency, e.balance_after::text
         FROM journal_entries e JOIN ledger_accounts a ON a.id = e.account_id
        WHERE e.transaction_seq = $1 ORDER BY e.position`,
      [posted.seq],
    );
    expect(entries).toEqual([
      { position: 1, code: donor.code, amount: '-1250000.50', currency: 'USD', balance_after: '-1250000.50' },
      { position: 2, code: escrow.code, amount: '1250000.50', currency: 'USD', balance_after: '1250000.50' },
    ]);

    const accountRows = await db.query(
      `SELECT code, kind, currency, balance::text, version::int FROM ledger_accounts WHERE code = ANY($1) ORDER BY id`,
      [[donor.code, escrow.code]],
    );
    expect(accountRows).toEqual([
      { code: donor.code, kind: 'external', currency: 'USD', balance: '-1250000.50', version: 1 },
      { code: escrow.code, kind: 'escrow', currency: 'USD', balance: '1250000.50', version: 1 },
    ]);
  });

  it('keeps running balances and versions across postings', async () => {
    const donor = accounts.donor('run');
    const escrow = accounts.escrow('run');
    const tranche = accounts.tranche('run');
    await postInTransaction(db, moveEvent(donor, escrow, '100'));
    await postInTransaction(db, moveEvent(escrow, tranche, '30.25', 'tranche_allocated'));
    const third = await postInTransaction(db, moveEvent(escrow, tranche, '69.75', 'tranche_allocated'));
    expect(third.balances).toEqual({ [escrow.code]: '0.00', [tranche.code]: '100.00' });
    const [row] = await db.query(`SELECT version::int FROM ledger_accounts WHERE code = $1`, [escrow.code]);
    expect(row.version).toBe(3);
    const afters = await db.query(
      `SELECT e.balance_after::text AS b FROM journal_entries e JOIN ledger_accounts a ON a.id = e.account_id
        WHERE a.code = $1 ORDER BY e.transaction_seq`,
      [escrow.code],
    );
    expect(afters.map((r: { b: string }) => r.b)).toEqual(['100.00', '69.75', '0.00']);
  });

  it('records an event without money as a journal transaction with no entries', async () => {
    const posted = await postInTransaction(db, {
      kind: 'benchmark_signoff',
      actorPrincipalId: uuidOf('monitor'),
      refs: { benchmarkId: uuidOf('b1') },
      details: { decision: 'approve', evidence: 'site visit' },
    });
    expect(posted.balances).toEqual({});
    const [tx] = await db.query(`SELECT body FROM journal_transactions WHERE seq = $1`, [posted.seq]);
    expect(JSON.parse(tx.body)).toMatchObject({ kind: 'benchmark_signoff', postings: [], escrowAccountId: null });
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM journal_entries WHERE transaction_seq = $1`, [posted.seq]);
    expect(n).toBe(0);
  });

  it("runs inside the caller's transaction: a rollback leaves no journal row, account or balance", async () => {
    const before = await journalCount();
    const donor = accounts.donor('rollback');
    const escrow = accounts.escrow('rollback');
    await expect(
      db.transaction(async (manager) => {
        await ledger.post(manager, moveEvent(donor, escrow, '5'));
        await ledger.post(manager, { kind: 'escrow_opened', actorPrincipalId: null });
        throw new Error('the workflow failed after posting');
      }),
    ).rejects.toThrow('the workflow failed');
    expect(await journalCount()).toBe(before);
    expect(await balanceOf(escrow.code)).toBeUndefined();
  });

  describe('refusals, each leaving nothing behind', () => {
    const donor = accounts.donor('refuse');
    const escrow = accounts.escrow('refuse');
    const tranche = accounts.tranche('refuse');

    beforeAll(async () => {
      await postInTransaction(db, moveEvent(donor, escrow, '10'));
    });

    async function expectNothingChanged(work: () => Promise<unknown>): Promise<unknown> {
      const before = await db.query(`SELECT code, balance::text, version FROM ledger_accounts ORDER BY id`);
      const count = await journalCount();
      const error = await work().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeDefined();
      expect(await journalCount()).toBe(count);
      expect(await db.query(`SELECT code, balance::text, version FROM ledger_accounts ORDER BY id`)).toEqual(before);
      return error;
    }

    it('refuses an escrow or tranche account going below zero (409 INSUFFICIENT_FUNDS)', async () => {
      const error = await expectNothingChanged(() => postInTransaction(db, moveEvent(escrow, tranche, '10.01', 'tranche_allocated')));
      expect(error).toBeInstanceOf(LedgerError);
      expect((error as LedgerError).code).toBe('INSUFFICIENT_FUNDS');
      expect((error as LedgerError).cause).toMatchObject({ driverError: { code: 'LG001' } });
      // Exactly the balance is fine.
      await postInTransaction(db, moveEvent(escrow, tranche, '10', 'tranche_allocated'));
      await postInTransaction(db, moveEvent(tranche, escrow, '10', 'tranche_cancelled'));
      expect(await balanceOf(escrow.code)).toBe('10.00');
    });

    it('lets only an external (donor) account go negative', async () => {
      const recipient = accounts.recipient('refuse');
      await expectNothingChanged(() => postInTransaction(db, moveEvent(recipient, escrow, '1')));
      await postInTransaction(db, moveEvent(accounts.donor('refuse-2'), escrow, '1'));
      expect(await balanceOf(accounts.donor('refuse-2').code)).toBe('-1.00');
      await postInTransaction(db, moveEvent(escrow, accounts.donor('refuse-2'), '1', 'refund'));
    });

    it('has a CHECK constraint behind the code check', async () => {
      const error = await db
        .query(`UPDATE ledger_accounts SET balance = -0.01 WHERE code = $1`, [escrow.code])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ driverError: { code: '23514', constraint: 'ledger_accounts_non_negative' } });
      expect(translateLedgerError(error)?.code).toBe('INSUFFICIENT_FUNDS');
      await db.query(`UPDATE ledger_accounts SET balance = balance - 1 WHERE code = $1`, [donor.code]);
      await db.query(`UPDATE ledger_accounts SET balance = balance + 1 WHERE code = $1`, [donor.code]);
    });

    it('refuses an unbalanced posting, in code and in the database', async () => {
      const unbalanced = {
        kind: 'deposit' as const,
        actorPrincipalId: null,
        postings: [
          { account: donor, amount: Money.of('-10', 'USD') },
          { account: escrow, amount: Money.of('9.99', 'USD') },
        ],
      };
      const error = await expectNothingChanged(() => postInTransaction(db, unbalanced));
      expect(error).toBeInstanceOf(MoneyError);
      // The database refuses it too, should a caller bypass the code check.
      const dbError = await expectNothingChanged(() =>
        db.query(
          `SELECT * FROM ledger_post(gen_random_uuid(), 'deposit', NULL, NULL, now(), '{}', sha256('{}'),
                                      ARRAY[($1, 'external', 'USD', -10), ($2, 'escrow', 'USD', 9.99)]::ledger_posting[])`,
          [donor.code, escrow.code],
        ),
      );
      expect(dbError).toMatchObject({ driverError: { code: 'LG003' } });
    });

    it('refuses a posting that balances overall but not per currency', async () => {
      const eurEscrow = accounts.escrow('refuse-eur', 'EUR');
      const error = await expectNothingChanged(() =>
        postInTransaction(db, {
          kind: 'deposit',
          actorPrincipalId: null,
          postings: [
            { account: donor, amount: Money.of('-1', 'USD') },
            { account: eurEscrow, amount: Money.of('1', 'EUR') },
          ],
        }),
      );
      expect(error).toBeInstanceOf(MoneyError);
      const dbError = await expectNothingChanged(() =>
        db.query(
          `SELECT * FROM ledger_post(gen_random_uuid(), 'deposit', NULL, NULL, now(), '{}', sha256('{}'),
                                      ARRAY[($1, 'external', 'USD', -1), ($2, 'escrow', 'EUR', 1)]::ledger_posting[])`,
          [donor.code, eurEscrow.code],
        ),
      );
      expect(dbError).toMatchObject({ driverError: { code: 'LG003' } });
    });

    it('refuses another currency on an existing account (409 CURRENCY_MISMATCH)', async () => {
      const sameCodeInEur = { ...escrow, currency: 'EUR' };
      const error = await expectNothingChanged(() =>
        postInTransaction(db, moveEvent(accounts.donor('refuse', 'EUR'), sameCodeInEur, '1')),
      );
      expect(error).toMatchObject({ code: 'CURRENCY_MISMATCH', cause: { driverError: { code: 'LG002' } } });
    });

    it('refuses an amount whose currency differs from its account', async () => {
      const error = await expectNothingChanged(() =>
        postInTransaction(db, {
          kind: 'deposit',
          actorPrincipalId: null,
          postings: [
            { account: donor, amount: Money.of('-1', 'EUR') },
            { account: escrow, amount: Money.of('1', 'EUR') },
          ],
        }),
      );
      expect(error).toBeInstanceOf(MoneyError);
    });

    it('refuses the same account twice and an account of another kind under the same code', async () => {
      await expectNothingChanged(() =>
        postInTransaction(db, {
          kind: 'deposit',
          actorPrincipalId: null,
          postings: [
            { account: escrow, amount: Money.of('-1', 'USD') },
            { account: escrow, amount: Money.of('1', 'USD') },
          ],
        }),
      );
      const error = await expectNothingChanged(() =>
        postInTransaction(db, moveEvent({ ...escrow, kind: 'external' }, tranche, '1')),
      );
      expect(error).toMatchObject({ code: 'ACCOUNT_KIND_MISMATCH', cause: { driverError: { code: 'LG004' } } });
    });
  });

  describe('locking', () => {
    /** A transaction of its own on a dedicated connection, left open until the test ends it. */
    async function openTransaction(source: DataSource): Promise<QueryRunner> {
      const runner = source.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      return runner;
    }

    async function backendPid(runner: QueryRunner): Promise<number> {
      return (await runner.query(`SELECT pg_backend_pid() AS pid`))[0].pid;
    }

    /** Waits (no deadline: jest's timeout is the limit) until `pid` waits for a lock. */
    async function untilWaitingForLock(pid: number): Promise<void> {
      for (;;) {
        const [row] = await db.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [pid]);
        if (row?.wait_event_type === 'Lock') return;
        await new Promise((r) => setTimeout(r, 10));
      }
    }

    it('serializes postings on the same account: no lost update', async () => {
      const donor = accounts.donor('lock1');
      const escrow = accounts.escrow('lock1');
      await postInTransaction(db, moveEvent(donor, escrow, '100'));

      const first = await openTransaction(db);
      const second = await openTransaction(other);
      try {
        await ledger.post(first.manager, moveEvent(escrow, accounts.tranche('lock1a'), '60', 'tranche_allocated'));
        const pid = await backendPid(second);
        const waiting = ledger.post(second.manager, moveEvent(escrow, accounts.tranche('lock1b'), '60', 'tranche_allocated'));
        const settled = waiting.then(
          () => 'posted',
          (e) => e,
        );
        await untilWaitingForLock(pid);
        await first.commitTransaction();
        // The second saw the first's balance (40 left) once the lock was released, so 60 is refused.
        const outcome = await settled;
        expect(outcome).toMatchObject({ code: 'INSUFFICIENT_FUNDS', cause: { driverError: { code: 'LG001' } } });
        await second.rollbackTransaction();
      } finally {
        await first.release();
        await second.release();
      }
      expect(await balanceOf(escrow.code)).toBe('40.00');
    });

    it('locks the touched accounts in ascending id order', async () => {
      const donor = accounts.donor('lock2');
      const low = accounts.escrow('lock2-low');
      const high = accounts.escrow('lock2-high');
      await postInTransaction(db, moveEvent(donor, low, '10'));
      await postInTransaction(db, moveEvent(donor, high, '10'));
      const [{ low_id: lowId, high_id: highId }] = await db.query(
        `SELECT (SELECT id FROM ledger_accounts WHERE code = $1) AS low_id, (SELECT id FROM ledger_accounts WHERE code = $2) AS high_id`,
        [low.code, high.code],
      );
      expect(Number(lowId)).toBeLessThan(Number(highId));

      const holder = await openTransaction(db);
      const poster = await openTransaction(other);
      const prober = await openTransaction(db);
      try {
        await holder.query(`SELECT 1 FROM ledger_accounts WHERE id = $1 FOR UPDATE`, [highId]);
        // Listed high first: the posting must still lock `low` before it waits for `high`.
        const pid = await backendPid(poster);
        const posting = ledger.post(poster.manager, moveEvent(high, low, '1', 'tranche_allocated')).then(
          () => 'posted',
          (e) => e,
        );
        await untilWaitingForLock(pid);
        const probe = await prober
          .query(`SELECT 1 FROM ledger_accounts WHERE id = $1 FOR UPDATE NOWAIT`, [lowId])
          .catch((e: { driverError?: { code: string } }) => e.driverError?.code);
        expect(probe).toBe('55P03'); // lock_not_available: the posting holds `low` already
        await holder.commitTransaction();
        expect(await posting).toBe('posted');
        await poster.commitTransaction();
      } finally {
        if (prober.isTransactionActive) await prober.rollbackTransaction();
        await holder.release();
        await poster.release();
        await prober.release();
      }
      expect(await balanceOf(low.code)).toBe('11.00');
    });

    it('creates new accounts in code order, so two postings creating the same accounts cannot deadlock', async () => {
      const a = accounts.donor('lock3-a');
      const b = accounts.escrow('lock3-b');
      const c = accounts.escrow('lock3-c');
      expect(a.code < b.code && b.code < c.code).toBe(true);

      const first = await openTransaction(db);
      const second = await openTransaction(other);
      try {
        // `first` creates b (uncommitted); `second` lists c before b: in code order it waits on b
        // before creating c, so `first` can then create c without waiting for `second`.
        await ledger.post(first.manager, moveEvent(a, b, '1'));
        const pid = await backendPid(second);
        const secondPosting = ledger.post(second.manager, {
          kind: 'deposit',
          actorPrincipalId: null,
          postings: [
            { account: c, amount: Money.of('1', 'USD') },
            { account: b, amount: Money.of('1', 'USD') },
            { account: a, amount: Money.of('-2', 'USD') },
          ],
        }).then(
          () => 'posted',
          (e) => e,
        );
        await untilWaitingForLock(pid);
        await ledger.post(first.manager, moveEvent(a, c, '1'));
        await first.commitTransaction();
        expect(await secondPosting).toBe('posted');
        await second.commitTransaction();
      } finally {
        await first.release();
        await second.release();
      }
      expect(await balanceOf(c.code)).toBe('2.00');
      expect(await balanceOf(a.code)).toBe('-4.00');
    });
  });
});
