import { Decimal } from '../../src/common/money/money';
import type { Response } from 'supertest';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import {
  allocate,
  Cast,
  createCast,
  createEscrowAccount,
  deposit,
  expectLedgerConsistent,
  JournalItem,
  ledgerBalances,
  moreAdmins,
  pendingRelease,
  readJournal,
  satisfyBenchmarks,
} from '../support/workflow';

/**
 * Concurrent HTTP requests against one app (pool of 10 connections): the rules hold however
 * the requests interleave. Each race asserts the outcome every interleaving allows, then that
 * the ledger verifies and agrees with the accounts.
 */
describe('workflow races', () => {
  let t: TestApp;
  let cast: Cast;
  let checkers: TestPrincipal[];
  const ROUNDS = 5;

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
    checkers = [cast.checker, ...(await moreAdmins(t, 24))];
  });
  afterAll(() => t.close());

  const approve = (requestId: string, admin: TestPrincipal) => t.http().post(`/v1/release-requests/${requestId}/approve`).set(admin.auth).send({});
  const recipientBalance = async () => (await ledgerBalances(t, cast.auditor)).get(`recipient:${cast.recipientId}:USD`) ?? new Decimal(0);
  const outcomes = (responses: Response[]) => responses.map((r) => (r.status === 200 || r.status === 201 ? String(r.status) : `${r.status} ${r.body.code}`));
  const count = (list: string[], value: string) => list.filter((x) => x === value).length;
  const journalOf = async (escrowId: string) => (await readJournal(t, cast.auditor)).filter((i) => i.body.escrowAccountId === escrowId);
  const seqOf = (journal: JournalItem[], kind: string) => journal.filter((i) => i.kind === kind).map((i) => i.seq);
  /** Sends `odd` among `others` at once, starting it at position `at`; returns its response apart. */
  async function raceWithOneOdd(odd: () => Promise<Response>, others: (() => Promise<Response>)[], at: number) {
    const senders = [...others];
    const position = at % (senders.length + 1);
    senders.splice(position, 0, odd);
    const responses = await Promise.all(senders.map((send) => send()));
    return { odd: responses[position], rest: responses.filter((_, i) => i !== position) };
  }

  it('50 concurrent approvals of one request: exactly one wins and the recipient is paid once', async () => {
    const { escrowId, trancheId, requestId } = await pendingRelease(t, cast, '123.45');
    const paidBefore = await recipientBalance();
    // 25 distinct admins once each, and the checker 25 more times; none is the requester.
    const approvers = [...checkers, ...Array.from({ length: 25 }, () => cast.checker)];
    const results = outcomes(await Promise.all(approvers.map((admin) => approve(requestId, admin))));

    expect({ wins: count(results, '200'), refused: count(results, '409 INVALID_STATE') }).toEqual({ wins: 1, refused: 49 });
    expect((await recipientBalance()).minus(paidBefore).toFixed()).toBe('123.45');
    const request = (await t.http().get(`/v1/release-requests/${requestId}`).set(cast.auditor.auth).expect(200)).body;
    expect(request.status).toBe('approved');
    expect((await t.http().get(`/v1/tranches/${trancheId}`).set(cast.auditor.auth).expect(200)).body.status).toBe('released');
    const released = (await journalOf(escrowId)).filter((i) => i.kind === 'release_approved');
    expect(released).toHaveLength(1);
    expect(released[0]).toMatchObject({ id: request.journalTransactionId, actorPrincipalId: request.approvedBy });
    await expectLedgerConsistent(t, cast.auditor, [escrowId]);
  });

  it('concurrent allocations never exceed what each donor deposited', async () => {
    const escrowId = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, escrowId, '1000.00');
    await deposit(t, cast.donorB, escrowId, '500.00');
    // Donor A: 30 × 75.00 against 1000.00, so exactly 13 fit. Donor B: uneven amounts against 500.00.
    const uneven = ['120.00', '35.50', '250.00', '9.99', '180.25', '60.00', '75.75', '300.00', '15.01', '44.44', '99.99', '0.01', '210.00', '130.30', '5.00'];
    const requests = [
      ...Array.from({ length: 30 }, () => ({ donor: cast.donorA, amount: '75.00' })),
      ...uneven.map((amount) => ({ donor: cast.donorB, amount })),
    ].sort(() => Math.random() - 0.5);
    const responses = await Promise.all(
      requests.map(({ donor, amount }) => t.http()
        .post(`/v1/escrow-accounts/${escrowId}/tranches`)
        .set(donor.auth)
        .send({ category: 'shelters', phase: 1, amount, recipientOrganizationId: cast.recipientId })),
    );
    const results = outcomes(responses);
    expect(results.filter((r) => r !== '201' && r !== '409 INSUFFICIENT_FUNDS')).toEqual([]);
    const tagged = requests.map((r, i) => ({ ...r, result: results[i] }));

    const balances = await ledgerBalances(t, cast.auditor);
    const view = (await t.http().get(`/v1/escrow-accounts/${escrowId}`).set(cast.auditor.auth).expect(200)).body;
    for (const [donor, deposited] of [[cast.donorA, '1000.00'], [cast.donorB, '500.00']] as const) {
      const mine = tagged.filter((r) => r.donor === donor);
      const won = mine.filter((r) => r.result === '201').reduce((sum, r) => sum.plus(r.amount), new Decimal(0));
      const left = new Decimal(deposited).minus(won);
      expect(left.isNegative()).toBe(false);
      expect(balances.get(`escrow:${escrowId}:unallocated:${donor.organizationId}`)!.toFixed()).toBe(left.toFixed());
      expect(view.donors.find((d: { organizationId: string }) => d.organizationId === donor.organizationId)).toMatchObject({
        allocated: won.toFixed(2),
        unallocated: left.toFixed(2),
      });
      // Each refusal asked for more than was left when it ran, so more than is left now.
      for (const refused of mine.filter((r) => r.result !== '201')) expect(new Decimal(refused.amount).greaterThan(left)).toBe(true);
    }
    expect(tagged.filter((r) => r.donor === cast.donorA && r.result === '201')).toHaveLength(13);
    await expectLedgerConsistent(t, cast.auditor, [escrowId]);
  });

  it('racing release requests, suspensions and deposits: one request, one suspension, every deposit', async () => {
    const { escrowId, trancheId, requestId } = await pendingRelease(t, cast, '10.00');
    await t.http().post(`/v1/release-requests/${requestId}/reject`).set(cast.admin.auth).send({ reason: 'redo' }).expect(200);
    const requests = await Promise.all(checkers.slice(0, 8).map((admin) => t.http().post(`/v1/tranches/${trancheId}/release-requests`).set(admin.auth).send({})));
    expect(outcomes(requests).sort()).toEqual(['201', ...Array(7).fill('409 INVALID_STATE')]);

    const suspenders = [cast.admin, cast.checker, ...cast.monitors];
    const suspensions = await Promise.all(suspenders.map((p) => t.http().post(`/v1/escrow-accounts/${escrowId}/suspend`).set(p.auth).send({ reason: 'diversion' })));
    expect(outcomes(suspensions).sort()).toEqual(['200', ...Array(4).fill('409 INVALID_STATE')]);

    const deposits = await Promise.all(Array.from({ length: 20 }, (_, i) => t.http()
      .post(`/v1/escrow-accounts/${escrowId}/deposits`)
      .set((i % 2 ? cast.donorA : cast.donorB).auth)
      .send({ amount: '0.05' })));
    expect(outcomes(deposits)).toEqual(Array(20).fill('201'));
    const view = (await t.http().get(`/v1/escrow-accounts/${escrowId}`).set(cast.auditor.auth).expect(200)).body;
    expect(view.balances).toMatchObject({ deposited: '11.00', allocated: '10.00', unallocated: '1.00' });
    const journal = await journalOf(escrowId);
    expect({ requested: seqOf(journal, 'release_requested').length, suspended: seqOf(journal, 'escrow_suspended').length }).toEqual({ requested: 2, suspended: 1 });
    await expectLedgerConsistent(t, cast.auditor, [escrowId]);
  });

  it('a suspension racing approvals: the release is journaled before the suspension, or refused', async () => {
    const seen = { released: 0, refused: 0 };
    const escrowIds: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { escrowId, trancheId, requestId } = await pendingRelease(t, cast, '10.00');
      escrowIds.push(escrowId);
      const paidBefore = await recipientBalance();
      const suspend = () => t.http().post(`/v1/escrow-accounts/${escrowId}/suspend`).set(cast.monitors[round % 3].auth).send({ reason: `round ${round}` });
      // The suspension goes in at a different position each round.
      const { odd: suspension, rest } = await raceWithOneOdd(suspend, checkers.slice(0, 5).map((admin) => () => approve(requestId, admin)), round);
      const approvals = outcomes(rest);

      expect(suspension.status).toBe(200);
      const journal = await journalOf(escrowId);
      const [suspendedSeq] = seqOf(journal, 'escrow_suspended');
      const releasedSeqs = seqOf(journal, 'release_approved');
      const tranche = (await t.http().get(`/v1/tranches/${trancheId}`).set(cast.auditor.auth).expect(200)).body;
      const paid = (await recipientBalance()).minus(paidBefore).toFixed();
      if (approvals.includes('200')) {
        seen.released++;
        expect({ approvals: approvals.sort(), paid, status: tranche.status }).toEqual({
          approvals: ['200', '409 INVALID_STATE', '409 INVALID_STATE', '409 INVALID_STATE', '409 INVALID_STATE'],
          paid: '10',
          status: 'released',
        });
        expect(releasedSeqs).toHaveLength(1);
        expect(releasedSeqs[0]).toBeLessThan(suspendedSeq);
      } else {
        seen.refused++;
        expect({ approvals, paid, status: tranche.status, releasedSeqs }).toEqual({
          approvals: Array(5).fill('409 ACCOUNT_SUSPENDED'),
          paid: '0',
          status: 'release_pending',
          releasedSeqs: [],
        });
      }
    }
    expect(seen.released + seen.refused).toBe(ROUNDS);
    await expectLedgerConsistent(t, cast.auditor, escrowIds);
  });

  it('a sign-off reject racing approvals: the approval commits first, or is refused with BENCHMARKS_NOT_MET', async () => {
    const escrowIds: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { escrowId, trancheId, requestId } = await pendingRelease(t, cast, '10.00');
      escrowIds.push(escrowId);
      const [benchmark] = (await t.http().get(`/v1/tranches/${trancheId}`).set(cast.auditor.auth).expect(200)).body.benchmarks;
      const reject = () => t.http().post(`/v1/benchmarks/${benchmark.id}/signoffs`).set(cast.monitors[2].auth).send({ decision: 'reject', comment: `round ${round}` });
      const { odd: signoff, rest } = await raceWithOneOdd(reject, checkers.slice(0, 3).map((admin) => () => approve(requestId, admin)), round);
      const approvals = outcomes(rest).sort();

      const journal = await journalOf(escrowId);
      const releasedSeqs = seqOf(journal, 'release_approved');
      const rejects = journal.filter((i) => i.kind === 'benchmark_signoff' && i.body.details.decision === 'reject');
      const status = (await t.http().get(`/v1/tranches/${trancheId}`).set(cast.auditor.auth).expect(200)).body.status;
      if (approvals.includes('200')) {
        // Released: the reject came too late and was refused; the journal holds no reject at all.
        expect({ approvals, signoff: outcomes([signoff])[0], status, rejects: rejects.length, released: releasedSeqs.length }).toEqual({
          approvals: ['200', '409 INVALID_STATE', '409 INVALID_STATE'],
          signoff: '409 INVALID_STATE',
          status: 'released',
          rejects: 0,
          released: 1,
        });
      } else {
        expect({ approvals, signoff: outcomes([signoff])[0], status, rejects: rejects.length, released: releasedSeqs.length }).toEqual({
          approvals: Array(3).fill('409 BENCHMARKS_NOT_MET'),
          signoff: '201',
          status: 'release_pending',
          rejects: 1,
          released: 0,
        });
      }
    }
    await expectLedgerConsistent(t, cast.auditor, escrowIds);
  });

  it('a cancellation racing a release request: the tranche ends cancelled or release_pending, never both', async () => {
    const escrowId = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, escrowId, '100.00');
    for (let round = 0; round < ROUNDS; round++) {
      const trancheId = await allocate(t, cast.donorA, escrowId, { amount: '10.00', recipientOrganizationId: cast.recipientId });
      await satisfyBenchmarks(t, cast, trancheId);
      const cancel = () => t.http().post(`/v1/tranches/${trancheId}/cancel`).set(cast.donorA.auth).send({ reason: 'moved' });
      const request = () => t.http().post(`/v1/tranches/${trancheId}/release-requests`).set(cast.admin.auth).send({});
      const [cancelled, requested] = round % 2 ? await Promise.all([cancel(), request()]) : (await Promise.all([request(), cancel()])).reverse();
      const status = (await t.http().get(`/v1/tranches/${trancheId}`).set(cast.auditor.auth).expect(200)).body.status;
      expect([outcomes([cancelled, requested]), status]).toEqual(
        status === 'cancelled' ? [['200', '409 INVALID_STATE'], 'cancelled'] : [['409 INVALID_STATE', '201'], 'release_pending'],
      );
    }
    await expectLedgerConsistent(t, cast.auditor, [escrowId]);
  });

  it('closing racing deposits: every deposit that got in is refunded, the rest are refused', async () => {
    const escrowIds: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const escrowId = await createEscrowAccount(t, cast.admin);
      escrowIds.push(escrowId);
      await deposit(t, cast.donorB, escrowId, '50.00');
      const deposits = Array.from({ length: 8 }, (_, i) => () =>
        t.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set((i % 2 ? cast.donorA : cast.donorB).auth).send({ amount: '1.25' }));
      const close = () => t.http().post(`/v1/escrow-accounts/${escrowId}/close`).set(cast.admin.auth).send({ reason: 'ended' });
      const { odd: closed, rest } = await raceWithOneOdd(close, deposits, round * 2);
      const results = outcomes(rest);

      expect(closed.status).toBe(200);
      expect(results.filter((r) => r !== '201' && r !== '409 ACCOUNT_CLOSED')).toEqual([]);
      const accepted = new Decimal('1.25').times(count(results, '201')).plus('50');
      const view = (await t.http().get(`/v1/escrow-accounts/${escrowId}`).set(cast.auditor.auth).expect(200)).body;
      expect(view.balances).toEqual({
        deposited: accepted.toFixed(2),
        allocated: '0.00',
        released: '0.00',
        refunded: accepted.toFixed(2),
        repaid: '0.00',
        unallocated: '0.00',
      });
    }
    await expectLedgerConsistent(t, cast.auditor, escrowIds);
  });
});
