import { TestApp, TestPrincipal } from './test-app';

/** A cast for the escrow story: admins, donors, monitors of distinct organizations, recipients. */
export interface Cast {
  admin: TestPrincipal;
  checker: TestPrincipal;
  donorA: TestPrincipal;
  donorB: TestPrincipal;
  monitors: TestPrincipal[];
  auditor: TestPrincipal;
  recipientId: string;
}

export async function createCast(t: TestApp): Promise<Cast> {
  const admin = await t.principal('admin', 'Escrow Office');
  const checker = await t.principal('admin', 'Escrow Office');
  const donorA = await t.principal('donor');
  const donorB = await t.principal('donor');
  const monitors = [await t.principal('monitor'), await t.principal('monitor'), await t.principal('monitor')];
  const auditor = await t.principal('auditor');
  const recipient = await t.http()
    .post('/v1/organizations')
    .set(admin.auth)
    .send({ name: `Water Utility ${Math.random().toString(36).slice(2, 8)}`, type: 'recipient' })
    .expect(201);
  return { admin, checker, donorA, donorB, monitors, auditor, recipientId: recipient.body.id };
}

export async function createEscrowAccount(t: TestApp, admin: TestPrincipal, currency = 'USD'): Promise<string> {
  const res = await t.http().post('/v1/escrow-accounts').set(admin.auth).send({ name: 'Northern reconstruction', currency }).expect(201);
  return res.body.id;
}

export async function deposit(t: TestApp, donor: TestPrincipal, escrowId: string, amount: string): Promise<void> {
  await t.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set(donor.auth).send({ amount }).expect(201);
}

export async function allocate(
  t: TestApp,
  donor: TestPrincipal,
  escrowId: string,
  tranche: { category?: string; phase?: number; amount: string; recipientOrganizationId: string },
): Promise<string> {
  const res = await t.http()
    .post(`/v1/escrow-accounts/${escrowId}/tranches`)
    .set(donor.auth)
    .send({ category: 'utilities', phase: 1, ...tranche })
    .expect(201);
  return res.body.id;
}

/** Adds both benchmark kinds and has `approvers` monitors approve each; returns the benchmark ids. */
export async function satisfyBenchmarks(t: TestApp, cast: Cast, trancheId: string, approvers = 2): Promise<string[]> {
  const ids: string[] = [];
  for (const kind of ['humanitarian_access', 'anti_corruption']) {
    const res = await t.http()
      .post(`/v1/tranches/${trancheId}/benchmarks`)
      .set(cast.admin.auth)
      .send({ kind, description: `${kind} confirmed` })
      .expect(201);
    ids.push(res.body.id);
    for (const monitor of cast.monitors.slice(0, approvers)) {
      await t.http().post(`/v1/benchmarks/${res.body.id}/signoffs`).set(monitor.auth).send({ decision: 'approve', evidence: 'site visit' }).expect(201);
    }
  }
  return ids;
}

/** A tranche ready for release: funded, benchmarks met. */
export async function readyTranche(t: TestApp, cast: Cast, escrowId: string, amount = '100.00', phase = 1): Promise<string> {
  const trancheId = await allocate(t, cast.donorA, escrowId, { amount, phase, recipientOrganizationId: cast.recipientId });
  await satisfyBenchmarks(t, cast, trancheId);
  return trancheId;
}
