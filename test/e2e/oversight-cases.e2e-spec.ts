import { askRelease, createAccountIn, finding, lift, newRecipient, openCase, release, verifiedCase } from '../support/oversight';
import { startTestApp, TestApp } from '../support/test-app';
import { allocate, Cast, createCast, databaseState, deposit, readyTranche, requestRelease, satisfyBenchmarks } from '../support/workflow';

/** Scopes, quorums and the rules around them (API.md, "Oversight": violation cases). */
describe('violation cases', () => {
  let t: TestApp;
  let cast: Cast;

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
  });
  afterAll(() => t.close());

  const status = async (path: string) => (await t.http().get(path).set(cast.auditor.auth).expect(200)).body.status;
  const refusal = async (trancheId: string) => (await askRelease(t, cast, trancheId)).body.code ?? 'accepted';
  async function funded(country?: string): Promise<string> {
    const id = await createAccountIn(t, cast.admin, country);
    await deposit(t, cast.donorA, id, '1000.00');
    return id;
  }
  async function readyFor(escrowId: string, recipientOrganizationId: string): Promise<string> {
    const trancheId = await allocate(t, cast.donorA, escrowId, { amount: '10.00', recipientOrganizationId });
    await satisfyBenchmarks(t, cast, trancheId);
    return trancheId;
  }

  it('a recipient scope stops that recipient in every account, and nobody else; no account is suspended', async () => {
    const [x, y] = [await funded(), await funded()];
    const suspect = await newRecipient(t, cast.admin);
    const [inX, inY, bystander] = [await readyFor(x, suspect), await readyFor(y, suspect), await readyFor(x, cast.recipientId)];
    await verifiedCase(t, cast, { scope: 'recipient', recipientOrganizationId: suspect });
    expect([await refusal(inX), await refusal(inY)]).toEqual(['VIOLATION_VERIFIED', 'VIOLATION_VERIFIED']);
    await release(t, cast, bystander);
    expect([await status(`/v1/escrow-accounts/${x}`), await status(`/v1/escrow-accounts/${y}`)]).toEqual(['active', 'active']);
    // A tranche allocated to the recipient after the verification is held too.
    expect(await refusal(await readyFor(y, suspect))).toBe('VIOLATION_VERIFIED');
  });

  it('a tranche scope stops that tranche only', async () => {
    const x = await funded();
    const [held, sibling] = [await readyTranche(t, cast, x, '10.00'), await readyTranche(t, cast, x, '10.00')];
    await verifiedCase(t, cast, { scope: 'tranche', trancheId: held });
    expect(await refusal(held)).toBe('VIOLATION_VERIFIED');
    await release(t, cast, sibling);
    expect(await status(`/v1/escrow-accounts/${x}`)).toBe('active');
  });

  it('a country scope suspends every account of that country and no other', async () => {
    const [ua1, ua2, pl] = [await funded('GE'), await funded('GE'), await funded('AM')];
    const [t1, t2, t3] = [await readyTranche(t, cast, ua1, '10.00'), await readyTranche(t, cast, ua2, '10.00'), await readyTranche(t, cast, pl, '10.00')];
    const caseId = await verifiedCase(t, cast, { scope: 'country', country: 'GE' });
    expect([await status(`/v1/escrow-accounts/${ua1}`), await status(`/v1/escrow-accounts/${ua2}`), await status(`/v1/escrow-accounts/${pl}`)]).toEqual(['suspended', 'suspended', 'active']);
    expect([await refusal(t1), await refusal(t2)]).toEqual(['VIOLATION_VERIFIED', 'VIOLATION_VERIFIED']);
    await release(t, cast, t3);
    const resume = await t.http().post(`/v1/escrow-accounts/${ua2}/resume`).set(cast.admin.auth).send({ reason: 'not us' });
    expect(resume.body.code).toBe('VIOLATION_VERIFIED');
    await lift(t, cast.monitors[0], caseId).expect(200);
    await lift(t, cast.monitors[2], caseId).expect(200);
    await t.http().post(`/v1/escrow-accounts/${ua2}/resume`).set(cast.admin.auth).send({ reason: 'case resolved' }).expect(200);
  });

  it('a quorum of dismissals closes a case without touching money; the latest finding of each monitor counts', async () => {
    const x = await funded();
    const tranche = await readyTranche(t, cast, x, '10.00');
    const opened = await openCase(t, cast.monitors[0], { scope: 'escrow_account', escrowAccountId: x });
    await finding(t, cast.monitors[0], opened.id, 'verify').expect(201);
    // Monitor 0 changes its mind: its verify no longer counts.
    expect((await finding(t, cast.monitors[0], opened.id, 'dismiss').expect(201)).body).toMatchObject({ verifications: 0, dismissals: 1, status: 'alleged' });
    expect((await finding(t, cast.monitors[1], opened.id, 'verify').expect(201)).body).toMatchObject({ verifications: 1, dismissals: 1, status: 'alleged' });
    const dismissed = (await finding(t, cast.monitors[2], opened.id, 'dismiss').expect(201)).body;
    expect(dismissed).toMatchObject({ status: 'dismissed', dismissals: 2, decidedAt: expect.any(String) });
    expect(dismissed.findings.map((f: { decision: string; counts: boolean }) => `${f.decision}:${f.counts}`)).toEqual(['verify:false', 'dismiss:true', 'verify:true', 'dismiss:true']);
    expect((await finding(t, cast.monitors[1], opened.id, 'verify')).body.code).toBe('INVALID_STATE');
    expect((await lift(t, cast.monitors[1], opened.id)).body.code).toBe('INVALID_STATE');
    expect(await refusal(tranche)).toBe('accepted');
  });

  it('a verified case takes lifts, not more verdicts; an alleged one cannot be lifted', async () => {
    const x = await funded();
    const opened = await openCase(t, cast.monitors[0], { scope: 'escrow_account', escrowAccountId: x });
    expect((await lift(t, cast.monitors[0], opened.id)).body.code).toBe('INVALID_STATE');
    await finding(t, cast.monitors[0], opened.id, 'verify').expect(201);
    await finding(t, cast.monitors[1], opened.id, 'verify').expect(201);
    expect((await finding(t, cast.monitors[2], opened.id, 'dismiss')).body.code).toBe('INVALID_STATE');
  });

  it('a revoked monitor’s finding stops counting', async () => {
    const x = await funded();
    const leaving = await t.principal('monitor');
    const opened = await openCase(t, leaving, { scope: 'escrow_account', escrowAccountId: x });
    await finding(t, leaving, opened.id, 'verify').expect(201);
    await t.http().post(`/v1/principals/${leaving.id}/revoke`).set(cast.admin.auth).send({ reason: 'left the office' }).expect(204);
    const after = (await finding(t, cast.monitors[0], opened.id, 'verify').expect(201)).body;
    expect(after).toMatchObject({ status: 'alleged', verifications: 1 });
    expect(after.findings.map((f: { counts: boolean }) => f.counts)).toEqual([false, true]);
  });

  it('refuses a malformed case naming the field, and writes nothing', async () => {
    const x = await funded();
    const donorOrganization = cast.donorA.organizationId;
    const attempts: [object, number, string?][] = [
      [{ scope: 'escrow_account' }, 400, 'escrowAccountId'],
      [{ scope: 'escrow_account', escrowAccountId: x, country: 'UA' }, 400, 'country'],
      [{ scope: 'country', country: 'ZZ' }, 400, 'country'],
      [{ scope: 'planet', escrowAccountId: x }, 400, 'scope'],
      [{ scope: 'escrow_account', escrowAccountId: '00000000-0000-4000-8000-000000000000' }, 404],
      [{ scope: 'recipient', recipientOrganizationId: donorOrganization }, 404],
      [{ scope: 'escrow_account', escrowAccountId: x, reportIds: ['00000000-0000-4000-8000-000000000000'] }, 400, 'reportIds'],
      [{ scope: 'escrow_account', escrowAccountId: x, evidenceFiles: ['0'.repeat(64)] }, 400, 'evidenceFiles'],
      [{ scope: 'escrow_account', escrowAccountId: x, evidenceFiles: ['NOT-A-HASH'] }, 400, 'evidenceFiles'],
      [{ scope: 'escrow_account', escrowAccountId: x, allegation: '' }, 400, 'allegation'],
    ];
    for (const [body, expected, field] of attempts) {
      const before = await databaseState(t);
      const res = await t.http().post('/v1/violation-cases').set(cast.monitors[0].auth).send({ allegation: 'x', ...body });
      expect({ body, status: res.status }).toEqual({ body, status: expected });
      if (field) expect(res.body.fields ?? [res.body.message]).toEqual(expect.arrayContaining([expect.stringContaining(field)]));
      expect(await databaseState(t)).toEqual(before);
    }
  });

  it('a release request made while the case was only alleged is rejected at the verification', async () => {
    const x = await funded();
    const trancheId = await readyTranche(t, cast, x, '10.00');
    const opened = await openCase(t, cast.monitors[0], { scope: 'tranche', trancheId });
    await finding(t, cast.monitors[0], opened.id, 'verify').expect(201);
    const requestId = await requestRelease(t, cast, trancheId);
    await finding(t, cast.monitors[1], opened.id, 'verify').expect(201);
    expect(await status(`/v1/release-requests/${requestId}`)).toBe('rejected');
  });
});

describe('violation cases with CASE_QUORUM=1', () => {
  let t: TestApp;
  let cast: Cast;
  beforeAll(async () => {
    t = await startTestApp({ CASE_QUORUM: 1 });
    cast = await createCast(t);
  });
  afterAll(() => t.close());

  it('one organization verifies, as configured, and the case says what it required', async () => {
    const x = await createAccountIn(t, cast.admin, undefined);
    const opened = await openCase(t, cast.monitors[0], { scope: 'escrow_account', escrowAccountId: x });
    expect(opened.requiredVerifications).toBe(1);
    expect((await finding(t, cast.monitors[0], opened.id, 'verify').expect(201)).body.status).toBe('verified');
  });
});
