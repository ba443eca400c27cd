import request from 'supertest';
import { generateKeyPairSync } from 'node:crypto';
import { rawEd25519PublicKey } from '../../src/tlog/c2sp/ed25519';
import { CheckpointService } from '../../src/attestation/checkpoints/checkpoint.service';
import { OpenApiContract } from '../support/openapi-contract';
import { finding, openCase } from '../support/oversight';
import { TestApp } from '../support/test-app';
import { startTransparencyApp } from '../support/transparency';
import { Cast, createCast, createEscrowAccount, deposit, readyTranche, requestRelease } from '../support/workflow';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/**
 * Every operation of the document, once with a success and once with an error, through the
 * checked agent (test/support/openapi-agent.ts): each answer must be what the document says.
 * The last test fails when an operation is added without being exercised here.
 */
describe('every operation of the OpenAPI document answers as documented', () => {
  let t: TestApp;
  let cast: Cast;
  let contract: OpenApiContract;
  const answered = new Map<string, Set<number>>();

  /** The checked agent, noting which operation answered with which status. */
  const tracked = (agent: request.Agent): request.Agent => {
    for (const verb of ['get', 'post'] as const) {
      const send = agent[verb].bind(agent);
      (agent as unknown as Record<string, unknown>)[verb] = (url: string) =>
        send(url).on('response', (res: { status: number }) => {
          const route = contract.route(verb, url);
          if (!route) return;
          const operation = `${verb.toUpperCase()} ${route.template}`;
          answered.set(operation, (answered.get(operation) ?? new Set()).add(res.status));
        });
    }
    return agent;
  };
  const api = () => t.http();

  beforeAll(async () => {
    t = await startTransparencyApp({ CHECKPOINT_INTERVAL_MS: 0, WEBHOOK_ALLOW_PRIVATE: true, WEBHOOK_DISPATCH_INTERVAL_MS: 0 });
    contract = new OpenApiContract((await t.http().get('/docs-json').expect(200)).body);
    // The shared helpers (workflow.ts, oversight.ts) make their requests through t.http() too.
    const checked = t.http;
    t.http = () => tracked(checked());
    cast = await createCast(t);
  });
  afterAll(() => t.close());

  it('health, people and keys', async () => {
    await api().get('/health').expect(200);
    await api().post('/v1/organizations').set(cast.admin.auth).send({ name: 'Relief Fund', type: 'donor' }).expect(201);
    const requested = await api().post('/v1/principals').set(cast.admin.auth).send({ name: 'Mona', role: 'monitor', organizationId: cast.monitors[0].organizationId, email: 'mona@monitoring.example' }).expect(202);
    await api().post(`/v1/principals/${requested.body.id}/approve`).set(cast.checker.auth).send({}).expect(200);
    await api().post('/v1/principals/claim').send({ claimToken: requested.body.claimToken }).expect(200);
    await api().get('/v1/principals').set(cast.auditor.auth).expect(200);
    await api().post(`/v1/principals/${requested.body.id}/invitations`).set(cast.admin.auth).send({}).expect(201);
    await api().post(`/v1/principals/${requested.body.id}/revoke`).set(cast.admin.auth).send({}).expect(204);
    const key = rawEd25519PublicKey(generateKeyPairSync('ed25519').publicKey).toString('base64');
    await api().post('/v1/principals/me/signing-keys').set(cast.auditor.auth).send({ publicKey: key }).expect(201);
  });

  it('escrow accounts, tranches, benchmarks, releases and the approval policy', async () => {
    const escrowId = await createEscrowAccount(t, cast.admin);
    await api().get('/v1/escrow-accounts').set(cast.auditor.auth).expect(200);
    await api().get(`/v1/escrow-accounts/${escrowId}`).set(cast.auditor.auth).expect(200);
    await deposit(t, cast.donorA, escrowId, '1000.00');
    const trancheId = await readyTranche(t, cast, escrowId, '300.00');
    await api().get(`/v1/escrow-accounts/${escrowId}/tranches`).set(cast.auditor.auth).expect(200);
    const tranche = await api().get(`/v1/tranches/${trancheId}`).set(cast.auditor.auth).expect(200);
    await api().get(`/v1/benchmarks/${tranche.body.benchmarks[0].id}`).set(cast.auditor.auth).expect(200);
    const requestId = await requestRelease(t, cast, trancheId);
    await api().get('/v1/release-requests?pendingFor=me').set(cast.checker.auth).expect(200);
    await api().get(`/v1/release-requests/${requestId}`).set(cast.auditor.auth).expect(200);
    await api().post(`/v1/release-requests/${requestId}/approve`).set(cast.admin.auth).send({}).expect(403);
    await api().post(`/v1/release-requests/${requestId}/approve`).set(cast.checker.auth).send({}).expect(200);

    const second = await readyTranche(t, cast, escrowId, '100.00');
    await readyTranche(t, cast, escrowId, '200.00'); // open money for the snap-inspection draw
    const rejected = await requestRelease(t, cast, second);
    await api().post(`/v1/release-requests/${rejected}/reject`).set(cast.checker.auth).send({ reason: 'paperwork' }).expect(200);
    await api().post(`/v1/tranches/${second}/cancel`).set(cast.donorA.auth).send({ reason: 'no longer needed' }).expect(200);
    await api().post(`/v1/tranches/${second}/cancel`).set(cast.donorA.auth).send({ reason: 'again' }).expect(409);

    await api().get(`/v1/escrow-accounts/${escrowId}/approval-policy`).set(cast.auditor.auth).expect(200);
    const tiers = { tiers: [{ minAmount: '0', approvals: 1, distinctOrganizations: false }, { minAmount: '500.00', approvals: 2 }] };
    const change = await api().post(`/v1/escrow-accounts/${escrowId}/approval-policy`).set(cast.admin.auth).send(tiers).expect(202);
    await api().get(`/v1/approval-policy-changes/${change.body.id}`).set(cast.auditor.auth).expect(200);
    await api().post(`/v1/approval-policy-changes/${change.body.id}/approve`).set(cast.checker.auth).send({}).expect(200);
    const other = await api().post(`/v1/escrow-accounts/${escrowId}/approval-policy`).set(cast.admin.auth).send(tiers).expect(202);
    await api().post(`/v1/approval-policy-changes/${other.body.id}/reject`).set(cast.checker.auth).send({ reason: 'no change' }).expect(200);

    const spare = await createEscrowAccount(t, cast.admin);
    await api().post(`/v1/escrow-accounts/${spare}/suspend`).set(cast.monitors[0].auth).send({ reason: 'access denied' }).expect(200);
    await api().post(`/v1/escrow-accounts/${spare}/resume`).set(cast.admin.auth).send({ reason: 'access restored' }).expect(200);
    await api().post(`/v1/escrow-accounts/${spare}/close`).set(cast.admin.auth).send({ reason: 'programme ended' }).expect(200);
    await api().post(`/v1/escrow-accounts/${spare}/deposits`).set(cast.donorA.auth).send({ amount: '1.00' }).expect(409);

    // Oversight on the released tranche: a verified case, a recovery, a repayment, a lift.
    const evidence = await api().post('/v1/evidence').set(cast.monitors[0].auth).attach('file', Buffer.from('site visit notes\n'), 'notes.txt').expect(201);
    await api().get(`/v1/evidence/${evidence.body.sha256}`).set(cast.auditor.auth).expect(200);
    const opened = await openCase(t, cast.monitors[0], { scope: 'escrow_account', escrowAccountId: escrowId, evidenceFiles: [evidence.body.sha256] });
    await api().get('/v1/violation-cases').set(cast.auditor.auth).expect(200);
    await api().get(`/v1/violation-cases/${opened.id}`).set(cast.auditor.auth).expect(200);
    await finding(t, cast.monitors[0], opened.id, 'verify').expect(201);
    await api().post(`/v1/violation-cases/${opened.id}/findings`).set(cast.monitors[1].auth).send({ decision: 'verify' }).expect(201);
    await api().post(`/v1/violation-cases/${opened.id}/recoveries`).set(cast.admin.auth).send({ trancheId, amount: '50.00' }).expect(201);
    await api().post(`/v1/violation-cases/${opened.id}/recoveries`).set(cast.admin.auth).send({ trancheId, amount: '999.00' }).expect(409);
    await api().post(`/v1/violation-cases/${opened.id}/repayments`).set(cast.admin.auth).send({ trancheId, amount: '20.00', reference: 'MT103' }).expect(201);
    await api().post(`/v1/violation-cases/${opened.id}/lift`).set(cast.monitors[0].auth).send({ comment: 'remedied' }).expect(200);

    await api().post('/v1/inspections').set(cast.admin.auth).send({ scope: 'tranche', trancheId, assignedMonitorId: cast.monitors[2].id, dueBy: inDays(7) }).expect(201);
    const inspections = await api().post('/v1/inspections/draw').set(cast.admin.auth).send({ count: 1, assignedMonitorIds: [cast.monitors[2].id] }).expect(201);
    await api().get('/v1/inspections').set(cast.admin.auth).expect(200);
    await api().get(`/v1/inspections/${inspections.body[0].id}`).set(cast.admin.auth).expect(200);
    await api().post(`/v1/inspections/${inspections.body[0].id}/findings`).set(cast.monitors[2].auth).send({ outcome: 'satisfactory', comment: 'in order' }).expect(201);
  });

  it('whistleblower reports', async () => {
    const submitted = await api().post('/v1/reports').send({ summary: 'Cement resold at the depot' }).expect(201);
    await api().get('/v1/reports/mine').set('x-report-receipt', submitted.body.receipt).expect(200);
    await api().post('/v1/reports/mine/messages').set('x-report-receipt', submitted.body.receipt).send({ text: 'More: trucks at night' }).expect(201);
    await api().get('/v1/reports').set(cast.monitors[0].auth).expect(200);
    await api().get(`/v1/reports/${submitted.body.id}`).set(cast.monitors[0].auth).expect(200);
    await api().post(`/v1/reports/${submitted.body.id}/messages`).set(cast.monitors[0].auth).send({ text: 'Thank you; which depot?' }).expect(201);
    await api().post(`/v1/reports/${submitted.body.id}/close`).set(cast.monitors[0].auth).send({ reason: 'case opened' }).expect(200);
  });

  it('webhook endpoints', async () => {
    const created = await api().post('/v1/webhook-endpoints').set(cast.admin.auth).send({ url: 'http://127.0.0.1:9/hook', events: ['*'] }).expect(201);
    await api().get('/v1/webhook-endpoints').set(cast.admin.auth).expect(200);
    await api().get(`/v1/webhook-endpoints/${created.body.id}`).set(cast.admin.auth).expect(200);
    await api().get(`/v1/webhook-endpoints/${created.body.id}/deliveries?limit=5`).set(cast.admin.auth).expect(200);
    await api().post(`/v1/webhook-endpoints/${created.body.id}/rotate-secret`).set(cast.admin.auth).send({ overlapSeconds: 0 }).expect(201);
    await api().post(`/v1/webhook-endpoints/${created.body.id}/disable`).set(cast.admin.auth).send({ reason: 'maintenance' }).expect(200);
    await api().post(`/v1/webhook-endpoints/${created.body.id}/enable`).set(cast.admin.auth).send({}).expect(200);
  });

  it('the ledger, checkpoints, proofs and public documents', async () => {
    await t.seal();
    await api().get('/v1/ledger/transactions?afterSeq=0&limit=5').set(cast.auditor.auth).expect(200);
    await api().get('/v1/ledger/transactions?limit=5.5').set(cast.auditor.auth).expect(400);
    await api().get('/v1/ledger/accounts').set(cast.auditor.auth).expect(200);
    await api().get('/v1/ledger/verify').set(cast.auditor.auth).expect(200);
    await api().get('/v1/ledger/export?format=ndjson').set(cast.auditor.auth).expect(200);
    await api().get('/v1/ledger/export?format=csv').set(cast.auditor.auth).expect(200);

    await api().get('/v1/public/checkpoints/key').expect(200);
    await api().get('/v1/public/checkpoints/latest').expect(404);
    await t.app.get(CheckpointService).produce({ force: true });
    const latest = await api().get('/v1/public/checkpoints/latest').expect(200);
    const size: number = latest.body.treeSize;
    await api().get(`/v1/public/checkpoints/${size}`).expect(200);
    await api().get(`/v1/public/proofs/inclusion?chainIndex=0&treeSize=${size}`).expect(200);
    await api().get(`/v1/public/proofs/consistency?from=1&to=${size}`).expect(200);
    await api().get('/v1/public/proofs/receipt?chainIndex=0').expect(200);
    await api().get('/checkpoint').expect(200);

    const accounts = (await api().get('/v1/public/dashboard').expect(200)).body.escrowAccounts as { id: string }[];
    const firstPage = await api().get(`/v1/public/escrow-accounts/${accounts[0].id}/tranches?limit=1`).expect(200);
    if (firstPage.body.nextCursor !== null) {
      await api().get(`/v1/public/escrow-accounts/${accounts[0].id}/tranches?limit=1&cursor=${firstPage.body.nextCursor}`).expect(200);
    }
    await api().get(`/v1/public/escrow-accounts/${accounts[0].id}/tranches?limit=201`).expect(400);

    for (const path of ['/v1/public/dashboard', '/v1/public/iati.xml']) {
      const first = await api().get(path).expect(200);
      await api().get(path).set('if-none-match', first.headers.etag).expect(304);
    }
  });

  it('refuses, as documented, a request without its key (keyed operations) or with a parameter it does not take (public ones)', async () => {
    const placeholder: Record<string, string> = { id: '00000000-0000-4000-8000-000000000000', sha256: 'f'.repeat(64), treeSize: '999999' };
    for (const [template, operations] of Object.entries((await t.http().get('/docs-json')).body.paths as Record<string, Record<string, { security: unknown[] }>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        const url = template.replace(/\{(\w+)\}/g, (_, name: string) => placeholder[name]);
        const verb = method as 'get' | 'post';
        if (operation.security.length > 0) await api()[verb](url).send(verb === 'post' ? {} : undefined).expect(401);
        else await api()[verb](`${url}${url.includes('?') ? '&' : '?'}unknown=1`).expect(400);
      }
    }
  });

  it('has exercised every operation with a success and an error', async () => {
    const paths = (await t.http().get('/docs-json')).body.paths as Record<string, Record<string, unknown>>;
    const operations = Object.entries(paths).flatMap(([template, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${template}`));
    const lacking = operations.filter((op) => {
      const statuses = [...(answered.get(op) ?? [])];
      return !statuses.some((s) => s < 400) || !statuses.some((s) => s >= 400);
    });
    expect(lacking).toEqual([]);
  });
});
