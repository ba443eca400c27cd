import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import {
  allocate,
  Cast,
  createCast,
  createEscrowAccount,
  databaseState,
  deposit,
  pendingRelease,
} from '../support/workflow';

/**
 * Bad input is refused with a 4xx JSON error that names the field, and writes nothing: every
 * case compares the row counts (journal included), statuses and balances before and after.
 */
describe('workflow input validation', () => {
  let t: TestApp;
  let cast: Cast;
  const accounts: Record<'USD' | 'JPY' | 'KWD', string> = { USD: '', JPY: '', KWD: '' };
  let trancheId: string;
  let benchmarkId: string;
  let pending: { escrowId: string; trancheId: string; requestId: string };

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
    for (const [currency, amount] of [['USD', '1000.00'], ['JPY', '100000'], ['KWD', '1000.000']] as const) {
      accounts[currency] = await createEscrowAccount(t, cast.admin, currency);
      await deposit(t, cast.donorA, accounts[currency], amount);
    }
    trancheId = await allocate(t, cast.donorA, accounts.USD, { amount: '10.00', recipientOrganizationId: cast.recipientId });
    const benchmark = await t.http().post(`/v1/tranches/${trancheId}/benchmarks`).set(cast.admin.auth).send({ kind: 'anti_corruption', description: 'audit' }).expect(201);
    benchmarkId = benchmark.body.id;
    pending = await pendingRelease(t, cast);
  });
  afterAll(() => t.close());

  /** Sends `request` and checks the error: status, JSON shape, the named field, nothing written. */
  async function refused(request: () => Test, status: number, field?: string) {
    const before = await databaseState(t);
    const res = await request();
    expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { statusCode: status, message: expect.any(String) } });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    if (field) {
      expect(res.body.message).toContain(field);
      if (status === 400) expect(res.body.fields).toContain(field);
    }
    expect(await databaseState(t)).toEqual(before);
    return res;
  }

  const depositInto = (currency: keyof typeof accounts, body: object) => () =>
    t.http().post(`/v1/escrow-accounts/${accounts[currency]}/deposits`).set(cast.donorA.auth).send(body);
  const allocateFrom = (currency: keyof typeof accounts, fields: object) => () =>
    t.http()
      .post(`/v1/escrow-accounts/${accounts[currency]}/tranches`)
      .set(cast.donorA.auth)
      .send({ category: 'shelters', phase: 1, amount: '1', recipientOrganizationId: cast.recipientId, ...fields });

  const BAD_AMOUNTS: [string, keyof typeof accounts, unknown][] = [
    ['a JSON number', 'USD', 10],
    ['a JSON number with decimals', 'USD', 10.5],
    ['negative', 'USD', '-10.00'],
    ['zero', 'USD', '0'],
    ['zero with decimals', 'USD', '0.00'],
    ['three decimals in USD', 'USD', '10.001'],
    ['decimals in JPY', 'JPY', '10.5'],
    ['a zero decimal in JPY', 'JPY', '10.0'],
    ['four decimals in KWD', 'KWD', '10.0001'],
    ['16 integer digits', 'USD', '1234567890123456'],
    ['an exponent', 'USD', '1e5'],
    ['a leading space', 'USD', ' 10'],
    ['a trailing space', 'USD', '10 '],
    ['a plus sign', 'USD', '+10'],
    ['hexadecimal', 'USD', '0x10'],
    ['empty', 'USD', ''],
    ['a bare fraction', 'USD', '.5'],
    ['a trailing point', 'USD', '5.'],
    ['a leading zero', 'USD', '010'],
    ['a thousands separator', 'USD', '1,000'],
    ['NaN', 'USD', 'NaN'],
    ['Infinity', 'USD', 'Infinity'],
    ['null', 'USD', null],
    ['a boolean', 'USD', true],
    ['an array', 'USD', ['10']],
    ['an object', 'USD', { value: '10' }],
  ];

  describe.each(BAD_AMOUNTS)('an amount that is %s (%s %p)', (_, currency, amount) => {
    it('is refused for a deposit', () => refused(depositInto(currency, { amount }), 400, 'amount'));
    it('is refused for an allocation', () => refused(allocateFrom(currency, { amount }), 400, 'amount'));
  });

  it('refuses a missing amount', () => refused(depositInto('USD', {}), 400, 'amount'));

  it('accepts exactly the currency minor units and 15 integer digits', async () => {
    const big = await createEscrowAccount(t, cast.admin, 'USD');
    const res = await t.http().post(`/v1/escrow-accounts/${big}/deposits`).set(cast.donorB.auth).send({ amount: '999999999999999.99' }).expect(201);
    expect(res.body.amount).toBe('999999999999999.99');
    expect((await t.http().get(`/v1/escrow-accounts/${big}`).set(cast.admin.auth)).body.balances.deposited).toBe('999999999999999.99');
    for (const [currency, amount, shown] of [['JPY', '7', '7'], ['KWD', '0.125', '0.125'], ['KWD', '2.5', '2.500'], ['USD', '3', '3.00']] as const) {
      const ok = await depositInto(currency, { amount })().expect(201);
      expect(ok.body).toMatchObject({ amount: shown, currency });
    }
  });

  describe('allocation fields', () => {
    it.each([
      ['category', { category: 'weapons' }],
      ['category', { category: 'UTILITIES' }],
      ['category', { category: undefined }],
      ['phase', { phase: 0 }],
      ['phase', { phase: -1 }],
      ['phase', { phase: 1.5 }],
      ['phase', { phase: '1' }],
      ['phase', { phase: null }],
      ['recipientOrganizationId', { recipientOrganizationId: 'not-a-uuid' }],
      ['recipientOrganizationId', { recipientOrganizationId: 42 }],
      ['description', { description: 7 }],
      ['unexpected', { unexpected: true }],
      ['escrowAccountId', { escrowAccountId: randomUUID() }],
    ])('refuses a bad %s (%p)', (field, fields) => refused(allocateFrom('USD', fields), 400, field));

    it('refuses a recipient organization of the wrong type, naming recipientOrganizationId', async () => {
      for (const organizationId of [cast.donorA.organizationId, cast.monitors[0].organizationId, cast.admin.organizationId]) {
        await refused(allocateFrom('USD', { recipientOrganizationId: organizationId }), 400, 'recipientOrganizationId');
      }
    });
  });

  describe('escrow account, benchmark, sign-off and reason fields', () => {
    const openAccount = (body: object) => () => t.http().post('/v1/escrow-accounts').set(cast.admin.auth).send({ name: 'X', currency: 'USD', ...body });
    it.each([
      ['currency', { currency: 'XYZ' }],
      ['currency', { currency: 'usd' }],
      ['currency', { currency: 840 }],
      ['currency', { currency: undefined }],
      ['name', { name: '' }],
      ['name', { name: undefined }],
      ['country', { country: 'USA' }],
      ['status', { status: 'closed' }],
    ])('an escrow account with a bad %s (%p)', (field, body) => refused(openAccount(body), 400, field));

    const addBenchmark = (body: object) => () =>
      t.http().post(`/v1/tranches/${trancheId}/benchmarks`).set(cast.admin.auth).send({ kind: 'humanitarian_access', description: 'd', ...body });
    it.each([
      ['kind', { kind: 'safety' }],
      ['description', { description: undefined }],
      ['description', { description: '' }],
      ['requiredApprovals', { requiredApprovals: 0 }],
      ['requiredApprovals', { requiredApprovals: 11 }],
      ['requiredApprovals', { requiredApprovals: 1.5 }],
      ['requiredApprovals', { requiredApprovals: '2' }],
      ['status', { status: 'met' }],
    ])('a benchmark with a bad %s (%p)', (field, body) => refused(addBenchmark(body), 400, field));

    const signOff = (body: object) => () => t.http().post(`/v1/benchmarks/${benchmarkId}/signoffs`).set(cast.monitors[0].auth).send(body);
    it.each([
      ['decision', { decision: 'maybe' }],
      ['decision', {}],
      ['evidence', { decision: 'approve', evidence: 12 }],
      ['organizationId', { decision: 'approve', organizationId: randomUUID() }],
    ])('a sign-off with a bad %s (%p)', (field, body) => refused(signOff(body), 400, field));

    const reasonActions = () => [
      `/v1/escrow-accounts/${accounts.USD}/suspend`,
      `/v1/escrow-accounts/${accounts.USD}/close`,
      `/v1/tranches/${trancheId}/cancel`,
      `/v1/release-requests/${pending.requestId}/reject`,
    ];
    it.each([
      ['reason', {}],
      ['reason', { reason: '' }],
      ['reason', { reason: 5 }],
      ['force', { reason: 'r', force: true }],
    ])('a reason-taking action with a bad %s (%p)', async (field, body) => {
      for (const path of reasonActions()) await refused(() => t.http().post(path).set(cast.admin.auth).send(body), 400, field);
    });
  });

  describe('text PostgreSQL cannot store (U+0000)', () => {
    it.each([
      ['reference', () => depositInto('USD', { amount: '1.00', reference: 'wire\u0000 7' })],
      ['description', () => allocateFrom('USD', { description: '\u0000' })],
      ['name', () => () => t.http().post('/v1/escrow-accounts').set(cast.admin.auth).send({ name: 'North\u0000', currency: 'USD' })],
      ['name', () => () => t.http().post('/v1/organizations').set(cast.admin.auth).send({ name: 'Org\u0000', type: 'donor' })],
      ['reason', () => () => t.http().post(`/v1/escrow-accounts/${accounts.USD}/suspend`).set(cast.admin.auth).send({ reason: 'x\u0000' })],
      ['evidence', () => () => t.http().post(`/v1/benchmarks/${benchmarkId}/signoffs`).set(cast.monitors[0].auth).send({ decision: 'approve', evidence: '\u0000' })],
      ['id', () => () => t.http().get('/v1/tranches/%00').set(cast.admin.auth)],
    ] as const)('is refused in %s', (field, request) => refused(request(), 400, field));
  });

  describe('actions that take no input', () => {
    const emptyBodyActions = () => [`/v1/release-requests/${pending.requestId}/approve`];
    const bodyActions = () => [`/v1/tranches/${trancheId}/release-requests`, ...emptyBodyActions()];
    it.each([
      ['amount', { amount: '10.00' }],
      ['force', { force: true }],
    ])('refuse a field (%s)', async (field, body) => {
      for (const path of emptyBodyActions()) await refused(() => t.http().post(path).set(cast.checker.auth).send(body), 400, field);
    });
    // A release request takes one optional field (API.md, "Release policy"): the instalment.
    it.each([
      ['force', { force: true }],
      ['amount', { amount: 10 }],
      ['amount', { amount: '-1.00' }],
      ['amount', { amount: '1.001' }],
      ['amount', { amount: '0' }],
      ['amount', { amount: '1e3' }],
    ])('a release request refuses a bad %s (%p)', (field, body) =>
      refused(() => t.http().post(`/v1/tranches/${trancheId}/release-requests`).set(cast.checker.auth).send(body), 400, field));
    it.each([[[]], [['x']], ['"text"'], ['42']])('refuse a body that is not an object (%p)', async (body) => {
      for (const path of bodyActions()) {
        await refused(() => t.http().post(path).set(cast.checker.auth).set('content-type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body)), 400);
      }
    });
  });

  describe('ids that are not UUIDs', () => {
    const BAD_IDS = ['not-a-uuid', '123', '00000000-0000-0000-0000-00000000000g', "x' OR '1'='1"];
    type Who = 'admin' | 'donor' | 'monitor';
    const routes: [Who, string, (id: string) => string, object?][] = [
      ['admin', 'GET', (id) => `/v1/escrow-accounts/${id}`],
      ['admin', 'GET', (id) => `/v1/escrow-accounts/${id}/tranches`],
      ['admin', 'GET', (id) => `/v1/tranches/${id}`],
      ['admin', 'GET', (id) => `/v1/benchmarks/${id}`],
      ['admin', 'GET', (id) => `/v1/release-requests/${id}`],
      ['donor', 'POST', (id) => `/v1/escrow-accounts/${id}/deposits`, { amount: '1.00' }],
      ['donor', 'POST', (id) => `/v1/escrow-accounts/${id}/tranches`, { category: 'clinics', phase: 1, amount: '1.00', recipientOrganizationId: randomUUID() }],
      ['admin', 'POST', (id) => `/v1/escrow-accounts/${id}/suspend`, { reason: 'r' }],
      ['admin', 'POST', (id) => `/v1/escrow-accounts/${id}/resume`, { reason: 'r' }],
      ['admin', 'POST', (id) => `/v1/escrow-accounts/${id}/close`, { reason: 'r' }],
      ['admin', 'POST', (id) => `/v1/tranches/${id}/cancel`, { reason: 'r' }],
      ['admin', 'POST', (id) => `/v1/tranches/${id}/benchmarks`, { kind: 'anti_corruption', description: 'd' }],
      ['admin', 'POST', (id) => `/v1/tranches/${id}/release-requests`, {}],
      ['monitor', 'POST', (id) => `/v1/benchmarks/${id}/signoffs`, { decision: 'approve' }],
      ['admin', 'POST', (id) => `/v1/release-requests/${id}/approve`, {}],
      ['admin', 'POST', (id) => `/v1/release-requests/${id}/reject`, { reason: 'r' }],
      ['admin', 'POST', (id) => `/v1/principals/${id}/revoke`, {}],
    ];
    it.each(routes.map(([who, method, path, body]) => [`${method} ${path(':id')}`, who, method, path, body] as const))('%s → 400 naming id', async (_, who, method, path, body) => {
      const principal = { admin: cast.admin, donor: cast.donorA, monitor: cast.monitors[0] }[who];
      for (const id of BAD_IDS) {
        const url = path(encodeURIComponent(id));
        await refused(() => (method === 'GET' ? t.http().get(url).set(principal.auth) : t.http().post(url).set(principal.auth).send(body ?? {})), 400, 'id');
      }
    });

    it('in a body → 400 naming the field', async () => {
      await refused(
        () => t.http().post('/v1/principals').set(cast.admin.auth).send({ name: 'P', role: 'donor', organizationId: 'nope' }),
        400,
        'organizationId',
      );
    });
  });

  describe('unknown but well-formed UUIDs → 404', () => {
    const unknown = randomUUID();
    it.each([
      ['GET', `/v1/escrow-accounts/${unknown}`],
      ['GET', `/v1/escrow-accounts/${unknown}/tranches`],
      ['GET', `/v1/tranches/${unknown}`],
      ['GET', `/v1/benchmarks/${unknown}`],
      ['GET', `/v1/release-requests/${unknown}`],
    ])('%s %s', (_, path) => refused(() => t.http().get(path).set(cast.auditor.auth), 404, unknown));

    it.each([
      ['donorA', `/v1/escrow-accounts/${unknown}/deposits`, { amount: '1.00' }],
      ['donorA', `/v1/escrow-accounts/${unknown}/tranches`, { category: 'clinics', phase: 1, amount: '1.00', recipientOrganizationId: randomUUID() }],
      ['admin', `/v1/escrow-accounts/${unknown}/suspend`, { reason: 'r' }],
      ['admin', `/v1/escrow-accounts/${unknown}/resume`, { reason: 'r' }],
      ['admin', `/v1/escrow-accounts/${unknown}/close`, { reason: 'r' }],
      ['admin', `/v1/tranches/${unknown}/cancel`, { reason: 'r' }],
      ['donorA', `/v1/tranches/${unknown}/cancel`, { reason: 'r' }],
      ['admin', `/v1/tranches/${unknown}/benchmarks`, { kind: 'anti_corruption', description: 'd' }],
      ['admin', `/v1/tranches/${unknown}/release-requests`, {}],
      ['monitor', `/v1/benchmarks/${unknown}/signoffs`, { decision: 'approve' }],
      ['admin', `/v1/release-requests/${unknown}/approve`, {}],
      ['admin', `/v1/release-requests/${unknown}/reject`, { reason: 'r' }],
      ['admin', `/v1/principals/${unknown}/revoke`, {}],
    ] as const)('POST as %s %s', async (who, path, body) => {
      const principal = who === 'donorA' ? cast.donorA : who === 'monitor' ? cast.monitors[0] : cast.admin;
      await refused(() => t.http().post(path).set(principal.auth).send(body), 404, unknown);
    });

    it('an unknown recipient organization, naming recipientOrganizationId', async () => {
      const res = await refused(allocateFrom('USD', { recipientOrganizationId: unknown }), 404, unknown);
      expect(res.body.message).toContain('recipientOrganizationId');
    });
  });

  describe('the body as a whole', () => {
    it('a body over the size limit → 413', () =>
      refused(depositInto('USD', { amount: '1.00', reference: 'x'.repeat(70 * 1024) }), 413));

    it.each([
      ['text/plain', 'amount=1.00'],
      ['application/x-www-form-urlencoded', 'amount=1.00'],
      ['application/xml', '<amount>1.00</amount>'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="amount"\r\n\r\n1.00\r\n--x--'],
    ])('a body of type %s → 415', (type, body) =>
      refused(() => t.http().post(`/v1/escrow-accounts/${accounts.USD}/deposits`).set(cast.donorA.auth).set('content-type', type).send(body), 415));

    it.each(['{"amount": ', '{amount: "1.00"}', "{'amount': '1.00'}", '{"amount": "1.00",}'])('malformed JSON %p → 400', (body) =>
      refused(() => t.http().post(`/v1/escrow-accounts/${accounts.USD}/deposits`).set(cast.donorA.auth).set('content-type', 'application/json').send(body), 400));

    it.each([['[]'], ['"1.00"'], ['10'], ['null']])('a JSON body that is not an object (%s) → 400', (body) =>
      refused(() => t.http().post(`/v1/escrow-accounts/${accounts.USD}/deposits`).set(cast.donorA.auth).set('content-type', 'application/json').send(body), 400));

    it('a prototype-polluting key is an unknown field', async () => {
      await refused(
        () => t.http().post(`/v1/escrow-accounts/${accounts.USD}/deposits`).set(cast.donorA.auth).set('content-type', 'application/json').send('{"amount":"1.00","__proto__":{"admin":true}}'),
        400,
      );
    });
  });
});
