import { Decimal } from '../../src/common/money/money';
import { approve, createAccountIn, finding, openCase, release, verifiedCase } from '../support/oversight';
import { startTestApp, TestApp } from '../support/test-app';
import { Cast, createCast, deposit, expectLedgerConsistent, ledgerBalances, readJournal, readyTranche, requestRelease } from '../support/workflow';

/**
 * A verification racing the money: whatever the interleaving, either the release committed
 * before the hold (and the hold found nothing to stop), or it is refused; never both, never
 * neither. Run against one app with a pool of 10 connections, several rounds each.
 */
describe('oversight races', () => {
  let t: TestApp;
  let cast: Cast;
  const ROUNDS = 8;

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
  });
  afterAll(() => t.close());

  const paidToRecipient = async () => (await ledgerBalances(t, cast.auditor)).get(`recipient:${cast.recipientId}:USD`) ?? new Decimal(0);

  it('a verification racing an approval: the release happened before, or it is refused', async () => {
    const outcomes: string[] = [];
    const accounts: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const escrowId = await createAccountIn(t, cast.admin, undefined);
      accounts.push(escrowId);
      await deposit(t, cast.donorA, escrowId, '10.00');
      const trancheId = await readyTranche(t, cast, escrowId, '10.00');
      const requestId = await requestRelease(t, cast, trancheId);
      const scope = round % 2 === 0 ? { scope: 'tranche', trancheId } : { scope: 'escrow_account', escrowAccountId: escrowId };
      const opened = await openCase(t, cast.monitors[0], scope);
      await finding(t, cast.monitors[0], opened.id, 'verify').expect(201);
      const paidBefore = await paidToRecipient();

      const racers = [() => approve(t, cast.checker, requestId), () => finding(t, cast.monitors[1], opened.id, 'verify')];
      if (round % 3 === 1) racers.reverse();
      const [first, second] = await Promise.all(racers.map((send) => send()));
      const [approval, verification] = round % 3 === 1 ? [second, first] : [first, second];

      expect({ status: verification.status, caseStatus: verification.body.status }).toEqual({ status: 201, caseStatus: 'verified' });
      const request = (await t.http().get(`/v1/release-requests/${requestId}`).set(cast.auditor.auth).expect(200)).body;
      const tranche = (await t.http().get(`/v1/tranches/${trancheId}`).set(cast.auditor.auth).expect(200)).body;
      const paid = (await paidToRecipient()).minus(paidBefore).toFixed(2);
      const hold = (await readJournal(t, cast.auditor)).find((i) => i.kind === 'release_hold_placed' && i.body.refs.caseId === opened.id)!;
      if (approval.status === 200) {
        expect({ request: request.status, tranche: tranche.status, paid, rejected: hold.body.details.rejectedReleaseRequests }).toEqual({ request: 'approved', tranche: 'released', paid: '10.00', rejected: [] });
        outcomes.push('released first');
      } else {
        expect(['INVALID_STATE', 'VIOLATION_VERIFIED']).toContain(approval.body.code);
        expect({ request: request.status, tranche: tranche.status, paid, rejected: hold.body.details.rejectedReleaseRequests }).toEqual({ request: 'rejected', tranche: 'allocated', paid: '0.00', rejected: [requestId] });
        outcomes.push('refused');
      }
    }
    expect(outcomes).toHaveLength(ROUNDS);
    await expectLedgerConsistent(t, cast.auditor, accounts);
  });

  it('the last verifications racing each other move the case once, with one hold', async () => {
    const escrowId = await createAccountIn(t, cast.admin, undefined);
    const opened = await openCase(t, cast.monitors[0], { scope: 'escrow_account', escrowAccountId: escrowId });
    const results = await Promise.all(cast.monitors.map((monitor) => finding(t, monitor, opened.id, 'verify')));
    // Two reach the quorum; the one that comes after finds the case verified.
    expect(results.map((r) => (r.status === 201 ? 201 : `${r.status} ${r.body.code}`)).sort()).toEqual([201, 201, '409 INVALID_STATE']);
    const journal = await readJournal(t, cast.auditor);
    expect(journal.filter((i) => i.kind === 'release_hold_placed' && i.body.refs.caseId === opened.id)).toHaveLength(1);
    expect(journal.filter((i) => i.kind === 'escrow_suspended' && i.body.escrowAccountId === escrowId)).toHaveLength(1);
    const transitions = journal.filter((i) => i.kind === 'case_finding' && i.body.refs.caseId === opened.id).map((i) => `${i.body.details.statusBefore}→${i.body.details.statusAfter}`);
    expect(transitions.filter((s) => s === 'alleged→verified')).toHaveLength(1);
  });

  it('claims racing from two cases never exceed what the tranche released; repayments never exceed the claim', async () => {
    const escrowId = await createAccountIn(t, cast.admin, undefined);
    await deposit(t, cast.donorA, escrowId, '100.00');
    const trancheId = await readyTranche(t, cast, escrowId, '100.00');
    await release(t, cast, trancheId);
    const caseA = await verifiedCase(t, cast, { scope: 'tranche', trancheId });
    const caseB = await verifiedCase(t, cast, { scope: 'escrow_account', escrowAccountId: escrowId });
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.http().post(`/v1/violation-cases/${i % 2 ? caseA : caseB}/recoveries`).set(cast.admin.auth).send({ trancheId, amount: '30.00' })),
    );
    const codes = claims.map((r) => (r.status === 201 ? 'claimed' : r.body.code));
    expect(codes.filter((c) => c === 'claimed')).toHaveLength(3);
    expect(codes.filter((c) => c !== 'claimed').every((c) => c === 'CLAIM_EXCEEDS_RELEASED')).toBe(true);

    const claimedByA = claims.filter((r, i) => r.status === 201 && i % 2 === 1).length * 30;
    const repayments = await Promise.all(
      Array.from({ length: 8 }, () => t.http().post(`/v1/violation-cases/${caseA}/repayments`).set(cast.admin.auth).send({ trancheId, amount: '10.00' })),
    );
    expect(repayments.filter((r) => r.status === 201)).toHaveLength(Math.min(8, claimedByA / 10));
    expect(repayments.filter((r) => r.status !== 201).every((r) => r.body.code === 'REPAYMENT_EXCEEDS_CLAIM')).toBe(true);
    await expectLedgerConsistent(t, cast.auditor, [escrowId]);
  });
});
