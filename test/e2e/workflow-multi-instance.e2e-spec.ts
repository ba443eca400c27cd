import { Decimal } from '../../src/common/money/money';
import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import {
  Cast,
  createCast,
  createEscrowAccount,
  deposit,
  expectLedgerConsistent,
  ledgerBalances,
  moreAdmins,
  pendingRelease,
  readJournal,
} from '../support/workflow';

/**
 * Two app instances (two processes' worth of pools, caches and sealers) on one database: the
 * rules hold because every coordination is in PostgreSQL. Racing requests alternate between them.
 */
describe('two app instances on one database', () => {
  let a: TestApp;
  let b: TestApp;
  let cast: Cast;
  let checkers: TestPrincipal[];
  const escrowIds: string[] = [];

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ DATABASE_URL: a.url });
    cast = await createCast(a);
    checkers = [cast.checker, ...(await moreAdmins(a, 9))];
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** Instance a for even positions, b for odd ones. */
  const on = (i: number) => (i % 2 === 0 ? a : b);
  const recipientBalance = async () => (await ledgerBalances(a, cast.auditor)).get(`recipient:${cast.recipientId}:USD`) ?? new Decimal(0);
  const summary = (statuses: string[]) => statuses.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

  it('20 approvals split across both instances release once', async () => {
    const { escrowId, requestId } = await pendingRelease(a, cast, '77.70');
    escrowIds.push(escrowId);
    const paidBefore = await recipientBalance();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => on(i).http().post(`/v1/release-requests/${requestId}/approve`).set(checkers[i % checkers.length].auth).send({})),
    );
    expect(summary(responses.map((r) => (r.status === 200 ? '200' : `${r.status} ${r.body.code}`)))).toEqual({ '200': 1, '409 INVALID_STATE': 19 });
    expect((await recipientBalance()).minus(paidBefore).toFixed()).toBe('77.7');
    const released = (await readJournal(b, cast.auditor)).filter((i) => i.kind === 'release_approved' && i.body.refs.releaseRequestId === requestId);
    expect(released).toHaveLength(1);
  });

  it('allocations across both instances never exceed the deposit', async () => {
    const escrowId = await createEscrowAccount(a, cast.admin);
    escrowIds.push(escrowId);
    await deposit(b, cast.donorA, escrowId, '600.00');
    const amounts = Array.from({ length: 24 }, (_, i) => ['50.00', '35.25', '80.10'][i % 3]);
    const responses = await Promise.all(
      amounts.map((amount, i) => on(i).http()
        .post(`/v1/escrow-accounts/${escrowId}/tranches`)
        .set(cast.donorA.auth)
        .send({ category: 'livelihoods', phase: 1, amount, recipientOrganizationId: cast.recipientId })),
    );
    const results = responses.map((r) => (r.status === 201 ? '201' : `${r.status} ${r.body.code}`));
    expect(results.filter((r) => r !== '201' && r !== '409 INSUFFICIENT_FUNDS')).toEqual([]);
    const allocated = amounts.filter((_, i) => results[i] === '201').reduce((sum, x) => sum.plus(x), new Decimal(0));
    const left = new Decimal('600.00').minus(allocated);
    expect(left.isNegative()).toBe(false);
    for (const [i, amount] of amounts.entries()) if (results[i] !== '201') expect(new Decimal(amount).greaterThan(left)).toBe(true);
    const view = (await b.http().get(`/v1/escrow-accounts/${escrowId}`).set(cast.auditor.auth).expect(200)).body;
    expect(view.balances).toMatchObject({ deposited: '600.00', allocated: allocated.toFixed(2), unallocated: left.toFixed(2) });
  });

  it('a suspension on one instance racing approvals on the other: released before it, or refused', async () => {
    for (let round = 0; round < 4; round++) {
      const { escrowId, requestId } = await pendingRelease(a, cast, '5.00');
      escrowIds.push(escrowId);
      const suspend = b.http().post(`/v1/escrow-accounts/${escrowId}/suspend`).set(cast.admin.auth).send({ reason: `round ${round}` });
      const approvals = checkers.slice(0, 4).map((admin) => a.http().post(`/v1/release-requests/${requestId}/approve`).set(admin.auth).send({}));
      const [suspended, ...approved] = await Promise.all([suspend, ...approvals]);
      expect(suspended.status).toBe(200);
      const results = approved.map((r) => (r.status === 200 ? '200' : `${r.status} ${r.body.code}`)).sort();
      const journal = (await readJournal(a, cast.auditor)).filter((i) => i.body.escrowAccountId === escrowId);
      const seq = (kind: string) => journal.filter((i) => i.kind === kind).map((i) => i.seq);
      if (results.includes('200')) {
        expect(results).toEqual(['200', '409 INVALID_STATE', '409 INVALID_STATE', '409 INVALID_STATE']);
        expect(seq('release_approved')[0]).toBeLessThan(seq('escrow_suspended')[0]);
      } else {
        expect(results).toEqual(Array(4).fill('409 ACCOUNT_SUSPENDED'));
        expect(seq('release_approved')).toEqual([]);
      }
    }
  });

  it('an idempotent deposit retried on both instances at once moves the money once', async () => {
    const escrowId = await createEscrowAccount(a, cast.admin);
    escrowIds.push(escrowId);
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => on(i).http()
        .post(`/v1/escrow-accounts/${escrowId}/deposits`)
        .set({ ...cast.donorB.auth, 'Idempotency-Key': key })
        .send({ amount: '12.34' })),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    // Equal as JSON: a replay is read back from jsonb, which does not keep the key order.
    for (const r of responses) expect(r.body).toEqual(responses[0].body);
    const view = (await a.http().get(`/v1/escrow-accounts/${escrowId}`).set(cast.auditor.auth).expect(200)).body;
    expect(view.balances.deposited).toBe('12.34');
  });

  it('both sealers at once still build one chain, and the ledger agrees with every account', async () => {
    await Promise.all([a.seal(), b.seal(), a.seal(), b.seal()]);
    await expectLedgerConsistent(a, cast.auditor, escrowIds);
    const [fromA, fromB] = await Promise.all([a, b].map(async (t) => (await t.http().get('/v1/ledger/verify').set(cast.auditor.auth).expect(200)).body));
    expect(fromB).toEqual(fromA);
  });
});
