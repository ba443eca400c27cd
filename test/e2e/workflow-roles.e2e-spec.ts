import { Role } from '../../src/common/access/principal';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import {
  allocate,
  Cast,
  createCast,
  createEscrowAccount,
  databaseState,
  deposit,
  pendingRelease,
  readyTranche,
  requestRelease,
} from '../support/workflow';

type Caller = Role | 'none';
const CALLERS: Caller[] = ['admin', 'donor', 'monitor', 'auditor', 'none'];
const ANY_ROLE: Role[] = ['admin', 'donor', 'monitor', 'auditor'];

interface Call {
  path: string;
  body?: object;
}

/**
 * API.md's role table. `call` builds a request that the allowed roles can carry out
 * successfully (fresh records where the action changes state), so an allowed role must get a
 * 2xx, a known key of another role 403, and no key 401.
 */
interface Endpoint {
  route: string;
  allowed: Role[] | 'anyone';
  call: () => Promise<Call>;
}

describe('every endpoint × every role', () => {
  let t: TestApp;
  let cast: Cast;
  /** Who plays each role: the admin is the checker, never the maker of the release requests. */
  let actors: Record<Role, TestPrincipal>;
  /** Records that read-only endpoints look at, and a funded account for fresh tranches. */
  let fixed: { escrowId: string; trancheId: string; benchmarkId: string; requestId: string };
  let funded: string;

  const unique = () => Math.random().toString(36).slice(2, 10);
  const freshAccount = async (status: 'active' | 'suspended' = 'active') => {
    const id = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, id, '50.00');
    if (status === 'suspended') await t.http().post(`/v1/escrow-accounts/${id}/suspend`).set(cast.admin.auth).send({ reason: 'audit' }).expect(200);
    return id;
  };
  const freshTranche = () => allocate(t, cast.donorA, funded, { amount: '1.00', recipientOrganizationId: cast.recipientId });

  const endpoints: Endpoint[] = [
    { route: 'GET /health', allowed: 'anyone', call: async () => ({ path: '/health' }) },
    { route: 'POST /v1/organizations', allowed: ['admin'], call: async () => ({ path: '/v1/organizations', body: { name: `Org ${unique()}`, type: 'recipient' } }) },
    {
      route: 'POST /v1/principals',
      allowed: ['admin'],
      call: async () => ({ path: '/v1/principals', body: { name: `P ${unique()}`, role: 'donor', organizationId: cast.donorA.organizationId } }),
    },
    {
      route: 'POST /v1/principals/:id/revoke',
      allowed: ['admin'],
      call: async () => ({ path: `/v1/principals/${(await t.principal('donor')).id}/revoke` }),
    },
    { route: 'POST /v1/escrow-accounts', allowed: ['admin'], call: async () => ({ path: '/v1/escrow-accounts', body: { name: 'Roles', currency: 'EUR' } }) },
    { route: 'GET /v1/escrow-accounts', allowed: ANY_ROLE, call: async () => ({ path: '/v1/escrow-accounts' }) },
    { route: 'GET /v1/escrow-accounts/:id', allowed: ANY_ROLE, call: async () => ({ path: `/v1/escrow-accounts/${fixed.escrowId}` }) },
    { route: 'GET /v1/escrow-accounts/:id/tranches', allowed: ANY_ROLE, call: async () => ({ path: `/v1/escrow-accounts/${fixed.escrowId}/tranches` }) },
    { route: 'GET /v1/tranches/:id', allowed: ANY_ROLE, call: async () => ({ path: `/v1/tranches/${fixed.trancheId}` }) },
    { route: 'GET /v1/benchmarks/:id', allowed: ANY_ROLE, call: async () => ({ path: `/v1/benchmarks/${fixed.benchmarkId}` }) },
    { route: 'GET /v1/release-requests/:id', allowed: ANY_ROLE, call: async () => ({ path: `/v1/release-requests/${fixed.requestId}` }) },
    { route: 'POST /v1/escrow-accounts/:id/deposits', allowed: ['donor'], call: async () => ({ path: `/v1/escrow-accounts/${funded}/deposits`, body: { amount: '1.00' } }) },
    {
      route: 'POST /v1/escrow-accounts/:id/tranches',
      allowed: ['donor'],
      call: async () => ({
        path: `/v1/escrow-accounts/${funded}/tranches`,
        body: { category: 'clinics', phase: 1, amount: '1.00', recipientOrganizationId: cast.recipientId },
      }),
    },
    { route: 'POST /v1/tranches/:id/cancel', allowed: ['donor', 'admin'], call: async () => ({ path: `/v1/tranches/${await freshTranche()}/cancel`, body: { reason: 'duplicate' } }) },
    {
      route: 'POST /v1/tranches/:id/benchmarks',
      allowed: ['admin'],
      call: async () => ({ path: `/v1/tranches/${await freshTranche()}/benchmarks`, body: { kind: 'anti_corruption', description: 'audit' } }),
    },
    { route: 'POST /v1/benchmarks/:id/signoffs', allowed: ['monitor'], call: async () => ({ path: `/v1/benchmarks/${fixed.benchmarkId}/signoffs`, body: { decision: 'approve' } }) },
    {
      route: 'POST /v1/tranches/:id/release-requests',
      allowed: ['admin'],
      call: async () => ({ path: `/v1/tranches/${await readyTranche(t, cast, funded, '1.00')}/release-requests`, body: {} }),
    },
    {
      route: 'POST /v1/release-requests/:id/approve',
      allowed: ['admin'],
      call: async () => ({ path: `/v1/release-requests/${await requestRelease(t, cast, await readyTranche(t, cast, funded, '1.00'))}/approve`, body: {} }),
    },
    {
      route: 'POST /v1/release-requests/:id/reject',
      allowed: ['admin'],
      call: async () => ({
        path: `/v1/release-requests/${await requestRelease(t, cast, await readyTranche(t, cast, funded, '1.00'))}/reject`,
        body: { reason: 'invoice missing' },
      }),
    },
    { route: 'POST /v1/escrow-accounts/:id/suspend', allowed: ['admin', 'monitor'], call: async () => ({ path: `/v1/escrow-accounts/${await freshAccount()}/suspend`, body: { reason: 'diversion' } }) },
    { route: 'POST /v1/escrow-accounts/:id/resume', allowed: ['admin'], call: async () => ({ path: `/v1/escrow-accounts/${await freshAccount('suspended')}/resume`, body: { reason: 'cleared' } }) },
    { route: 'POST /v1/escrow-accounts/:id/close', allowed: ['admin'], call: async () => ({ path: `/v1/escrow-accounts/${await freshAccount()}/close`, body: { reason: 'ended' } }) },
    { route: 'GET /v1/ledger/transactions', allowed: ['auditor', 'admin'], call: async () => ({ path: '/v1/ledger/transactions?limit=5' }) },
    { route: 'GET /v1/ledger/accounts', allowed: ['auditor', 'admin'], call: async () => ({ path: '/v1/ledger/accounts' }) },
    { route: 'GET /v1/ledger/verify', allowed: ['auditor', 'admin'], call: async () => ({ path: '/v1/ledger/verify' }) },
    { route: 'GET /v1/ledger/export', allowed: ['auditor', 'admin'], call: async () => ({ path: '/v1/ledger/export?format=csv' }) },
  ];

  const cases = endpoints.flatMap((endpoint) =>
    CALLERS.map((caller) => {
      const allowed = endpoint.allowed === 'anyone' || (caller !== 'none' && endpoint.allowed.includes(caller));
      return { endpoint, caller, expected: allowed ? '2xx' : caller === 'none' ? '401' : '403' };
    }),
  );

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
    actors = { admin: cast.checker, donor: cast.donorA, monitor: cast.monitors[0], auditor: cast.auditor };
    const pending = await pendingRelease(t, cast);
    const tranche = (await t.http().get(`/v1/tranches/${pending.trancheId}`).set(cast.admin.auth).expect(200)).body;
    fixed = { ...pending, benchmarkId: tranche.benchmarks[0].id };
    funded = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, funded, '1000.00');
  });
  afterAll(() => t.close());

  it.each(cases.map((c) => [`${c.endpoint.route} as ${c.caller} → ${c.expected}`, c] as const))('%s', async (_, { endpoint, caller, expected }) => {
    const { path, body } = await endpoint.call();
    const [method] = endpoint.route.split(' ');
    const before = await databaseState(t);
    let req = method === 'GET' ? t.http().get(path) : t.http().post(path);
    if (caller !== 'none') req = req.set(actors[caller].auth);
    const res = method === 'GET' ? await req : await req.send(body ?? {});

    if (expected === '2xx') {
      // On failure, the status and body show why.
      expect(res.status >= 200 && res.status < 300 ? 'success' : { status: res.status, body: res.body }).toBe('success');
      return;
    }
    expect({ status: res.status, statusCode: res.body.statusCode }).toEqual({ status: Number(expected), statusCode: Number(expected) });
    expect(await databaseState(t)).toEqual(before);
  });

  it('lets only the donor organization of a tranche (or an admin) cancel it', async () => {
    const trancheId = await freshTranche();
    const before = await databaseState(t);
    const res = await t.http().post(`/v1/tranches/${trancheId}/cancel`).set(cast.donorB.auth).send({ reason: 'not mine' }).expect(403);
    expect(res.body.statusCode).toBe(403);
    expect(await databaseState(t)).toEqual(before);

    // Another principal of the allocating organization may.
    const colleague = await t.principal('donor', await orgName(cast.donorA.organizationId));
    const cancelled = await t.http().post(`/v1/tranches/${trancheId}/cancel`).set(colleague.auth).send({ reason: 'duplicate' }).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
  });

  async function orgName(id: string): Promise<string> {
    const [row] = await t.dataSource.query('SELECT name FROM organizations WHERE id = $1', [id]);
    return row.name;
  }
});
