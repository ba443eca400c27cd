import { startTestApp, TestApp } from '../support/test-app';
import {
  allocate,
  Cast,
  createCast,
  createEscrowAccount,
  databaseState,
  deposit,
  expectLedgerConsistent,
  ledgerBalances,
  pendingRelease,
  readyTranche,
  requestRelease,
} from '../support/workflow';

/** The workflow's rules at their edges: quorum, states, suspension, closing, phase order. */
describe('workflow rules', () => {
  let t: TestApp;
  let cast: Cast;
  const escrowIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
  });
  afterAll(() => t.close());

  const newAccount = async (amount = '1000.00') => {
    const id = await createEscrowAccount(t, cast.admin);
    escrowIds.push(id);
    await deposit(t, cast.donorA, id, amount);
    return id;
  };
  const addBenchmark = (trancheId: string, body: object) => t.http().post(`/v1/tranches/${trancheId}/benchmarks`).set(cast.admin.auth).send(body);
  const signOff = (benchmarkId: string, monitor: Cast['auditor'], decision: 'approve' | 'reject') =>
    t.http().post(`/v1/benchmarks/${benchmarkId}/signoffs`).set(monitor.auth).send({ decision });
  const approve = (requestId: string) => t.http().post(`/v1/release-requests/${requestId}/approve`).set(cast.checker.auth).send({});
  const askRelease = (trancheId: string) => t.http().post(`/v1/tranches/${trancheId}/release-requests`).set(cast.admin.auth).send({});
  const tranche = async (id: string) => (await t.http().get(`/v1/tranches/${id}`).set(cast.auditor.auth).expect(200)).body;
  const account = async (id: string) => (await t.http().get(`/v1/escrow-accounts/${id}`).set(cast.auditor.auth).expect(200)).body;
  /** Expects a 409 with `code`, and that the refusal wrote nothing. */
  const conflict = async (send: () => ReturnType<typeof approve>, code: string) => {
    const before = await databaseState(t);
    const res = await send();
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code });
    expect(await databaseState(t)).toEqual(before);
  };

  describe('benchmarks', () => {
    let trancheId: string;
    beforeAll(async () => {
      trancheId = await allocate(t, cast.donorA, await newAccount(), { amount: '10.00', recipientOrganizationId: cast.recipientId });
    });

    it('need two distinct monitor organizations by default', async () => {
      const created = await addBenchmark(trancheId, { kind: 'humanitarian_access', description: 'access' }).expect(201);
      expect(created.body).toMatchObject({ requiredApprovals: 2, status: 'pending', signoffs: [] });
      // A second monitor of the same organization does not make a quorum.
      const colleague = await t.principal('monitor', await organizationName(cast.monitors[0].organizationId));
      await signOff(created.body.id, cast.monitors[0], 'approve').expect(201);
      expect((await signOff(created.body.id, colleague, 'approve').expect(201)).body.status).toBe('pending');
      expect((await signOff(created.body.id, cast.monitors[1], 'approve').expect(201)).body.status).toBe('met');
      // A monitor's new decision replaces its old one: a reject blocks, approving again unblocks.
      expect((await signOff(created.body.id, colleague, 'reject').expect(201)).body.status).toBe('blocked');
      expect((await signOff(created.body.id, colleague, 'approve').expect(201)).body.status).toBe('met');
    });

    it.each([1, 10])('accept requiredApprovals %i', async (requiredApprovals) => {
      const created = await addBenchmark(trancheId, { kind: 'anti_corruption', description: 'audit', requiredApprovals }).expect(201);
      expect(created.body.requiredApprovals).toBe(requiredApprovals);
      const afterOne = await signOff(created.body.id, cast.monitors[2], 'approve').expect(201);
      expect(afterOne.body.status).toBe(requiredApprovals === 1 ? 'met' : 'pending');
      expect((await t.http().get(`/v1/benchmarks/${created.body.id}`).set(cast.donorB.auth).expect(200)).body).toEqual(afterOne.body);
    });

    it.each([0, 11])('refuse requiredApprovals %i', async (requiredApprovals) => {
      const res = await addBenchmark(trancheId, { kind: 'anti_corruption', description: 'audit', requiredApprovals }).expect(400);
      expect(res.body.fields).toEqual(['requiredApprovals']);
    });

    it('cannot be added once the tranche is release_pending, released or cancelled', async () => {
      const { escrowId, trancheId: pendingId, requestId } = await pendingRelease(t, cast);
      escrowIds.push(escrowId);
      await conflict(() => addBenchmark(pendingId, { kind: 'anti_corruption', description: 'late' }), 'INVALID_STATE');
      await approve(requestId).expect(200);
      await conflict(() => addBenchmark(pendingId, { kind: 'anti_corruption', description: 'late' }), 'INVALID_STATE');

      const cancelled = await allocate(t, cast.donorA, escrowIds[0], { amount: '1.00', recipientOrganizationId: cast.recipientId });
      await t.http().post(`/v1/tranches/${cancelled}/cancel`).set(cast.donorA.auth).send({ reason: 'x' }).expect(200);
      await conflict(() => addBenchmark(cancelled, { kind: 'anti_corruption', description: 'late' }), 'INVALID_STATE');
    });

    it('take no sign-offs once the tranche is released or cancelled', async () => {
      const { escrowId, trancheId: releasedId, requestId } = await pendingRelease(t, cast);
      escrowIds.push(escrowId);
      const [benchmark] = (await tranche(releasedId)).benchmarks;
      await approve(requestId).expect(200);
      for (const decision of ['approve', 'reject'] as const) {
        await conflict(() => signOff(benchmark.id, cast.monitors[2], decision), 'INVALID_STATE');
      }

      const cancelled = await allocate(t, cast.donorA, escrowIds[0], { amount: '1.00', recipientOrganizationId: cast.recipientId });
      const added = await addBenchmark(cancelled, { kind: 'anti_corruption', description: 'audit' }).expect(201);
      await t.http().post(`/v1/tranches/${cancelled}/cancel`).set(cast.admin.auth).send({ reason: 'x' }).expect(200);
      await conflict(() => signOff(added.body.id, cast.monitors[0], 'approve'), 'INVALID_STATE');
    });
  });

  describe('releases', () => {
    it('a tranche has at most one open request, and only an allocated tranche can be cancelled', async () => {
      const { escrowId, trancheId, requestId } = await pendingRelease(t, cast);
      escrowIds.push(escrowId);
      await conflict(() => askRelease(trancheId), 'INVALID_STATE');
      await conflict(() => t.http().post(`/v1/tranches/${trancheId}/cancel`).set(cast.donorA.auth).send({ reason: 'x' }), 'INVALID_STATE');
      // A rejected request sends the tranche back; it can be asked for again and released.
      await t.http().post(`/v1/release-requests/${requestId}/reject`).set(cast.admin.auth).send({ reason: 'withdrawn' }).expect(200);
      await conflict(() => approve(requestId), 'INVALID_STATE');
      await approve(await requestRelease(t, cast, trancheId)).expect(200);
      await conflict(() => t.http().post(`/v1/tranches/${trancheId}/cancel`).set(cast.admin.auth).send({ reason: 'x' }), 'INVALID_STATE');
      await conflict(() => t.http().post(`/v1/release-requests/${requestId}/reject`).set(cast.admin.auth).send({ reason: 'x' }), 'INVALID_STATE');
    });

    it('approval re-checks the benchmarks: a dissent after the request blocks it', async () => {
      const { escrowId, trancheId, requestId } = await pendingRelease(t, cast);
      escrowIds.push(escrowId);
      const [benchmark] = (await tranche(trancheId)).benchmarks;
      await signOff(benchmark.id, cast.monitors[2], 'reject').expect(201);
      await conflict(() => approve(requestId), 'BENCHMARKS_NOT_MET');
      await signOff(benchmark.id, cast.monitors[2], 'approve').expect(201);
      await approve(requestId).expect(200);
    });

    it('approval re-checks phase order: an earlier-phase tranche allocated after the request blocks it', async () => {
      const escrowId = await newAccount();
      const phase2 = await readyTranche(t, cast, escrowId, '10.00', 2);
      const requestId = await requestRelease(t, cast, phase2);
      const phase1 = await allocate(t, cast.donorA, escrowId, { amount: '5.00', phase: 1, recipientOrganizationId: cast.recipientId });
      await conflict(() => approve(requestId), 'PHASE_ORDER');
      await t.http().post(`/v1/tranches/${phase1}/cancel`).set(cast.donorA.auth).send({ reason: 'moved' }).expect(200);
      await approve(requestId).expect(200);
    });

    it('phase order counts cancelled and released tranches as done, and looks only at earlier phases of the same account', async () => {
      const escrowId = await newAccount();
      const cancelled = await allocate(t, cast.donorA, escrowId, { amount: '5.00', phase: 1, recipientOrganizationId: cast.recipientId });
      const released = await readyTranche(t, cast, escrowId, '5.00', 2);
      const samePhase = await allocate(t, cast.donorA, escrowId, { amount: '5.00', phase: 3, recipientOrganizationId: cast.recipientId });
      const phase3 = await readyTranche(t, cast, escrowId, '5.00', 3);
      // Another account's unreleased phase-1 tranche is no obstacle.
      await allocate(t, cast.donorA, await newAccount(), { amount: '5.00', phase: 1, recipientOrganizationId: cast.recipientId });

      await conflict(() => askRelease(released), 'PHASE_ORDER');
      await t.http().post(`/v1/tranches/${cancelled}/cancel`).set(cast.donorA.auth).send({ reason: 'moved' }).expect(200);
      await approve(await requestRelease(t, cast, released)).expect(200);
      // Phase 3 waits for nothing: phase 1 cancelled, phase 2 released, the other phase-3 tranche is the same phase.
      await approve(await requestRelease(t, cast, phase3)).expect(200);
      expect((await tranche(samePhase)).status).toBe('allocated');
    });
  });

  describe('suspension and closing', () => {
    it('suspending twice or resuming an active account is INVALID_STATE', async () => {
      const escrowId = await newAccount();
      await conflict(() => t.http().post(`/v1/escrow-accounts/${escrowId}/resume`).set(cast.admin.auth).send({ reason: 'x' }), 'INVALID_STATE');
      await t.http().post(`/v1/escrow-accounts/${escrowId}/suspend`).set(cast.monitors[0].auth).send({ reason: 'diversion' }).expect(200);
      await conflict(() => t.http().post(`/v1/escrow-accounts/${escrowId}/suspend`).set(cast.admin.auth).send({ reason: 'again' }), 'INVALID_STATE');
      await conflict(() => t.http().post(`/v1/escrow-accounts/${escrowId}/suspend`).set(cast.monitors[1].auth).send({ reason: 'again' }), 'INVALID_STATE');
      await t.http().post(`/v1/escrow-accounts/${escrowId}/resume`).set(cast.admin.auth).send({ reason: 'cleared' }).expect(200);
      await conflict(() => t.http().post(`/v1/escrow-accounts/${escrowId}/resume`).set(cast.admin.auth).send({ reason: 'again' }), 'INVALID_STATE');
    });

    it('a suspension stops approval of a pending request; deposits still come in; resuming lets it through', async () => {
      const { escrowId, trancheId, requestId } = await pendingRelease(t, cast);
      escrowIds.push(escrowId);
      await t.http().post(`/v1/escrow-accounts/${escrowId}/suspend`).set(cast.admin.auth).send({ reason: 'diversion' }).expect(200);
      await conflict(() => approve(requestId), 'ACCOUNT_SUSPENDED');
      expect((await tranche(trancheId)).status).toBe('release_pending');
      await deposit(t, cast.donorB, escrowId, '7.00');
      await t.http().post(`/v1/escrow-accounts/${escrowId}/resume`).set(cast.admin.auth).send({ reason: 'cleared' }).expect(200);
      await approve(requestId).expect(200);
    });

    it('closing a suspended account works and refunds every donor', async () => {
      const escrowId = await newAccount('300.00');
      await deposit(t, cast.donorB, escrowId, '45.50');
      const cancelled = await allocate(t, cast.donorA, escrowId, { amount: '100.00', recipientOrganizationId: cast.recipientId });
      await t.http().post(`/v1/tranches/${cancelled}/cancel`).set(cast.donorA.auth).send({ reason: 'x' }).expect(200);
      const released = await readyTranche(t, cast, escrowId, '50.00');
      await approve(await requestRelease(t, cast, released)).expect(200);
      await t.http().post(`/v1/escrow-accounts/${escrowId}/suspend`).set(cast.monitors[0].auth).send({ reason: 'diversion' }).expect(200);
      const before = await ledgerBalances(t, cast.auditor);

      const closed = await t.http().post(`/v1/escrow-accounts/${escrowId}/close`).set(cast.admin.auth).send({ reason: 'programme ended' }).expect(200);
      expect(closed.body.status).toBe('closed');
      expect(closed.body.balances).toEqual({ deposited: '345.50', allocated: '0.00', released: '50.00', refunded: '295.50', repaid: '0.00', unallocated: '0.00' });
      const donors = Object.fromEntries(closed.body.donors.map((d: { organizationId: string }) => [d.organizationId, d]));
      expect(donors[cast.donorA.organizationId]).toMatchObject({ deposited: '300.00', released: '50.00', refunded: '250.00', repaid: '0.00', unallocated: '0.00' });
      expect(donors[cast.donorB.organizationId]).toMatchObject({ deposited: '45.50', refunded: '45.50', repaid: '0.00', unallocated: '0.00' });

      const after = await ledgerBalances(t, cast.auditor);
      for (const [donor, refund] of [[cast.donorA, '250'], [cast.donorB, '45.5']] as const) {
        expect(after.get(`donor:${donor.organizationId}:USD`)!.minus(before.get(`donor:${donor.organizationId}:USD`)!).toFixed()).toBe(refund);
        expect(after.get(`escrow:${escrowId}:unallocated:${donor.organizationId}`)!.toFixed()).toBe('0');
      }
      const refunds = await t.dataSource.query('SELECT organization_id, amount::text FROM refunds WHERE escrow_account_id = $1 ORDER BY amount', [escrowId]);
      expect(refunds).toHaveLength(2);

      // Closed: nothing more, not even a resume or a second close.
      for (const action of ['resume', 'suspend', 'close']) {
        await conflict(() => t.http().post(`/v1/escrow-accounts/${escrowId}/${action}`).set(cast.admin.auth).send({ reason: 'x' }), 'ACCOUNT_CLOSED');
      }
      await conflict(() => t.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set(cast.donorA.auth).send({ amount: '1.00' }), 'ACCOUNT_CLOSED');
      expect((await account(escrowId)).status).toBe('closed');
    });

    it('an account with a release-pending tranche cannot be closed', async () => {
      const { escrowId } = await pendingRelease(t, cast);
      escrowIds.push(escrowId);
      await conflict(() => t.http().post(`/v1/escrow-accounts/${escrowId}/close`).set(cast.admin.auth).send({ reason: 'x' }), 'INVALID_STATE');
    });
  });

  it('leaves a ledger that verifies and agrees with every account', async () => {
    await expectLedgerConsistent(t, cast.auditor, escrowIds);
  });

  async function organizationName(id: string): Promise<string> {
    const [row] = await t.dataSource.query('SELECT name FROM organizations WHERE id = $1', [id]);
    return row.name;
  }
});
