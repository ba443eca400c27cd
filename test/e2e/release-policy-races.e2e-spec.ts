import { Decimal } from '../../src/common/money/money';
import { approveRequest, askInstalment, getRequest, getTranche, outcomes, policyTranche, setApprovalPolicy } from '../support/release-policy';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import { Cast, createCast, createEscrowAccount, deposit, expectLedgerConsistent, ledgerBalances, moreAdmins, readJournal } from '../support/workflow';

/** Concurrent approvals, policy changes and requests: the release policy holds however they interleave. */
describe('release policy races', () => {
  let t: TestApp;
  let cast: Cast;
  let checkers: TestPrincipal[];
  const escrowIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
    checkers = [cast.checker, ...(await moreAdmins(t, 19))];
  });
  afterAll(() => t.close());

  const newAccount = async (tiers?: { minAmount: string; approvals: number }[]) => {
    const id = await createEscrowAccount(t, cast.admin);
    escrowIds.push(id);
    await deposit(t, cast.donorA, id, '100000.00');
    if (tiers) await setApprovalPolicy(t, id, tiers, cast.admin, cast.checker);
    return id;
  };
  const recipientPaid = async () => (await ledgerBalances(t, cast.auditor)).get(`recipient:${cast.recipientId}:USD`) ?? new Decimal(0);
  const count = (list: string[], value: string) => list.filter((x) => x === value).length;
  const journalOf = async (requestId: string) => (await readJournal(t, cast.auditor)).filter((i) => i.body.refs.releaseRequestId === requestId);

  it('3 approvals needed, 20 admins approving at once: exactly 3 count, and the money moves once', async () => {
    for (let round = 0; round < 3; round++) {
      const escrowId = await newAccount([{ minAmount: '0', approvals: 3 }]);
      const trancheId = await policyTranche(t, cast, escrowId, { amount: '77.70' });
      const request = (await askInstalment(t, cast.admin, trancheId, '70.00').expect(201)).body;
      const paid = await recipientPaid();
      const results = outcomes(await Promise.all(checkers.map((admin) => approveRequest(t, admin, request.id))));

      expect({ ok: count(results, '200'), late: count(results, '409 INVALID_STATE') }).toEqual({ ok: 3, late: 17 });
      expect((await recipientPaid()).minus(paid).toFixed()).toBe('70');
      const view = await getRequest(t, cast.auditor, request.id);
      expect({ status: view.status, approvals: view.approvals.length }).toEqual({ status: 'approved', approvals: 3 });
      const kinds = (await journalOf(request.id)).map((i) => i.kind);
      expect(kinds).toEqual(['release_requested', 'release_approval', 'release_approval', 'release_approved']);
      expect(await getTranche(t, cast.auditor, trancheId)).toMatchObject({ status: 'allocated', releasedAmount: '70.00', remainingAmount: '7.70' });
    }
  });

  it('the last approval raced by many: one of them moves the money', async () => {
    const escrowId = await newAccount([{ minAmount: '0', approvals: 2 }]);
    const trancheId = await policyTranche(t, cast, escrowId, { amount: '50.00' });
    const request = (await askInstalment(t, cast.admin, trancheId).expect(201)).body;
    await approveRequest(t, cast.checker, request.id).expect(200);
    const paid = await recipientPaid();
    const results = outcomes(await Promise.all(checkers.slice(1).map((admin) => approveRequest(t, admin, request.id))));
    expect({ ok: count(results, '200'), late: count(results, '409 INVALID_STATE') }).toEqual({ ok: 1, late: 18 });
    expect((await recipientPaid()).minus(paid).toFixed()).toBe('50');
    expect((await journalOf(request.id)).filter((i) => i.kind === 'release_approved')).toHaveLength(1);
    expect((await getTranche(t, cast.auditor, trancheId)).status).toBe('released');
  });

  it('one admin approving many times at once counts once', async () => {
    const escrowId = await newAccount([{ minAmount: '0', approvals: 2 }]);
    const trancheId = await policyTranche(t, cast, escrowId, { amount: '50.00' });
    const request = (await askInstalment(t, cast.admin, trancheId).expect(201)).body;
    const results = outcomes(await Promise.all(Array.from({ length: 12 }, () => approveRequest(t, cast.checker, request.id))));
    expect({ ok: count(results, '200'), repeated: count(results, '409 ALREADY_APPROVED') }).toEqual({ ok: 1, repeated: 11 });
    expect(await getRequest(t, cast.auditor, request.id)).toMatchObject({ status: 'pending', remainingApprovals: 1 });
  });

  it('instalment requests racing on one tranche: one pending at a time', async () => {
    const escrowId = await newAccount();
    const trancheId = await policyTranche(t, cast, escrowId, { amount: '100.00' });
    const results = outcomes(await Promise.all(checkers.slice(0, 8).map((admin, i) => askInstalment(t, admin, trancheId, `${10 + i}.00`))));
    expect(results.sort()).toEqual(['201', ...Array(7).fill('409 INVALID_STATE')]);
  });

  it('a policy change racing requests: each request is made wholly under the old tiers or the new ones', async () => {
    for (let round = 0; round < 3; round++) {
      const escrowId = await newAccount();
      const tranches: string[] = [];
      for (let i = 0; i < 6; i++) tranches.push(await policyTranche(t, cast, escrowId, { amount: '10.00' }));
      const proposed = await t.http()
        .post(`/v1/escrow-accounts/${escrowId}/approval-policy`)
        .set(cast.admin.auth)
        .send({ tiers: [{ minAmount: '0', approvals: 4 }] })
        .expect(202);
      const sends = tranches.map((id, i) => () => askInstalment(t, checkers[i + 1], id));
      const approve = () => t.http().post(`/v1/approval-policy-changes/${proposed.body.id}/approve`).set(cast.checker.auth).send({});
      sends.splice(round * 2, 0, approve);
      const responses = await Promise.all(sends.map((send) => send()));
      expect(outcomes(responses).sort()).toEqual(['200', ...Array(6).fill('201')]);

      const journal = (await readJournal(t, cast.auditor)).filter((i) => i.body.escrowAccountId === escrowId);
      const [changed] = journal.filter((i) => i.kind === 'approval_policy_approved');
      for (const requested of journal.filter((i) => i.kind === 'release_requested')) {
        const view = await getRequest(t, cast.auditor, requested.body.refs.releaseRequestId);
        // Old tiers: journaled before the change; new tiers: after it. Never a request between the two.
        expect({ required: view.requiredApprovals, before: requested.seq < changed.seq }).toEqual({
          required: requested.seq < changed.seq ? 1 : 4,
          before: requested.seq < changed.seq,
        });
        expect(requested.body.details.requiredApprovals).toBe(view.requiredApprovals);
      }
    }
  });

  it('leaves a ledger that verifies and agrees with every account and tranche', async () => {
    await expectLedgerConsistent(t, cast.auditor, escrowIds);
  });
});
