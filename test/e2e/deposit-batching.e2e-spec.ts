import request from 'supertest';
import { createHash, randomUUID } from 'node:crypto';
import { Decimal } from '../../src/common/money/money';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import { Cast, createCast, createEscrowAccount, expectLedgerConsistent, ledgerBalances } from '../support/workflow';

/**
 * Group commit for deposits (DepositBatcher, deposit_batch): concurrent deposits share one
 * statement and one transaction, and each keeps its own answer, its own refusal, its own
 * idempotency record and its own journal transaction. A wide window makes the concurrent
 * requests of each test land in the same batch; that they did is checked through the journal's
 * xid (one per database transaction).
 */
describe('deposits booked in batches', () => {
  let t: TestApp;
  let cast: Cast;
  let escrowId: string;
  const escrowIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ DEPOSIT_BATCH_WINDOW_MS: 40, DEPOSIT_BATCH_MAX: 100, AUTH_CACHE_TTL_MS: 1000 });
    cast = await createCast(t);
    escrowId = await createEscrowAccount(t, cast.admin);
    escrowIds.push(escrowId);
  });
  afterAll(() => t.close());

  const post = (donor: TestPrincipal, account: string, body: object, key?: string) =>
    t.http()
      .post(`/v1/escrow-accounts/${account}/deposits`)
      .set(key ? { ...donor.auth, 'Idempotency-Key': key } : donor.auth)
      .send(body);

  /** How many database transactions booked these journal transactions. */
  const transactionsOf = async (journalIds: string[]): Promise<number> => {
    const [{ n }] = await t.dataSource.query(`SELECT count(DISTINCT xid)::int AS n FROM journal_transactions WHERE id = ANY ($1)`, [journalIds]);
    return n;
  };

  it('50 concurrent deposits: each its own 201 and journal transaction, in few database transactions', async () => {
    const before = (await ledgerBalances(t, cast.auditor)).get(`escrow:${escrowId}:unallocated:${cast.donorA.organizationId}`) ?? new Decimal(0);
    const amounts = Array.from({ length: 50 }, (_, i) => `${i + 1}.25`);
    const answers = await Promise.all(amounts.map((amount, i) => post(i % 2 ? cast.donorB : cast.donorA, escrowId, { amount, reference: `ref ${i}` })));
    for (const [i, res] of answers.entries()) {
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ escrowAccountId: escrowId, amount: amounts[i], currency: 'USD', reference: `ref ${i}` });
    }
    const journalIds = answers.map((r) => r.body.journalTransactionId as string);
    expect(new Set(journalIds).size).toBe(50);
    expect(new Set(answers.map((r) => r.body.id)).size).toBe(50);
    expect(await transactionsOf(journalIds)).toBeLessThan(50);

    // Each its own journal transaction: own seq, the deposit's own body, two balanced legs.
    const rows: { id: string; seq: string; body: string; legs: number; total: string }[] = await t.dataSource.query(
      `SELECT j.id, j.seq::text AS seq, j.body, count(e.*)::int AS legs, sum(e.amount)::text AS total
         FROM journal_transactions j JOIN journal_entries e ON e.transaction_seq = j.seq
        WHERE j.id = ANY ($1) GROUP BY j.id, j.seq, j.body`,
      [journalIds],
    );
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(50);
    for (const row of rows) {
      expect({ legs: row.legs, total: new Decimal(row.total).toFixed() }).toEqual({ legs: 2, total: '0' });
      const answer = answers.find((r) => r.body.journalTransactionId === row.id)!;
      expect(JSON.parse(row.body)).toMatchObject({ kind: 'deposit', refs: { depositId: answer.body.id } });
    }

    const balances = await ledgerBalances(t, cast.auditor);
    const sumA = amounts.filter((_, i) => i % 2 === 0).reduce((s, a) => s.plus(a), new Decimal(0));
    expect(balances.get(`escrow:${escrowId}:unallocated:${cast.donorA.organizationId}`)!.minus(before).toFixed()).toBe(sumA.toFixed());
    await expectRunningTotalsRecomputed();
    await expectLedgerConsistent(t, cast.auditor, escrowIds);
  });

  it('one bad request in a batch gets its own error; the others are booked', async () => {
    const closedId = await createEscrowAccount(t, cast.admin);
    await t.http().post(`/v1/escrow-accounts/${closedId}/close`).set(cast.admin.auth).send({ reason: 'programme ended' }).expect(200);
    const revoked = await t.principal('donor');
    // The key is cached as valid by this request; revoked behind the cache's back, only the
    // batch's own check under its share lock can refuse it.
    await post(revoked, escrowId, { amount: '1.00' }).expect(201);
    const usedKey = randomUUID();
    await post(cast.donorA, escrowId, { amount: '2.00' }, usedKey).expect(201);
    await t.dataSource.query(`UPDATE principals SET status = 'revoked', revoked_at = now() WHERE id = $1`, [revoked.id]);

    const good = Array.from({ length: 10 }, (_, i) => post(i % 2 ? cast.donorA : cast.donorB, escrowId, { amount: '3.00' }));
    const [closed, revokedAnswer, reused, unknown, badAmount, ...booked] = await Promise.all([
      post(cast.donorA, closedId, { amount: '4.00' }),
      post(revoked, escrowId, { amount: '5.00' }),
      post(cast.donorA, escrowId, { amount: '6.00' }, usedKey),
      post(cast.donorA, randomUUID(), { amount: '7.00' }),
      post(cast.donorA, escrowId, { amount: '8.001' }),
      ...good,
    ]);
    expect([closed.status, closed.body.code]).toEqual([409, 'ACCOUNT_CLOSED']);
    expect([revokedAnswer.status, revokedAnswer.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
    expect(badAmount.status).toBe(400);
    for (const res of booked) expect(res.status).toBe(201);
    expect(await transactionsOf(booked.map((r) => r.body.journalTransactionId))).toBeLessThan(booked.length);

    // Nothing of the refused ones stays.
    const [{ refused }] = await t.dataSource.query(
      `SELECT count(*)::int AS refused FROM deposits WHERE escrow_account_id = $1 OR principal_id = $2 AND amount = 5`,
      [closedId, revoked.id],
    );
    expect(refused).toBe(0);
    await expectRunningTotalsRecomputed();
    await expectLedgerConsistent(t, cast.auditor, escrowIds);
  });

  it('a refused deposit keeps no claim on its key: the retry after the cause is gone is booked', async () => {
    const closedId = await createEscrowAccount(t, cast.admin);
    await t.http().post(`/v1/escrow-accounts/${closedId}/close`).set(cast.admin.auth).send({ reason: 'ended' }).expect(200);
    const key = randomUUID();
    const [refused, other] = await Promise.all([post(cast.donorA, closedId, { amount: '1.00' }, key), post(cast.donorB, escrowId, { amount: '1.00' })]);
    expect(refused.status).toBe(409);
    expect(other.status).toBe(201);
    const [{ keys }] = await t.dataSource.query(`SELECT count(*)::int AS keys FROM idempotency_keys WHERE principal_id = $1 AND key_hash = $2`, [
      cast.donorA.id,
      createHash('sha256').update(key).digest(),
    ]);
    expect(keys).toBe(0);
    // The same key on another request is a first use, not a replay of the refusal.
    await post(cast.donorA, escrowId, { amount: '1.00' }, key).expect(201);
  });

  it('the same key twice in one batch books once; both get the first answer', async () => {
    const key = randomUUID();
    const before = await depositsOf(cast.donorA);
    const [first, second, third] = await Promise.all([
      post(cast.donorA, escrowId, { amount: '9.50' }, key),
      post(cast.donorA, escrowId, { amount: '9.50' }, key),
      post(cast.donorA, escrowId, { amount: '9.75' }, key),
    ]);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect([third.status, third.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await depositsOf(cast.donorA)) - before).toBe(1);
    // A later replay gets the same answer again.
    const later = await post(cast.donorA, escrowId, { amount: '9.50' }, key).expect(201);
    expect(later.body).toEqual(first.body);
    await expectRunningTotalsRecomputed();
  });

  it('a deposit that fails its batch statement fails alone: the batch is booked again deposit by deposit', async () => {
    // A bug-class refusal from the ledger (an account of another kind under the deposit's code),
    // which deposit_batch does not catch: the statement fails, and the batcher retries each alone.
    const brokenId = await createEscrowAccount(t, cast.admin);
    await t.dataSource.query(`INSERT INTO ledger_accounts (code, kind, currency) VALUES ($1, 'external', 'USD')`, [
      `escrow:${brokenId}:unallocated:${cast.donorB.organizationId}`,
    ]);
    // A second instance on the same database whose batch closes at exactly these 7 deposits (or
    // after a second), so they share one statement however slowly a loaded machine sends them.
    const seven = await startTestApp({ DATABASE_URL: t.url, DEPOSIT_BATCH_WINDOW_MS: 1000, DEPOSIT_BATCH_MAX: 7 });
    let broken: request.Response;
    let others: request.Response[];
    try {
      // Unchecked against the OpenAPI document: a 500 is a bug's answer, which the document
      // rightly does not describe; this test provokes one on purpose.
      const unchecked = request(seven.app.getHttpServer()).post(`/v1/escrow-accounts/${brokenId}/deposits`).set(cast.donorB.auth).send({ amount: '1.00' });
      [broken, ...others] = await Promise.all([
        unchecked,
        ...Array.from({ length: 6 }, () => seven.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set(cast.donorA.auth).send({ amount: '2.00' })),
      ]);
    } finally {
      await seven.close();
    }
    // An internal error (the ledger's code goes to the logs, not to the client).
    expect(broken.status).toBe(500);
    for (const res of others) expect(res.status).toBe(201);
    // Booked again one by one after their shared statement failed: one database transaction each.
    expect(await transactionsOf(others.map((r) => r.body.journalTransactionId))).toBe(others.length);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM deposits WHERE escrow_account_id = $1`, [brokenId]);
    expect(n).toBe(0);
    await expectRunningTotalsRecomputed();
  });

  it('a batch whose connection is lost is answered 503 for each deposit and not booked again one by one', async () => {
    // The batch may have committed before its answer was lost, so booking its deposits again
    // could book them twice: each request gets the 503 instead, and a keyed retry would replay.
    const lostId = await createEscrowAccount(t, cast.admin);
    const holder = t.dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    let answers: Promise<request.Response>[] = [];
    try {
      // The batch waits for this lock on the account; meanwhile its backend is terminated, once.
      await holder.query(`SELECT 1 FROM escrow_accounts WHERE id = $1 FOR UPDATE`, [lostId]);
      answers = Array.from({ length: 4 }, () => post(cast.donorA, lostId, { amount: '3.00' }).then((res) => res));
      let terminated = 0;
      for (const deadline = Date.now() + 10_000; terminated === 0 && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        const killed = await t.dataSource.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%FROM deposit_batch(%' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        terminated = killed.length;
      }
      expect(terminated).toBeGreaterThan(0);
      // Long enough for a wrong re-booking to start and queue on the lock, which then goes away.
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    const statuses = (await Promise.all(answers)).map((res) => [res.status, res.body.code]);
    expect(statuses).toEqual(answers.map(() => [503, 'DATABASE_UNAVAILABLE']));
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM deposits WHERE escrow_account_id = $1`, [lostId]);
    expect(n).toBe(0);
    await expectRunningTotalsRecomputed();
  });

  const depositsOf = async (donor: TestPrincipal): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM deposits WHERE principal_id = $1`, [donor.id]))[0].n;

  /** escrow_donor_totals.deposited equals the sum of the deposits, per account and donor. */
  async function expectRunningTotalsRecomputed(): Promise<void> {
    const mismatched = await t.dataSource.query(
      `SELECT t.escrow_account_id, t.organization_id, t.deposited::text, d.sum::text
         FROM escrow_donor_totals t
         FULL JOIN (SELECT escrow_account_id, organization_id, sum(amount) AS sum FROM deposits GROUP BY 1, 2) d
           USING (escrow_account_id, organization_id)
        WHERE t.deposited IS DISTINCT FROM coalesce(d.sum, 0) AND (d.sum IS NOT NULL OR t.deposited <> 0)`,
    );
    expect(mismatched).toEqual([]);
  }
});
