import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from '../../src/common/money/money';
import { approve, askRelease, colleagueOf, createAccountIn, finding, lift, openCase, release } from '../support/oversight';
import { startTestApp, TestApp } from '../support/test-app';
import { Cast, createCast, deposit, expectLedgerConsistent, ledgerBalances, readJournal, readyTranche, requestRelease } from '../support/workflow';

/**
 * API.md, "Oversight", end to end: a whistleblower's report becomes a case; monitors of two
 * distinct organizations verify it; the money stops in its scope, in the same transaction, and
 * nowhere else; what was paid is claimed and partly repaid, double-entry; the case is lifted;
 * sign-offs given before the verification no longer count, so fresh ones release the money.
 */
describe('the oversight loop', () => {
  let t: TestApp;
  let cast: Cast;
  const SECRET = 'Depot manager resells cement from tranche seven';
  const DETAIL = 'Trucks leave on Tuesdays at night, plates ending 41';

  beforeAll(async () => {
    t = await startTestApp({ DATA_DIR: mkdtempSync(join(tmpdir(), 'oversight-loop-')) });
    cast = await createCast(t);
  });
  afterAll(() => t.close());

  const get = (path: string) => t.http().get(path).set(cast.auditor.auth).expect(200).then((r) => r.body);

  it('report → case → two-organization verification → money stops in scope only → recovery → lift → fresh sign-offs → release', async () => {
    const [monitorA, monitorB, monitorC] = cast.monitors;
    const inScope = await createAccountIn(t, cast.admin, 'UA');
    const elsewhere = await createAccountIn(t, cast.admin, 'UA');
    await deposit(t, cast.donorA, inScope, '1000.00');
    await deposit(t, cast.donorA, elsewhere, '500.00');
    const paid = await readyTranche(t, cast, inScope, '300.00', 1);
    await release(t, cast, paid);
    const pending = await readyTranche(t, cast, inScope, '200.00', 2);
    const pendingRequest = await requestRelease(t, cast, pending);
    const waiting = await readyTranche(t, cast, inScope, '100.00', 2);
    const other = await readyTranche(t, cast, elsewhere, '50.00', 1);

    // The report: no key, a receipt, the text encrypted; the journal gets only its id and hash.
    const report = (await t.http().post('/v1/reports').send({ summary: SECRET, details: DETAIL, escrowAccountId: inScope }).expect(201)).body;
    expect(Object.keys(report).sort()).toEqual(['id', 'receipt']);
    const received = (await readJournal(t, cast.auditor)).find((i) => i.kind === 'report_received')!;
    expect(received.actorPrincipalId).toBeNull();
    expect(received.body.refs).toEqual({ reportId: report.id });
    expect(Object.keys(received.body.details)).toEqual(['contentHash']);
    expect(JSON.stringify(received)).not.toContain('cement');
    const read = (await t.http().get(`/v1/reports/${report.id}`).set(monitorA.auth).expect(200)).body;
    expect(read).toMatchObject({ summary: SECRET, details: DETAIL, escrowAccountId: inScope, status: 'received', contentHash: received.body.details.contentHash });

    const opened = await openCase(t, monitorA, { scope: 'escrow_account', escrowAccountId: inScope, reportIds: [report.id] });
    expect(opened).toMatchObject({ scope: 'escrow_account', escrowAccountId: inScope, status: 'alleged', requiredVerifications: 2, findings: [], reportIds: [report.id] });
    const mine = (await t.http().get('/v1/reports/mine').set('x-report-receipt', report.receipt).expect(200)).body;
    expect(mine).toEqual({ id: report.id, status: 'case_opened', messages: [] });

    // Two monitors of one organization are one party: no quorum.
    const colleague = await colleagueOf(t, monitorA);
    expect((await finding(t, monitorA, opened.id, 'verify').expect(201)).body).toMatchObject({ status: 'alleged', verifications: 1 });
    expect((await finding(t, colleague, opened.id, 'verify').expect(201)).body).toMatchObject({ status: 'alleged', verifications: 1 });
    expect(await askRelease(t, cast, waiting).then((r) => r.status)).toBe(201);
    const stillMoving = (await t.http().get(`/v1/tranches/${waiting}`).set(cast.auditor.auth)).body;
    expect(stillMoving.status).toBe('release_pending');

    // A second organization: verified, and in the same transaction the money in scope stops.
    const verified = (await finding(t, monitorB, opened.id, 'verify').expect(201)).body;
    expect(verified).toMatchObject({ status: 'verified', verifications: 2 });
    expect((await get(`/v1/release-requests/${pendingRequest}`)).status).toBe('rejected');
    expect((await get(`/v1/tranches/${pending}`)).status).toBe('allocated');
    expect((await get(`/v1/tranches/${waiting}`)).status).toBe('allocated');
    expect((await get(`/v1/escrow-accounts/${inScope}`)).status).toBe('suspended');
    // The request was rejected, and the hold answers first.
    expect((await approve(t, cast.checker, pendingRequest)).body.code).toBe('VIOLATION_VERIFIED');
    const refused = await askRelease(t, cast, pending);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'VIOLATION_VERIFIED' });
    const resume = await t.http().post(`/v1/escrow-accounts/${inScope}/resume`).set(cast.admin.auth).send({ reason: 'we disagree' });
    expect({ status: resume.status, code: resume.body.code }).toEqual({ status: 409, code: 'VIOLATION_VERIFIED' });
    const snapped = await get(`/v1/tranches/${waiting}`);
    expect(snapped.benchmarks.map((b: { status: string }) => b.status)).toEqual(['pending', 'pending']);
    expect(snapped.benchmarks[0].signoffs.every((s: { counts: boolean; voidedBySnapBack: boolean }) => !s.counts && s.voidedBySnapBack)).toBe(true);
    const effects: { kind: string; xid: string }[] = await t.dataSource.query(
      `SELECT kind, xid::text AS xid FROM journal_transactions
        WHERE (kind = 'case_finding' AND body::jsonb->'details'->>'statusAfter' = 'verified' AND body::jsonb->'refs'->>'caseId' = $1)
           OR body::jsonb->'refs'->>'caseId' = $1 AND kind IN ('release_hold_placed', 'escrow_suspended', 'release_rejected')`,
      [opened.id],
    );
    // Two rejections: the request made before the case and the one made while it was only alleged.
    expect(effects.map((e) => e.kind).sort()).toEqual(['case_finding', 'escrow_suspended', 'release_hold_placed', 'release_rejected', 'release_rejected']);
    expect(new Set(effects.map((e) => e.xid)).size).toBe(1);

    // Nowhere else: another account of the same country and donor releases as before.
    await release(t, cast, other);
    expect((await get(`/v1/tranches/${other}`)).status).toBe('released');

    // Recovery: a claim on what the released tranche paid, then repayments up to the claim.
    const recover = (body: object) => t.http().post(`/v1/violation-cases/${opened.id}/recoveries`).set(cast.admin.auth).send(body);
    const repay = (body: object) => t.http().post(`/v1/violation-cases/${opened.id}/repayments`).set(cast.admin.auth).send(body);
    expect((await recover({ trancheId: paid, amount: '300.01' })).body.code).toBe('CLAIM_EXCEEDS_RELEASED');
    expect((await recover({ trancheId: pending, amount: '1.00' })).body.code).toBe('INVALID_STATE');
    expect((await recover({ trancheId: other, amount: '1.00' })).status).toBe(400);
    expect((await recover({ trancheId: paid, amount: '120.00' })).status).toBe(201);
    expect((await recover({ trancheId: paid, amount: '180.01' })).body.code).toBe('CLAIM_EXCEEDS_RELEASED');
    expect((await repay({ trancheId: paid, amount: '120.01' })).body.code).toBe('REPAYMENT_EXCEEDS_CLAIM');
    const before = await ledgerBalances(t, cast.auditor);
    const repaid = (await repay({ trancheId: paid, amount: '100.00', reference: 'wire 77' }).expect(201)).body;
    expect(repaid).toMatchObject({ amount: '100.00', claimed: '120.00', repaid: '100.00', outstanding: '20.00', journalTransactionId: expect.any(String) });
    const after = await ledgerBalances(t, cast.auditor);
    const delta = (code: string) => (after.get(code) ?? new Decimal(0)).minus(before.get(code) ?? new Decimal(0)).toFixed(2);
    expect(delta(`recipient:${cast.recipientId}:USD`)).toBe('-100.00');
    expect(delta(`escrow:${inScope}:unallocated:${cast.donorA.organizationId}`)).toBe('100.00');
    const account = await get(`/v1/escrow-accounts/${inScope}`);
    expect(account.balances).toMatchObject({ deposited: '1000.00', released: '300.00', repaid: '100.00', allocated: '300.00', unallocated: '500.00' });
    expect((await get(`/v1/violation-cases/${opened.id}`)).recoveries).toEqual([{ trancheId: paid, currency: 'USD', claimed: '120.00', repaid: '100.00', outstanding: '20.00' }]);
    const repayment = (await readJournal(t, cast.auditor)).find((i) => i.id === repaid.journalTransactionId)!;
    expect(repayment.entries.map((e) => [e.account, e.amount])).toEqual([
      [`recipient:${cast.recipientId}:USD`, '-100.00'],
      [`escrow:${inScope}:unallocated:${cast.donorA.organizationId}`, '100.00'],
    ]);
    await expectLedgerConsistent(t, cast.auditor, [inScope, elsewhere]);

    // Lifting takes the quorum too; then an admin resumes, and the benchmarks need fresh sign-offs.
    expect((await lift(t, monitorA, opened.id).expect(200)).body).toMatchObject({ status: 'verified', lifts: 1 });
    expect((await lift(t, colleague, opened.id).expect(200)).body).toMatchObject({ status: 'verified', lifts: 1 });
    expect((await askRelease(t, cast, waiting)).body.code).toBe('VIOLATION_VERIFIED');
    expect((await lift(t, monitorC, opened.id).expect(200)).body).toMatchObject({ status: 'resolved', lifts: 2 });
    // The hold is gone; the suspension stays until an admin resumes.
    expect((await get(`/v1/escrow-accounts/${inScope}`)).status).toBe('suspended');
    expect((await askRelease(t, cast, waiting)).body.code).toBe('ACCOUNT_SUSPENDED');
    await t.http().post(`/v1/escrow-accounts/${inScope}/resume`).set(cast.admin.auth).send({ reason: 'case resolved' }).expect(200);
    expect((await askRelease(t, cast, waiting)).body.code).toBe('BENCHMARKS_NOT_MET');
    for (const benchmark of snapped.benchmarks as { id: string }[]) {
      for (const monitor of [monitorA, monitorB]) {
        await t.http().post(`/v1/benchmarks/${benchmark.id}/signoffs`).set(monitor.auth).send({ decision: 'approve', evidence: 'fresh visit' }).expect(201);
      }
    }
    await release(t, cast, waiting);
    expect((await get(`/v1/tranches/${waiting}`)).status).toBe('released');
    await expectLedgerConsistent(t, cast.auditor, [inScope, elsewhere]);

    const dashboard = (await t.http().get('/v1/public/dashboard').expect(200)).body;
    expect(dashboard.oversight).toEqual({ reportsReceived: 1, cases: { alleged: 0, verified: 0, dismissed: 0, resolved: 1 } });
    expect(JSON.stringify(dashboard)).not.toContain('cement');
  });
});
