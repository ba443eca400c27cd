import { Role } from '../../src/common/access/principal';
import { finding, openCase, release, verifiedCase } from '../support/oversight';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import { allocate, Cast, createCast, createEscrowAccount, databaseState, deposit, readyTranche } from '../support/workflow';

type Caller = Role | 'none';
const CALLERS: Caller[] = ['admin', 'donor', 'monitor', 'auditor', 'none'];
const ANY_ROLE: Role[] = ['admin', 'donor', 'monitor', 'auditor'];

interface Call {
  path: string;
  body?: object;
  headers?: Record<string, string>;
  /** A multipart upload of this file instead of a JSON body. */
  file?: Buffer;
}

/**
 * API.md's role table for oversight and evidence: each call is one the allowed roles carry out
 * successfully (fresh records where it changes state), so an allowed role gets a 2xx, a known
 * key of another role 403, and no key 401, with nothing written by a refusal. The routes that
 * take no key answer everyone, a key or none.
 */
describe('oversight and evidence: every route × every role', () => {
  let t: TestApp;
  let cast: Cast;
  let actors: Record<Role, TestPrincipal>;
  let fixed: { escrowId: string; caseId: string; claimedCaseId: string; releasedTranche: string; reportId: string; receipt: string; evidence: string; inspectionId: string };

  const unique = () => Math.random().toString(36).slice(2, 10);
  const newReport = async () => (await t.http().post('/v1/reports').send({ summary: `report ${unique()}` }).expect(201)).body;
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const freshInspection = async (announced = false) =>
    (await t.http().post('/v1/inspections').set(cast.admin.auth).send({ scope: 'escrow_account', escrowAccountId: fixed.escrowId, assignedMonitorId: actors.monitor.id, dueBy: inDays(3), announced }).expect(201)).body.id;

  const endpoints: { route: string; allowed: Role[] | 'anyone'; call: () => Promise<Call> }[] = [
    { route: 'POST /v1/evidence', allowed: ['monitor', 'admin', 'donor'], call: async () => ({ path: '/v1/evidence', file: Buffer.from(`notes ${unique()}\n`) }) },
    { route: 'GET /v1/evidence/:sha256', allowed: ANY_ROLE, call: async () => ({ path: `/v1/evidence/${fixed.evidence}` }) },
    { route: 'POST /v1/reports', allowed: 'anyone', call: async () => ({ path: '/v1/reports', body: { summary: `seen ${unique()}` } }) },
    { route: 'GET /v1/reports/mine', allowed: 'anyone', call: async () => ({ path: '/v1/reports/mine', headers: { 'x-report-receipt': fixed.receipt } }) },
    { route: 'POST /v1/reports/mine/messages', allowed: 'anyone', call: async () => ({ path: '/v1/reports/mine/messages', body: { text: 'more' }, headers: { 'x-report-receipt': fixed.receipt } }) },
    { route: 'GET /v1/reports', allowed: ['monitor'], call: async () => ({ path: '/v1/reports' }) },
    { route: 'GET /v1/reports/:id', allowed: ['monitor'], call: async () => ({ path: `/v1/reports/${fixed.reportId}` }) },
    { route: 'POST /v1/reports/:id/messages', allowed: ['monitor'], call: async () => ({ path: `/v1/reports/${(await newReport()).id}/messages`, body: { text: 'we read it' } }) },
    { route: 'POST /v1/reports/:id/close', allowed: ['monitor'], call: async () => ({ path: `/v1/reports/${(await newReport()).id}/close`, body: { reason: 'duplicate' } }) },
    { route: 'POST /v1/violation-cases', allowed: ['monitor'], call: async () => ({ path: '/v1/violation-cases', body: { scope: 'escrow_account', escrowAccountId: fixed.escrowId, allegation: 'x' } }) },
    { route: 'GET /v1/violation-cases', allowed: ['admin', 'monitor', 'auditor'], call: async () => ({ path: '/v1/violation-cases' }) },
    { route: 'GET /v1/violation-cases/:id', allowed: ['admin', 'monitor', 'auditor'], call: async () => ({ path: `/v1/violation-cases/${fixed.caseId}` }) },
    {
      route: 'POST /v1/violation-cases/:id/findings',
      allowed: ['monitor'],
      call: async () => ({ path: `/v1/violation-cases/${(await openCase(t, cast.monitors[1], { scope: 'escrow_account', escrowAccountId: fixed.escrowId })).id}/findings`, body: { decision: 'verify' } }),
    },
    {
      route: 'POST /v1/violation-cases/:id/lift',
      allowed: ['monitor'],
      call: async () => ({ path: `/v1/violation-cases/${await verifiedCase(t, cast, { scope: 'escrow_account', escrowAccountId: await createEscrowAccount(t, cast.admin) })}/lift`, body: { comment: 'fixed' } }),
    },
    { route: 'POST /v1/violation-cases/:id/recoveries', allowed: ['admin'], call: async () => ({ path: `/v1/violation-cases/${fixed.caseId}/recoveries`, body: { trancheId: fixed.releasedTranche, amount: '1.00' } }) },
    { route: 'POST /v1/violation-cases/:id/repayments', allowed: ['admin'], call: async () => ({ path: `/v1/violation-cases/${fixed.claimedCaseId}/repayments`, body: { trancheId: fixed.releasedTranche, amount: '1.00' } }) },
    {
      route: 'POST /v1/inspections',
      allowed: ['admin', 'monitor'],
      call: async () => ({ path: '/v1/inspections', body: { scope: 'country', country: 'UA', assignedMonitorId: actors.monitor.id, dueBy: inDays(5) } }),
    },
    { route: 'POST /v1/inspections/draw', allowed: ['admin'], call: async () => ({ path: '/v1/inspections/draw', body: { count: 1, assignedMonitorIds: [actors.monitor.id] } }) },
    { route: 'GET /v1/inspections', allowed: ['admin', 'monitor', 'auditor'], call: async () => ({ path: '/v1/inspections' }) },
    { route: 'GET /v1/inspections/:id', allowed: ['admin', 'monitor', 'auditor'], call: async () => ({ path: `/v1/inspections/${fixed.inspectionId}` }) },
    { route: 'POST /v1/inspections/:id/findings', allowed: ['monitor'], call: async () => ({ path: `/v1/inspections/${await freshInspection()}/findings`, body: { outcome: 'satisfactory', comment: 'fine' } }) },
  ];

  const cases = endpoints.flatMap((endpoint) =>
    CALLERS.map((caller) => {
      const allowed = endpoint.allowed === 'anyone' || (caller !== 'none' && endpoint.allowed.includes(caller));
      return { endpoint, caller, expected: allowed ? '2xx' : caller === 'none' ? '401' : '403' };
    }),
  );

  beforeAll(async () => {
    t = await startTestApp({ REPORTS_RATE_LIMIT_PER_MINUTE: 0 });
    cast = await createCast(t);
    // The monitor acting is the one every inspection is assigned to; cases are opened by others.
    actors = { admin: cast.checker, donor: cast.donorA, monitor: cast.monitors[0], auditor: cast.auditor };
    const escrowId = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, escrowId, '5000.00');
    const releasedTranche = await readyTranche(t, cast, escrowId, '1000.00');
    await release(t, cast, releasedTranche);
    await allocate(t, cast.donorA, escrowId, { amount: '100.00', recipientOrganizationId: cast.recipientId });
    const caseId = await verifiedCase(t, cast, { scope: 'tranche', trancheId: releasedTranche });
    const claimedCaseId = await verifiedCase(t, cast, { scope: 'escrow_account', escrowAccountId: escrowId });
    await t.http().post(`/v1/violation-cases/${claimedCaseId}/recoveries`).set(cast.admin.auth).send({ trancheId: releasedTranche, amount: '500.00' }).expect(201);
    const report = await newReport();
    const evidence = (await t.http().post('/v1/evidence').set(cast.monitors[2].auth).attach('file', Buffer.from('%PDF-1.4\n'), 'a.pdf').expect(201)).body.sha256;
    fixed = { escrowId, caseId, claimedCaseId, releasedTranche, reportId: report.id, receipt: report.receipt, evidence, inspectionId: '' };
    fixed.inspectionId = await freshInspection(true);
    // A finding on the fixed case by a third organization, so the case is not only its openers'.
    await finding(t, cast.monitors[2], (await openCase(t, cast.monitors[2], { scope: 'escrow_account', escrowAccountId: escrowId })).id, 'dismiss').expect(201);
  });
  afterAll(() => t.close());

  it.each(cases.map((c) => [`${c.endpoint.route} as ${c.caller} → ${c.expected}`, c] as const))('%s', async (_, { endpoint, caller, expected }) => {
    const { path, body, headers, file } = await endpoint.call();
    const [method] = endpoint.route.split(' ');
    const before = await databaseState(t);
    let req = method === 'GET' ? t.http().get(path) : t.http().post(path);
    if (caller !== 'none') req = req.set(actors[caller].auth);
    if (headers) req = req.set(headers);
    const res = method === 'GET' ? await req : file ? await req.attach('file', file, 'evidence.txt') : await req.send(body ?? {});

    if (expected === '2xx') {
      expect(res.status >= 200 && res.status < 300 ? 'success' : { status: res.status, body: res.body }).toBe('success');
      return;
    }
    expect({ status: res.status, statusCode: res.body.statusCode }).toEqual({ status: Number(expected), statusCode: Number(expected) });
    expect(await databaseState(t)).toEqual(before);
  });
});
