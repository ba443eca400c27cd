import type { Response } from 'supertest';
import { TestApp, TestPrincipal } from './test-app';
import { Cast, satisfyBenchmarks } from './workflow';

export interface TrancheOptions {
  amount?: string;
  phase?: number;
  retentionPercent?: number;
  releaseBy?: string;
  /** Add and meet both release benchmarks (default true). */
  ready?: boolean;
}

/** A tranche of donor A with the release policy's options, benchmarks met unless `ready: false`. */
export async function policyTranche(t: TestApp, cast: Cast, escrowId: string, options: TrancheOptions = {}): Promise<string> {
  const { ready = true, amount = '100.00', phase = 1, ...rest } = options;
  const res = await t.http()
    .post(`/v1/escrow-accounts/${escrowId}/tranches`)
    .set(cast.donorA.auth)
    .send({ category: 'utilities', phase, amount, recipientOrganizationId: cast.recipientId, ...rest })
    .expect(201);
  if (ready) await satisfyBenchmarks(t, cast, res.body.id);
  return res.body.id;
}

/** A final_audit benchmark on the tranche, met by `monitors` (quorum 1 when only one). */
export async function finalAudit(t: TestApp, cast: Cast, trancheId: string, meet = true): Promise<string> {
  const res = await t.http()
    .post(`/v1/tranches/${trancheId}/benchmarks`)
    .set(cast.admin.auth)
    .send({ kind: 'final_audit', description: 'final audit of the works', requiredApprovals: 1 })
    .expect(201);
  if (meet) await t.http().post(`/v1/benchmarks/${res.body.id}/signoffs`).set(cast.monitors[0].auth).send({ decision: 'approve' }).expect(201);
  return res.body.id;
}

export const askInstalment = (t: TestApp, who: TestPrincipal, trancheId: string, amount?: string) =>
  t.http().post(`/v1/tranches/${trancheId}/release-requests`).set(who.auth).send(amount === undefined ? {} : { amount });

export const approveRequest = (t: TestApp, who: TestPrincipal, requestId: string) =>
  t.http().post(`/v1/release-requests/${requestId}/approve`).set(who.auth).send({});

/** Requests `amount` as the cast's admin and approves it as its checker (default one-approval tier). */
export async function releaseInstalment(t: TestApp, cast: Cast, trancheId: string, amount?: string): Promise<Response> {
  const requested = await askInstalment(t, cast.admin, trancheId, amount).expect(201);
  return approveRequest(t, cast.checker, requested.body.id).expect(200);
}

/** Puts `tiers` in force on the account: proposed by one admin, approved by another. */
export async function setApprovalPolicy(
  t: TestApp,
  escrowId: string,
  tiers: { minAmount: string; approvals: number; distinctOrganizations?: boolean }[],
  proposer: TestPrincipal,
  approver: TestPrincipal,
): Promise<string> {
  const proposed = await t.http().post(`/v1/escrow-accounts/${escrowId}/approval-policy`).set(proposer.auth).send({ tiers }).expect(202);
  await t.http().post(`/v1/approval-policy-changes/${proposed.body.id}/approve`).set(approver.auth).send({}).expect(200);
  return proposed.body.id;
}

export async function getTranche(t: TestApp, reader: TestPrincipal, id: string) {
  return (await t.http().get(`/v1/tranches/${id}`).set(reader.auth).expect(200)).body;
}

export async function getRequest(t: TestApp, reader: TestPrincipal, id: string) {
  return (await t.http().get(`/v1/release-requests/${id}`).set(reader.auth).expect(200)).body;
}

/** The outcome of each response as "201", "200" or "409 CODE". */
export const outcomes = (responses: Response[]) =>
  responses.map((r) => (r.status === 200 || r.status === 201 || r.status === 202 ? String(r.status) : `${r.status} ${r.body.code ?? ''}`.trim()));
