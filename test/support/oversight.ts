import { TestApp, TestPrincipal } from './test-app';
import { Cast, requestRelease } from './workflow';

/** Another monitor of the same organization as `monitor`: a colleague, never a second party. */
export async function colleagueOf(t: TestApp, monitor: TestPrincipal): Promise<TestPrincipal> {
  const [{ name }] = await t.dataSource.query('SELECT name FROM organizations WHERE id = $1', [monitor.organizationId]);
  return t.principal(monitor.role, name);
}

export async function openCase(t: TestApp, monitor: TestPrincipal, body: Record<string, unknown>): Promise<{ id: string; [k: string]: unknown }> {
  const res = await t.http().post('/v1/violation-cases').set(monitor.auth).send({ allegation: 'diversion of cement', ...body });
  if (res.status !== 201) throw new Error(`opening a case: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export function finding(t: TestApp, monitor: TestPrincipal, caseId: string, decision: 'verify' | 'dismiss', extra: Record<string, unknown> = {}) {
  return t.http().post(`/v1/violation-cases/${caseId}/findings`).set(monitor.auth).send({ decision, ...extra });
}

export function lift(t: TestApp, monitor: TestPrincipal, caseId: string) {
  return t.http().post(`/v1/violation-cases/${caseId}/lift`).set(monitor.auth).send({ comment: 'remedied' });
}

/** A case opened and verified by monitors of two distinct organizations (the default quorum). */
export async function verifiedCase(t: TestApp, cast: Cast, scope: Record<string, unknown>): Promise<string> {
  const opened = await openCase(t, cast.monitors[0], scope);
  await finding(t, cast.monitors[0], opened.id, 'verify').expect(201);
  const res = await finding(t, cast.monitors[1], opened.id, 'verify').expect(201);
  if (res.body.status !== 'verified') throw new Error(`expected the case verified, got ${JSON.stringify(res.body)}`);
  return opened.id;
}

export function approve(t: TestApp, admin: TestPrincipal, requestId: string) {
  return t.http().post(`/v1/release-requests/${requestId}/approve`).set(admin.auth).send({});
}

export function askRelease(t: TestApp, cast: Cast, trancheId: string) {
  return t.http().post(`/v1/tranches/${trancheId}/release-requests`).set(cast.admin.auth).send({});
}

/** Releases a ready tranche: requested by the cast's admin, approved by its checker. */
export async function release(t: TestApp, cast: Cast, trancheId: string): Promise<void> {
  const requestId = await requestRelease(t, cast, trancheId);
  await approve(t, cast.checker, requestId).expect(200);
}

export async function createAccountIn(t: TestApp, admin: TestPrincipal, country: string | undefined, currency = 'USD'): Promise<string> {
  const res = await t.http()
    .post('/v1/escrow-accounts')
    .set(admin.auth)
    .send({ name: `Programme ${Math.random().toString(36).slice(2, 8)}`, currency, ...(country ? { country } : {}) })
    .expect(201);
  return res.body.id;
}

export async function newRecipient(t: TestApp, admin: TestPrincipal): Promise<string> {
  const res = await t.http().post('/v1/organizations').set(admin.auth).send({ name: `Contractor ${Math.random().toString(36).slice(2, 8)}`, type: 'recipient' }).expect(201);
  return res.body.id;
}
