import { BenchConfig } from './config';
import { withClient } from './database';
import { call, parallel } from './http';
import { BenchPrincipal, createOrganization, createPrincipal } from './principals';

/** Who acts in the bench: two admins (maker and checker), donors, monitors, recipients. */
export interface Cast {
  admin: BenchPrincipal;
  checker: BenchPrincipal;
  auditor: BenchPrincipal;
  donors: BenchPrincipal[];
  monitors: BenchPrincipal[];
  recipients: string[];
  /** Escrow accounts; donor i deposits into escrows[i % escrows.length]. */
  escrows: string[];
}

export async function createCast(url: string, service: string, config: BenchConfig): Promise<Cast> {
  const cast = await withClient(url, async (client) => {
    const admin = await createPrincipal(client, 'admin', 'Escrow Office', 'admin');
    const checker = await createPrincipal(client, 'admin', 'Escrow Office', 'admin');
    const auditor = await createPrincipal(client, 'auditor', 'Audit Office', 'auditor');
    const donors: BenchPrincipal[] = [];
    for (let i = 0; i < config.pairs; i++) donors.push(await createPrincipal(client, 'donor', `Donor fund ${i}`, 'donor'));
    const monitors: BenchPrincipal[] = [];
    for (let i = 0; i < 2; i++) monitors.push(await createPrincipal(client, 'monitor', `Monitoring office ${i}`, 'monitor'));
    const recipients: string[] = [];
    for (let i = 0; i < 16; i++) recipients.push(await createOrganization(client, `Recipient utility ${i}`, 'recipient'));
    return { admin, checker, auditor, donors, monitors, recipients, escrows: [] as string[] };
  });
  for (let i = 0; i < 8; i++) {
    const account = await call<{ id: string }>(service, 'POST', '/v1/escrow-accounts', cast.admin.auth, { name: `Reconstruction programme ${i}`, currency: 'USD', country: 'UA' });
    cast.escrows.push(account.id);
  }
  return cast;
}

export const escrowOf = (cast: Cast, donor: number) => cast.escrows[donor % cast.escrows.length];

/**
 * Tranches ready for release: allocated, with one benchmark of each kind approved by a monitor
 * (quorum 1), spread over the donors, escrow accounts and recipients. All through the API.
 */
export async function readyTranches(service: string, cast: Cast, count: number, concurrency = 8): Promise<string[]> {
  const ids: string[] = [];
  await parallel(count, concurrency, async (i) => {
    const d = i % cast.donors.length;
    const tranche = await call<{ id: string }>(service, 'POST', `/v1/escrow-accounts/${escrowOf(cast, d)}/tranches`, cast.donors[d].auth, {
      category: 'utilities', phase: 1, amount: '1000.00', recipientOrganizationId: cast.recipients[i % cast.recipients.length],
    });
    for (const [k, kind] of ['humanitarian_access', 'anti_corruption'].entries()) {
      const benchmark = await call<{ id: string }>(service, 'POST', `/v1/tranches/${tranche.id}/benchmarks`, cast.admin.auth, { kind, description: `${kind} verified`, requiredApprovals: 1 });
      await call(service, 'POST', `/v1/benchmarks/${benchmark.id}/signoffs`, cast.monitors[k].auth, { decision: 'approve', evidence: 'site visit report' });
    }
    ids.push(tranche.id);
  });
  return ids;
}

/** Plain allocations (no benchmarks) to bring the tranche count up for the read measurements. */
export async function allocateTranches(service: string, cast: Cast, count: number, concurrency = 8): Promise<void> {
  await parallel(count, concurrency, async (i) => {
    const d = (i * cast.escrows.length) % cast.donors.length; // donors of escrows[0]
    await call(service, 'POST', `/v1/escrow-accounts/${cast.escrows[0]}/tranches`, cast.donors[d].auth, {
      category: (['utilities', 'shelters', 'clinics', 'infrastructure', 'livelihoods'] as const)[i % 5],
      phase: 1 + (i % 3), amount: '250.00', recipientOrganizationId: cast.recipients[i % cast.recipients.length],
    });
  });
}

/** One large deposit per donor, so allocations never run out of funds. */
export async function fundDonors(service: string, cast: Cast): Promise<void> {
  await parallel(cast.donors.length, 8, async (d) => {
    await call(service, 'POST', `/v1/escrow-accounts/${escrowOf(cast, d)}/deposits`, cast.donors[d].auth, { amount: '1000000000.00', reference: 'programme funding' });
  });
}
