import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Database } from '../../src/database/database';
import { AppConfig } from '../../src/config/app-config';
import { LedgerService } from '../../src/ledger/ledger.service';
import { leafHash } from '../../src/tlog/merkle';
import { startTestApp, TestApp, TestPrincipal } from './test-app';

/** A test app whose checkpoint key lives in a fresh temporary DATA_DIR (never the repo's .data). */
export function startTransparencyApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  return startTestApp({ DATA_DIR: mkdtempSync(join(tmpdir(), 'aid-escrow-keys-')), ...overrides });
}

/** A fresh Ed25519 seed, base64: what CHECKPOINT_PRIVATE_KEY accepts. */
export function randomSeed(): string {
  return randomBytes(32).toString('base64');
}

/** Appends `count` journal transactions through the ledger (no money moves), one per DB transaction. */
export async function postEvents(t: TestApp, count: number): Promise<void> {
  const ledger = t.app.get(LedgerService);
  const database = t.app.get(Database);
  for (let i = 0; i < count; i++) {
    await database.transaction((manager) =>
      ledger.post(manager, { kind: 'escrow_opened', actorPrincipalId: null, details: { note: `test event ${i}` } }),
    );
  }
}

/**
 * Appends `count` journal rows in one statement, bypassing the ledger's posting rules: only
 * for growing the Merkle tree quickly (their bodies are not ledger events).
 */
export async function bulkJournalRows(dataSource: DataSource, count: number): Promise<void> {
  await dataSource.query(
    `INSERT INTO journal_transactions (id, kind, actor_principal_id, escrow_account_id, occurred_at, body, content_hash)
     SELECT gen_random_uuid(), 'escrow_opened', NULL, NULL, now(), b, sha256(convert_to(b, 'UTF8'))
       FROM (SELECT '{"bulk":' || g || ',"salt":"' || gen_random_uuid() || '"}' AS b FROM generate_series(1, $1) g) s`,
    [count],
  );
}

/** The sealed chain's leaf hashes in chainIndex order, read straight from the tables. */
export async function sealedLeaves(dataSource: DataSource): Promise<Buffer[]> {
  const rows: { content_hash: Buffer }[] = await dataSource.query(
    `SELECT t.content_hash FROM journal_chain c JOIN journal_transactions t ON t.seq = c.transaction_seq ORDER BY c.chain_index`,
  );
  return rows.map((r) => leafHash(r.content_hash));
}

export interface Story {
  admin: TestPrincipal;
  auditor: TestPrincipal;
  accounts: { northern: string; eastern: string; pilot: string };
  tranches: Record<'water' | 'pumps' | 'pipes' | 'clinic' | 'shelter' | 'roads' | 'eastShelter' | 'pilotJobs', string>;
}

/**
 * Three escrow accounts built through the public HTTP API, covering every state the dashboard
 * and the IATI file show: deposits from two donors, tranches released, pending release,
 * allocated with met / blocked / pending benchmarks, cancelled; a suspended account; a closed
 * account with a refund. Names carry characters that need escaping in HTML and XML. Needs a
 * fresh database.
 */
export async function seedStory(t: TestApp): Promise<Story> {
  const admin = await t.principal('admin', 'Escrow Office');
  const checker = await t.principal('admin', 'Escrow Office');
  const donorA = await t.principal('donor', 'Reconstruction Fund');
  const donorB = await t.principal('donor', 'Relief & Recovery <Trust>');
  const monitors = [await t.principal('monitor'), await t.principal('monitor'), await t.principal('monitor')];
  const auditor = await t.principal('auditor');
  const http = () => t.http();
  const post = async (who: TestPrincipal, url: string, body: object, status = 201) =>
    (await http().post(url).set(who.auth).send(body).expect(status)).body;
  const org = async (name: string) => (await post(admin, '/v1/organizations', { name, type: 'recipient' })).id as string;
  const water = await org('Northern Water Utility');
  const clinic = await org('Al-Noor "Clinic" Builders');
  const shelter = await org('Shelter Works & Co');

  const account = async (name: string, currency: string, country?: string) =>
    (await post(admin, '/v1/escrow-accounts', { name, currency, ...(country ? { country } : {}), description: `${name}: test programme` })).id as string;
  const deposit = (donor: TestPrincipal, id: string, amount: string) => post(donor, `/v1/escrow-accounts/${id}/deposits`, { amount });
  const tranche = async (donor: TestPrincipal, id: string, category: string, phase: number, amount: string, recipient: string) =>
    (await post(donor, `/v1/escrow-accounts/${id}/tranches`, { category, phase, amount, recipientOrganizationId: recipient })).id as string;
  const benchmark = async (trancheId: string, kind: string, approvals: TestPrincipal[], reject?: TestPrincipal) => {
    const { id } = await post(admin, `/v1/tranches/${trancheId}/benchmarks`, { kind, description: `${kind.replace('_', ' ')} verified on site` });
    for (const m of approvals) await post(m, `/v1/benchmarks/${id}/signoffs`, { decision: 'approve', evidence: 'site visit' });
    if (reject) await post(reject, `/v1/benchmarks/${id}/signoffs`, { decision: 'reject', comment: 'invoices missing' });
  };
  const ready = async (trancheId: string) => {
    await benchmark(trancheId, 'humanitarian_access', monitors.slice(0, 2));
    await benchmark(trancheId, 'anti_corruption', monitors.slice(0, 2));
  };
  const requestRelease = async (trancheId: string) => (await post(admin, `/v1/tranches/${trancheId}/release-requests`, {})).id as string;
  const release = async (trancheId: string) => post(checker, `/v1/release-requests/${await requestRelease(trancheId)}/approve`, {}, 200);

  const northern = await account('Northern reconstruction', 'USD', 'UA');
  await deposit(donorA, northern, '1250000.50');
  await deposit(donorB, northern, '300000.00');
  const waterId = await tranche(donorA, northern, 'utilities', 1, '400000.00', water);
  await ready(waterId);
  await release(waterId);
  const pumps = await tranche(donorB, northern, 'utilities', 1, '20000.00', water);
  await ready(pumps);
  await requestRelease(pumps);
  const pipes = await tranche(donorA, northern, 'utilities', 2, '60000.00', water);
  const clinicId = await tranche(donorA, northern, 'clinics', 2, '250000.25', clinic);
  await benchmark(clinicId, 'humanitarian_access', monitors.slice(0, 2));
  await benchmark(clinicId, 'anti_corruption', monitors.slice(0, 1), monitors[2]);
  const shelterId = await tranche(donorB, northern, 'shelters', 2, '100000.00', shelter);
  await post(donorB, `/v1/tranches/${shelterId}/cancel`, { reason: 'site no longer accessible' }, 200);
  const roads = await tranche(donorA, northern, 'infrastructure', 3, '50000.00', shelter);
  await benchmark(roads, 'anti_corruption', monitors.slice(0, 1));

  const eastern = await account('Eastern shelters fund', 'EUR');
  await deposit(donorA, eastern, '80000.00');
  const eastShelter = await tranche(donorA, eastern, 'shelters', 1, '30000.00', shelter);
  await post(monitors[0], `/v1/escrow-accounts/${eastern}/suspend`, { reason: 'diversion of materials reported' }, 200);

  const pilot = await account('Closed pilot', 'JPY');
  await deposit(donorB, pilot, '500000');
  const pilotJobs = await tranche(donorB, pilot, 'livelihoods', 1, '200000', water);
  await ready(pilotJobs);
  await release(pilotJobs);
  await post(admin, `/v1/escrow-accounts/${pilot}/close`, { reason: 'pilot finished' }, 200);

  return {
    admin,
    auditor,
    accounts: { northern, eastern, pilot },
    tranches: { water: waterId, pumps, pipes, clinic: clinicId, shelter: shelterId, roads, eastShelter, pilotJobs },
  };
}
