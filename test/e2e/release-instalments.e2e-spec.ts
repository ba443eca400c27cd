import { Decimal } from '../../src/common/money/money';
import { askInstalment, finalAudit, getTranche, policyTranche, releaseInstalment } from '../support/release-policy';
import { startTestApp, TestApp } from '../support/test-app';
import {
  Cast,
  createCast,
  createEscrowAccount,
  databaseState,
  deposit,
  expectLedgerConsistent,
  ledgerBalances,
  readJournal,
} from '../support/workflow';

/** API.md, "Release policy": instalments, retention until the final audit, cancellation of the remainder. */
describe('release instalments and retention', () => {
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
  const tranche = (id: string) => getTranche(t, cast.auditor, id);
  const account = async (id: string) => (await t.http().get(`/v1/escrow-accounts/${id}`).set(cast.auditor.auth).expect(200)).body;
  const ledger = async (code: string) => (await ledgerBalances(t, cast.auditor)).get(code)?.toFixed() ?? '0';
  /** Expects a 409 with `code`, and that the refusal wrote nothing. */
  const conflict = async (send: () => PromiseLike<{ status: number; body: { code?: string } }>, code: string) => {
    const before = await databaseState(t);
    const res = await send();
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code });
    expect(await databaseState(t)).toEqual(before);
  };
  const allocateWith = (escrowId: string, body: object) =>
    t.http().post(`/v1/escrow-accounts/${escrowId}/tranches`).set(cast.donorA.auth).send({ category: 'clinics', phase: 1, amount: '10.00', recipientOrganizationId: cast.recipientId, ...body });

  describe('a tranche', () => {
    it('shows what was released, what remains, the retention and the deadline', async () => {
      const escrowId = await newAccount();
      const releaseBy = new Date(Date.now() + 86_400_000).toISOString();
      const created = await allocateWith(escrowId, { amount: '250.00', retentionPercent: 10, releaseBy }).expect(201);
      expect(created.body).toMatchObject({
        amount: '250.00',
        status: 'allocated',
        releasedAmount: '0.00',
        remainingAmount: '250.00',
        retentionPercent: 10,
        retainedAmount: '25.00',
        releasableAmount: '225.00',
        returnedAmount: '0.00',
        releaseBy,
      });
      const plain = await allocateWith(escrowId, {}).expect(201);
      expect(plain.body).toMatchObject({ retentionPercent: 0, retainedAmount: '0.00', releaseBy: null, remainingAmount: '10.00' });
      expect(await tranche(created.body.id)).toMatchObject({ retainedAmount: '25.00', releaseBy, benchmarks: [] });
    });

    it.each([
      ['retentionPercent', { retentionPercent: 51 }],
      ['retentionPercent', { retentionPercent: -1 }],
      ['retentionPercent', { retentionPercent: 12.5 }],
      ['retentionPercent', { retentionPercent: '10' }],
      ['releaseBy', { releaseBy: '2020-01-01T00:00:00Z' }],
      ['releaseBy', { releaseBy: '2099-01-01' }],
      ['releaseBy', { releaseBy: '2099-02-30T00:00:00Z' }],
      ['releaseBy', { releaseBy: 4102444800000 }],
    ])('refuses a bad %s (%p), changing nothing', async (field, body) => {
      const escrowId = escrowIds[0];
      const before = await databaseState(t);
      const res = await allocateWith(escrowId, body).expect(400);
      expect(res.body.message).toContain(field);
      expect(await databaseState(t)).toEqual(before);
    });
  });

  describe('instalments', () => {
    it('a request defaults to what may be released now; a partial release leaves the tranche allocated', async () => {
      const escrowId = await newAccount();
      const trancheId = await policyTranche(t, cast, escrowId, { amount: '100.00' });
      // No body at all is the same as {}.
      const requested = await t.http().post(`/v1/tranches/${trancheId}/release-requests`).set(cast.admin.auth).expect(201);
      expect(requested.body).toMatchObject({
        id: expect.any(String),
        trancheId,
        amount: '100.00',
        status: 'pending',
        requestedBy: cast.admin.id,
        requiredApprovals: 1,
        distinctOrganizations: false,
        approvals: [],
        remainingApprovals: 1,
      });
      await t.http().post(`/v1/release-requests/${requested.body.id}/reject`).set(cast.admin.auth).send({ reason: 'in instalments' }).expect(200);

      const first = await releaseInstalment(t, cast, trancheId, '30.00');
      expect(first.body).toMatchObject({ status: 'approved', amount: '30.00', approvedBy: cast.checker.id, journalTransactionId: expect.any(String) });
      expect(first.body.approvals).toEqual([
        { principalId: cast.checker.id, organizationId: cast.checker.organizationId, at: expect.any(String), journalTransactionId: first.body.journalTransactionId, counts: true },
      ]);
      expect(await tranche(trancheId)).toMatchObject({ status: 'allocated', releasedAmount: '30.00', remainingAmount: '70.00' });
      expect((await account(escrowId)).balances).toMatchObject({ deposited: '1000.00', allocated: '70.00', released: '30.00', unallocated: '900.00' });
      expect(await ledger(`escrow:${escrowId}:tranche:${trancheId}`)).toBe('70');

      const second = await releaseInstalment(t, cast, trancheId, '0.01');
      expect(second.body.amount).toBe('0.01');
      const rest = await releaseInstalment(t, cast, trancheId);
      expect(rest.body.amount).toBe('69.99');
      expect(await tranche(trancheId)).toMatchObject({ status: 'released', releasedAmount: '100.00', remainingAmount: '0.00' });
      expect((await account(escrowId)).balances).toMatchObject({ allocated: '0.00', released: '100.00', unallocated: '900.00' });
      await conflict(() => askInstalment(t, cast.admin, trancheId), 'INVALID_STATE');

      const approvals = (await readJournal(t, cast.auditor)).filter((i) => i.kind === 'release_approved' && i.body.refs.trancheId === trancheId);
      expect(approvals.map((i) => i.entries.find((e) => e.account.startsWith('recipient:'))!.amount)).toEqual(['30.00', '0.01', '69.99']);
    });

    it('asking for more than remains is INSUFFICIENT_FUNDS', async () => {
      const escrowId = await newAccount();
      const trancheId = await policyTranche(t, cast, escrowId, { amount: '100.00' });
      await releaseInstalment(t, cast, trancheId, '60.00');
      await conflict(() => askInstalment(t, cast.admin, trancheId, '40.01'), 'INSUFFICIENT_FUNDS');
      await releaseInstalment(t, cast, trancheId, '40.00');
    });

    it('cancelling a partly released tranche returns only the remainder', async () => {
      const escrowId = await newAccount('500.00');
      const trancheId = await policyTranche(t, cast, escrowId, { amount: '100.00' });
      await releaseInstalment(t, cast, trancheId, '30.00');
      const unallocatedBefore = await ledger(`escrow:${escrowId}:unallocated:${cast.donorA.organizationId}`);
      const cancelled = await t.http().post(`/v1/tranches/${trancheId}/cancel`).set(cast.donorA.auth).send({ reason: 'works stopped' }).expect(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', releasedAmount: '30.00', remainingAmount: '0.00', returnedAmount: '70.00', retainedAmount: '0.00' });
      expect(new Decimal(await ledger(`escrow:${escrowId}:unallocated:${cast.donorA.organizationId}`)).minus(unallocatedBefore).toFixed()).toBe('70');
      expect((await account(escrowId)).balances).toMatchObject({ deposited: '500.00', allocated: '0.00', released: '30.00', unallocated: '470.00' });
      const [journaled] = (await readJournal(t, cast.auditor)).filter((i) => i.kind === 'tranche_cancelled' && i.body.refs.trancheId === trancheId);
      expect(journaled.body.details).toMatchObject({ releasedAmount: '30.00', returnedAmount: '70.00' });
      expect(journaled.entries.map((e) => e.amount).sort()).toEqual(['-70.00', '70.00']);
    });
  });

  describe('retention until the final audit', () => {
    it('holds the retained share back until a final_audit benchmark is met', async () => {
      const escrowId = await newAccount();
      const trancheId = await policyTranche(t, cast, escrowId, { amount: '100.00', retentionPercent: 20 });
      await conflict(() => askInstalment(t, cast.admin, trancheId, '80.01'), 'RETENTION_HELD');
      // More than remains: INSUFFICIENT_FUNDS comes before RETENTION_HELD.
      await conflict(() => askInstalment(t, cast.admin, trancheId, '100.01'), 'INSUFFICIENT_FUNDS');
      const unretained = await releaseInstalment(t, cast, trancheId);
      expect(unretained.body.amount).toBe('80.00');
      expect(await tranche(trancheId)).toMatchObject({ status: 'allocated', releasedAmount: '80.00', remainingAmount: '20.00', retainedAmount: '20.00', releasableAmount: '0.00' });
      await conflict(() => askInstalment(t, cast.admin, trancheId), 'RETENTION_HELD');

      // A final audit that is not met yet frees nothing; once met, the retained share may go.
      const audit = await finalAudit(t, cast, trancheId, false);
      await conflict(() => askInstalment(t, cast.admin, trancheId, '0.01'), 'RETENTION_HELD');
      await t.http().post(`/v1/benchmarks/${audit}/signoffs`).set(cast.monitors[0].auth).send({ decision: 'approve' }).expect(201);
      expect(await tranche(trancheId)).toMatchObject({ retainedAmount: '0.00', releasableAmount: '20.00' });
      const retained = await releaseInstalment(t, cast, trancheId);
      expect(retained.body.amount).toBe('20.00');
      expect(await tranche(trancheId)).toMatchObject({ status: 'released', releasedAmount: '100.00', retainedAmount: '0.00' });
    });

    it('re-checks the final audit at approval: a dissent after the request holds the retained share again', async () => {
      const escrowId = await newAccount();
      const trancheId = await policyTranche(t, cast, escrowId, { amount: '100.00', retentionPercent: 50 });
      const audit = await finalAudit(t, cast, trancheId);
      const requested = await askInstalment(t, cast.admin, trancheId).expect(201);
      expect(requested.body.amount).toBe('100.00');
      await t.http().post(`/v1/benchmarks/${audit}/signoffs`).set(cast.monitors[1].auth).send({ decision: 'reject' }).expect(201);
      await conflict(() => t.http().post(`/v1/release-requests/${requested.body.id}/approve`).set(cast.checker.auth).send({}), 'RETENTION_HELD');
      await t.http().post(`/v1/release-requests/${requested.body.id}/reject`).set(cast.checker.auth).send({ reason: 'audit disputed' }).expect(200);
      expect((await releaseInstalment(t, cast, trancheId)).body.amount).toBe('50.00');
    });

    it('a final_audit benchmark gates only the retained share', async () => {
      const escrowId = await newAccount();
      const noRetention = await policyTranche(t, cast, escrowId, { amount: '10.00' });
      const blocked = await finalAudit(t, cast, noRetention, false);
      await t.http().post(`/v1/benchmarks/${blocked}/signoffs`).set(cast.monitors[1].auth).send({ decision: 'reject' }).expect(201);
      expect((await releaseInstalment(t, cast, noRetention)).body.amount).toBe('10.00');
      // Without its humanitarian_access and anti_corruption benchmarks, a met final audit releases nothing.
      const auditOnly = await policyTranche(t, cast, escrowId, { amount: '10.00', retentionPercent: 10, ready: false });
      await finalAudit(t, cast, auditOnly);
      await conflict(() => askInstalment(t, cast.admin, auditOnly), 'BENCHMARKS_NOT_MET');
    });

    it('rounds the retained share up to the minor unit', async () => {
      const escrowId = await newAccount();
      const res = await allocateWith(escrowId, { amount: '0.03', retentionPercent: 50 }).expect(201);
      expect(res.body).toMatchObject({ retainedAmount: '0.02', releasableAmount: '0.01' });
    });
  });

  describe('phase order', () => {
    it('looks only at the unretained share of lower phases', async () => {
      const escrowId = await newAccount();
      const phase1 = await policyTranche(t, cast, escrowId, { amount: '100.00', retentionPercent: 25, phase: 1 });
      const phase2 = await policyTranche(t, cast, escrowId, { amount: '10.00', phase: 2 });
      await conflict(() => askInstalment(t, cast.admin, phase2), 'PHASE_ORDER');
      await releaseInstalment(t, cast, phase1, '74.99');
      await conflict(() => askInstalment(t, cast.admin, phase2), 'PHASE_ORDER');
      await releaseInstalment(t, cast, phase1, '0.01');
      // Phase 1 still holds its retained 25.00 (allocated, final audit pending): phase 2 goes ahead.
      expect(await tranche(phase1)).toMatchObject({ status: 'allocated', remainingAmount: '25.00', retainedAmount: '25.00' });
      expect((await releaseInstalment(t, cast, phase2)).body.amount).toBe('10.00');
    });

    it('counts a partly released, then cancelled tranche as done', async () => {
      const escrowId = await newAccount();
      const phase1 = await policyTranche(t, cast, escrowId, { amount: '100.00', phase: 1 });
      const phase2 = await policyTranche(t, cast, escrowId, { amount: '10.00', phase: 2 });
      await releaseInstalment(t, cast, phase1, '10.00');
      await conflict(() => askInstalment(t, cast.admin, phase2), 'PHASE_ORDER');
      await t.http().post(`/v1/tranches/${phase1}/cancel`).set(cast.admin.auth).send({ reason: 'scope cut' }).expect(200);
      await releaseInstalment(t, cast, phase2);
    });
  });

  describe('precedence when several rules fail (API.md, "Errors")', () => {
    it('ACCOUNT_SUSPENDED before INVALID_STATE, PHASE_ORDER before BENCHMARKS_NOT_MET, BENCHMARKS_NOT_MET before INSUFFICIENT_FUNDS', async () => {
      const escrowId = await newAccount();
      await policyTranche(t, cast, escrowId, { amount: '10.00', phase: 1, ready: false });
      const phase2 = await policyTranche(t, cast, escrowId, { amount: '10.00', phase: 2, ready: false });
      await conflict(() => askInstalment(t, cast.admin, phase2, '99.00'), 'PHASE_ORDER');

      const other = await newAccount();
      const bare = await policyTranche(t, cast, other, { amount: '10.00', ready: false });
      await conflict(() => askInstalment(t, cast.admin, bare, '99.00'), 'BENCHMARKS_NOT_MET');
      const ready = await policyTranche(t, cast, other, { amount: '10.00' });
      await askInstalment(t, cast.admin, ready).expect(201);
      await t.http().post(`/v1/escrow-accounts/${other}/suspend`).set(cast.monitors[0].auth).send({ reason: 'diversion' }).expect(200);
      // release_pending (INVALID_STATE) while suspended: ACCOUNT_SUSPENDED first.
      await conflict(() => askInstalment(t, cast.admin, ready), 'ACCOUNT_SUSPENDED');
      await t.http().post(`/v1/escrow-accounts/${other}/resume`).set(cast.admin.auth).send({ reason: 'cleared' }).expect(200);
      await conflict(() => askInstalment(t, cast.admin, ready), 'INVALID_STATE');
    });
  });

  it('leaves a ledger that verifies and agrees with every account and tranche', async () => {
    await expectLedgerConsistent(t, cast.auditor, escrowIds);
  });
});
