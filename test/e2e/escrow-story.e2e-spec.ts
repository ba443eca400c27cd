import { startTestApp, TestApp } from '../support/test-app';
import { allocate, Cast, createCast, createEscrowAccount, deposit } from '../support/workflow';

/**
 * The whole story of API.md: an account, two donors, three tranches over two phases,
 * benchmarks signed off by monitors of distinct organizations, and a four-eyes release
 * refused for every reason before it succeeds. Balances and ledger agree at every step.
 */
describe('the escrow story', () => {
  let t: TestApp;
  let cast: Cast;
  let escrowId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
  });
  afterAll(() => t.close());

  const account = async () => (await t.http().get(`/v1/escrow-accounts/${escrowId}`).set(cast.auditor.auth).expect(200)).body;
  const ledgerBalance = async (code: string) => {
    const res = await t.http().get('/v1/ledger/accounts').set(cast.auditor.auth).expect(200);
    return res.body.find((a: { code: string }) => a.code === code)?.balance;
  };
  const requestRelease = (trancheId: string) => t.http().post(`/v1/tranches/${trancheId}/release-requests`).set(cast.admin.auth).send({});

  it('an admin opens an escrow account in one currency', async () => {
    const res = await t.http()
      .post('/v1/escrow-accounts')
      .set(cast.admin.auth)
      .send({ name: 'Northern Province 2027', currency: 'USD', country: 'UA', description: 'water, clinics, roads' })
      .expect(201);
    escrowId = res.body.id;
    expect(res.body).toMatchObject({
      name: 'Northern Province 2027',
      currency: 'USD',
      status: 'active',
      balances: { deposited: '0.00', allocated: '0.00', released: '0.00', refunded: '0.00', repaid: '0.00', unallocated: '0.00' },
      donors: [],
    });
  });

  it('two donors deposit; per-donor figures and the ledger agree', async () => {
    const first = await t.http()
      .post(`/v1/escrow-accounts/${escrowId}/deposits`)
      .set(cast.donorA.auth)
      .send({ amount: '1000000.50', reference: 'wire 1' })
      .expect(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      escrowAccountId: escrowId,
      organizationId: cast.donorA.organizationId,
      amount: '1000000.50',
      currency: 'USD',
      reference: 'wire 1',
      journalTransactionId: expect.any(String),
    });
    await deposit(t, cast.donorB, escrowId, '250000');

    const view = await account();
    expect(view.balances).toEqual({ deposited: '1250000.50', allocated: '0.00', released: '0.00', refunded: '0.00', repaid: '0.00', unallocated: '1250000.50' });
    const donorA = view.donors.find((d: { organizationId: string }) => d.organizationId === cast.donorA.organizationId);
    expect(donorA).toMatchObject({ deposited: '1000000.50', unallocated: '1000000.50' });
    expect(await ledgerBalance(`escrow:${escrowId}:unallocated:${cast.donorA.organizationId}`)).toBe('1000000.50');
    expect(await ledgerBalance(`donor:${cast.donorA.organizationId}:USD`)).toBe('-1000000.50');
  });

  it('a donor allocates phase-1 utilities and clinics tranches and a phase-2 infrastructure tranche', async () => {
    ids.utilities = await allocate(t, cast.donorA, escrowId, { category: 'utilities', phase: 1, amount: '400000.00', recipientOrganizationId: cast.recipientId });
    ids.clinics = await allocate(t, cast.donorA, escrowId, { category: 'clinics', phase: 1, amount: '100000.25', recipientOrganizationId: cast.recipientId });
    ids.infrastructure = await allocate(t, cast.donorA, escrowId, { category: 'infrastructure', phase: 2, amount: '300000', recipientOrganizationId: cast.recipientId });

    const tranche = (await t.http().get(`/v1/tranches/${ids.utilities}`).set(cast.donorB.auth).expect(200)).body;
    expect(tranche).toMatchObject({
      escrowAccountId: escrowId,
      donorOrganizationId: cast.donorA.organizationId,
      recipientOrganizationId: cast.recipientId,
      category: 'utilities',
      phase: 1,
      amount: '400000.00',
      currency: 'USD',
      status: 'allocated',
      benchmarks: [],
    });
    const view = await account();
    expect(view.balances).toMatchObject({ allocated: '800000.25', unallocated: '450000.25' });
    expect(await ledgerBalance(`escrow:${escrowId}:tranche:${ids.utilities}`)).toBe('400000.00');
    const listed = await t.http().get(`/v1/escrow-accounts/${escrowId}/tranches`).set(cast.monitors[0].auth).expect(200);
    expect(listed.body.map((x: { id: string }) => x.id).sort()).toEqual(Object.values(ids).sort());
  });

  it('a donor cannot allocate more than its own unallocated contribution', async () => {
    const res = await t.http()
      .post(`/v1/escrow-accounts/${escrowId}/tranches`)
      .set(cast.donorB.auth)
      .send({ category: 'shelters', phase: 1, amount: '250000.01', recipientOrganizationId: cast.recipientId })
      .expect(409);
    expect(res.body.code).toBe('INSUFFICIENT_FUNDS');
  });

  it('refuses a release before both benchmark kinds exist', async () => {
    const res = await requestRelease(ids.utilities).expect(409);
    expect(res.body.code).toBe('BENCHMARKS_NOT_MET');
  });

  it('refuses a release before the quorum of distinct monitor organizations', async () => {
    for (const kind of ['humanitarian_access', 'anti_corruption']) {
      const res = await t.http()
        .post(`/v1/tranches/${ids.utilities}/benchmarks`)
        .set(cast.admin.auth)
        .send({ kind, description: `${kind} for utilities` })
        .expect(201);
      expect(res.body).toMatchObject({ trancheId: ids.utilities, kind, requiredApprovals: 2, status: 'pending', signoffs: [] });
      ids[kind] = res.body.id;
      const signed = await t.http().post(`/v1/benchmarks/${res.body.id}/signoffs`).set(cast.monitors[0].auth).send({ decision: 'approve', evidence: 'visit 1' }).expect(201);
      expect(signed.body.status).toBe('pending');
    }
    expect((await requestRelease(ids.utilities).expect(409)).body.code).toBe('BENCHMARKS_NOT_MET');
  });

  it('a reject blocks the benchmark until that monitor approves', async () => {
    const blocked = await t.http().post(`/v1/benchmarks/${ids.humanitarian_access}/signoffs`).set(cast.monitors[1].auth).send({ decision: 'reject', comment: 'road closed' }).expect(201);
    expect(blocked.body.status).toBe('blocked');
    const stillBlocked = await t.http().post(`/v1/benchmarks/${ids.humanitarian_access}/signoffs`).set(cast.monitors[2].auth).send({ decision: 'approve' }).expect(201);
    expect(stillBlocked.body.status).toBe('blocked');
    const met = await t.http().post(`/v1/benchmarks/${ids.humanitarian_access}/signoffs`).set(cast.monitors[1].auth).send({ decision: 'approve' }).expect(201);
    expect(met.body.status).toBe('met');
    const anti = await t.http().post(`/v1/benchmarks/${ids.anti_corruption}/signoffs`).set(cast.monitors[1].auth).send({ decision: 'approve' }).expect(201);
    expect(anti.body.status).toBe('met');
    const benchmark = (await t.http().get(`/v1/benchmarks/${ids.humanitarian_access}`).set(cast.donorA.auth).expect(200)).body;
    // Each monitor's latest decision replaces its earlier one: three monitors, three sign-offs.
    expect(benchmark.signoffs.map((s: { principalId: string; decision: string }) => [s.principalId, s.decision])).toEqual([
      [cast.monitors[0].id, 'approve'],
      [cast.monitors[2].id, 'approve'],
      [cast.monitors[1].id, 'approve'],
    ]);
  });

  it('refuses a release while the account is suspended, and a monitor may suspend', async () => {
    const suspended = await t.http().post(`/v1/escrow-accounts/${escrowId}/suspend`).set(cast.monitors[0].auth).send({ reason: 'verified diversion report' }).expect(200);
    expect(suspended.body.status).toBe('suspended');
    expect((await requestRelease(ids.utilities).expect(409)).body.code).toBe('ACCOUNT_SUSPENDED');
    await t.http().post(`/v1/escrow-accounts/${escrowId}/resume`).set(cast.monitors[0].auth).send({ reason: 'x' }).expect(403);
    const resumed = await t.http().post(`/v1/escrow-accounts/${escrowId}/resume`).set(cast.admin.auth).send({ reason: 'investigation closed' }).expect(200);
    expect(resumed.body.status).toBe('active');
  });

  it('refuses the phase-2 release while phase-1 tranches are unreleased', async () => {
    for (const kind of ['humanitarian_access', 'anti_corruption']) {
      const b = await t.http().post(`/v1/tranches/${ids.infrastructure}/benchmarks`).set(cast.admin.auth).send({ kind, description: 'ok', requiredApprovals: 1 }).expect(201);
      await t.http().post(`/v1/benchmarks/${b.body.id}/signoffs`).set(cast.monitors[2].auth).send({ decision: 'approve' }).expect(201);
    }
    expect((await requestRelease(ids.infrastructure).expect(409)).body.code).toBe('PHASE_ORDER');
  });

  it('refuses approval by the requesting admin (four eyes), then releases on a second admin', async () => {
    const requested = await requestRelease(ids.utilities).expect(201);
    expect(requested.body).toMatchObject({ trancheId: ids.utilities, status: 'pending', requestedBy: cast.admin.id });
    expect((await t.http().get(`/v1/tranches/${ids.utilities}`).set(cast.admin.auth)).body.status).toBe('release_pending');

    const own = await t.http().post(`/v1/release-requests/${requested.body.id}/approve`).set(cast.admin.auth).send({}).expect(403);
    expect(own.body.code).toBe('FOUR_EYES');

    const approved = await t.http().post(`/v1/release-requests/${requested.body.id}/approve`).set(cast.checker.auth).send({}).expect(200);
    expect(approved.body).toMatchObject({
      id: requested.body.id,
      trancheId: ids.utilities,
      status: 'approved',
      approvedBy: cast.checker.id,
      journalTransactionId: expect.any(String),
    });
    expect((await t.http().get(`/v1/tranches/${ids.utilities}`).set(cast.admin.auth)).body.status).toBe('released');
    expect(await ledgerBalance(`recipient:${cast.recipientId}:USD`)).toBe('400000.00');
    expect(await ledgerBalance(`escrow:${escrowId}:tranche:${ids.utilities}`)).toBe('0.00');
    expect((await account()).balances).toEqual({
      deposited: '1250000.50',
      allocated: '400000.25',
      released: '400000.00',
      refunded: '0.00',
      repaid: '0.00',
      unallocated: '450000.25',
    });
    await t.http().post(`/v1/release-requests/${requested.body.id}/approve`).set(cast.checker.auth).send({}).expect(409);
    await t.http().post(`/v1/benchmarks/${ids.anti_corruption}/signoffs`).set(cast.monitors[0].auth).send({ decision: 'reject' }).expect(409);
  });

  it('a rejected request returns the tranche to allocated; cancelling returns the funds', async () => {
    await t.http().post(`/v1/tranches/${ids.clinics}/release-requests`).set(cast.admin.auth).send({}).expect(409); // no benchmarks
    await t.http().post(`/v1/tranches/${ids.clinics}/cancel`).set(cast.donorB.auth).send({ reason: 'not mine' }).expect(403);
    const cancelled = await t.http().post(`/v1/tranches/${ids.clinics}/cancel`).set(cast.donorA.auth).send({ reason: 'clinic rebuilt by another programme' }).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await account()).balances).toMatchObject({ allocated: '300000.00', unallocated: '550000.50' });

    const request = await requestRelease(ids.infrastructure).expect(201);
    const rejected = await t.http().post(`/v1/release-requests/${request.body.id}/reject`).set(cast.checker.auth).send({ reason: 'invoice missing' }).expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectedBy: cast.checker.id });
    expect((await t.http().get(`/v1/tranches/${ids.infrastructure}`).set(cast.admin.auth)).body.status).toBe('allocated');
    expect((await t.http().get(`/v1/release-requests/${request.body.id}`).set(cast.auditor.auth).expect(200)).body.status).toBe('rejected');
  });

  it('closing refunds each donor, then refuses deposits, allocations and releases', async () => {
    const open = await t.http().post(`/v1/escrow-accounts/${escrowId}/close`).set(cast.admin.auth).send({ reason: 'programme ended' }).expect(409);
    expect(open.body.code).toBe('INVALID_STATE');
    await t.http().post(`/v1/tranches/${ids.infrastructure}/cancel`).set(cast.admin.auth).send({ reason: 'programme ended' }).expect(200);

    const closed = await t.http().post(`/v1/escrow-accounts/${escrowId}/close`).set(cast.admin.auth).send({ reason: 'programme ended' }).expect(200);
    expect(closed.body.status).toBe('closed');
    expect(closed.body.balances).toEqual({ deposited: '1250000.50', allocated: '0.00', released: '400000.00', refunded: '850000.50', repaid: '0.00', unallocated: '0.00' });
    expect(await ledgerBalance(`donor:${cast.donorB.organizationId}:USD`)).toBe('0.00');
    expect(await ledgerBalance(`donor:${cast.donorA.organizationId}:USD`)).toBe('-400000.00');

    expect((await t.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set(cast.donorA.auth).send({ amount: '1.00' }).expect(409)).body.code).toBe('ACCOUNT_CLOSED');
    const allocation = await t.http()
      .post(`/v1/escrow-accounts/${escrowId}/tranches`)
      .set(cast.donorA.auth)
      .send({ category: 'shelters', phase: 3, amount: '1.00', recipientOrganizationId: cast.recipientId })
      .expect(409);
    expect(allocation.body.code).toBe('ACCOUNT_CLOSED');
    expect((await requestRelease(ids.infrastructure).expect(409)).body.code).toBe('ACCOUNT_CLOSED');
  });

  it('the ledger tells the whole story and verifies', async () => {
    await t.seal();
    const verify = await t.http().get('/v1/ledger/verify').set(cast.auditor.auth).expect(200);
    expect(verify.body).toMatchObject({ ok: true, firstBrokenSeq: null, problem: null });
    expect(verify.body.sealed).toBe(verify.body.transactions);

    const journal = await t.http().get('/v1/ledger/transactions?limit=1000').set(cast.auditor.auth).expect(200);
    const kinds = journal.body.items.map((i: { kind: string }) => i.kind);
    for (const kind of ['escrow_opened', 'deposit', 'tranche_allocated', 'benchmark_added', 'benchmark_signoff', 'escrow_suspended', 'escrow_resumed', 'release_requested', 'release_approved', 'release_rejected', 'tranche_cancelled', 'escrow_closed']) {
      expect(kinds).toContain(kind);
    }
    const suspension = journal.body.items.find((i: { kind: string }) => i.kind === 'escrow_suspended');
    expect(suspension.body.details.reason).toBe('verified diversion report');
    expect(suspension.actorPrincipalId).toBe(cast.monitors[0].id);
  });
});
