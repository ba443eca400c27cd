import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import { allocate, Cast, createCast, createEscrowAccount, deposit, satisfyBenchmarks } from '../support/workflow';

/**
 * Thousands of generated requests against every state-changing endpoint: values of every JSON
 * type where the DTOs expect others, valid and invalid amounts, unknown and missing fields,
 * broken JSON, unknown and malformed ids, odd idempotency keys. The service must never answer
 * 5xx, and a request it refuses must change nothing at all.
 */
describe('fuzzing the API', () => {
  let t: TestApp;
  let cast: Cast;
  let escrowId: string;
  let trancheId: string;
  let benchmarkId: string;
  let releaseRequestId: string;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: 0, DB_POOL_SIZE: 4 });
    cast = await createCast(t);
    escrowId = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, escrowId, '5000.00');
    trancheId = await allocate(t, cast.donorA, escrowId, { amount: '100.00', recipientOrganizationId: cast.recipientId });
    [benchmarkId] = await satisfyBenchmarks(t, cast, trancheId);
    const pending = await allocate(t, cast.donorA, escrowId, { amount: '50.00', recipientOrganizationId: cast.recipientId });
    await satisfyBenchmarks(t, cast, pending);
    releaseRequestId = (await t.http().post(`/v1/tranches/${pending}/release-requests`).set(cast.admin.auth).send({}).expect(201)).body.id;
  });
  afterAll(() => t?.close());

  /** Everything a request could write: row counts, every balance, every status. */
  async function state(): Promise<string> {
    const [row] = await t.dataSource.query(`
      SELECT (SELECT count(*) FROM journal_transactions) AS journal, (SELECT count(*) FROM journal_entries) AS entries,
             (SELECT count(*) FROM idempotency_keys) AS keys, (SELECT count(*) FROM organizations) AS orgs,
             (SELECT count(*) FROM principals) AS principals, (SELECT count(*) FROM deposits) AS deposits,
             (SELECT count(*) FROM refunds) AS refunds, (SELECT count(*) FROM benchmarks) AS benchmarks,
             (SELECT count(*) FROM benchmark_signoffs) AS signoffs,
             (SELECT string_agg(code || '=' || balance || '/' || version, ',' ORDER BY code) FROM ledger_accounts) AS balances,
             (SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM escrow_accounts) AS escrows,
             (SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM tranches) AS tranches,
             (SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM release_requests) AS releases`);
    return JSON.stringify(row);
  }

  // Values of every shape, biased towards the edges the DTOs care about.
  const anyValue = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }),
  );
  const amount = fc.oneof(
    fc.constantFrom('1.00', '0.01', '10', '999999999999999.99', '0', '0.00', '-1.00', '1.001', '1e3', ' 1.00', '1.00 ', '01.00', '1,00', '', '.5', '5.', 'NaN', 'Infinity', '1000000000000000'),
    fc.stringMatching(/^-?\d{1,17}(\.\d{0,4})?$/),
    anyValue,
  );
  // What input hygiene refuses (API.md): lone surrogates, controls, header lookalikes, bidi
  // overrides, text that says nothing.
  const hostile = fc.constantFrom('wire \ud800 1', '\udc00', '\u001b[2J', 'x\r\nX-Admin: 1', 'a\nb', '\u0085', '\u202eevil', 'a\u2066b', '   ', '', '\t');
  const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ minLength: 1990, maxLength: 2010 }), hostile, anyValue);
  const id = () => fc.oneof(fc.constant(randomUUID()), fc.constantFrom('not-a-uuid', '1', '%00', 'ffffffff-ffff-ffff-ffff-ffffffffffff', "'; DROP TABLE deposits; --"), fc.string({ maxLength: 40 }));
  /**
   * A body: mostly a valid one with some fields swapped for fuzzed values, else the DTO's fields
   * all fuzzed (some left out, an unknown one sometimes), else any JSON at all.
   */
  const body = (fields: Record<string, fc.Arbitrary<unknown>>, valid: Record<string, unknown> = {}) =>
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record(
          Object.fromEntries(Object.keys(fields).map((k) => [k, k in valid ? fc.oneof({ weight: 4, arbitrary: fc.constant(valid[k]) }, { weight: 1, arbitrary: fields[k] }) : fields[k]])),
          { requiredKeys: Object.keys(valid) },
        ),
      },
      { weight: 2, arbitrary: fc.record({ ...fields, unknownField: anyValue }, { requiredKeys: [] }) },
      { weight: 2, arbitrary: fc.record(fields, { requiredKeys: [] }) },
      { weight: 1, arbitrary: fc.anything() },
    );

  type Endpoint = { path: (ids: Ids) => fc.Arbitrary<string>; who: (c: Cast) => TestPrincipal; body: fc.Arbitrary<unknown> };
  type Ids = { escrow: string; tranche: string; benchmark: string; request: string };
  /** The path with a real id mostly, else a fuzzed one. */
  const existing = (which: keyof Ids, path: (id: string) => string) => (ids: Ids) =>
    fc.oneof({ weight: 3, arbitrary: fc.constant(ids[which]) }, { weight: 1, arbitrary: id() }).map((x) => path(encodeURIComponent(x)));
  const reason = body({ reason: text }, { reason: 'fuzzed reason' });
  /** Built inside the tests: the generators refer to the records made in beforeAll. */
  const endpointsFor = (): Record<string, Endpoint> => ({
    organization: { path: () => fc.constant('/v1/organizations'), who: (c) => c.admin, body: body({ name: fc.oneof(fc.uuid(), text), type: fc.oneof(fc.constantFrom('donor', 'recipient', 'monitor', 'admin', 'auditor', 'bank'), anyValue) }, { type: 'recipient' }) },
    principal: { path: () => fc.constant('/v1/principals'), who: (c) => c.admin, body: body({ name: text, role: fc.oneof(fc.constantFrom('admin', 'donor', 'root'), anyValue), organizationId: id() }, { name: 'fuzzed donor', role: 'donor', organizationId: cast.donorA.organizationId }) },
    escrow: { path: () => fc.constant('/v1/escrow-accounts'), who: (c) => c.admin, body: body({ name: text, currency: fc.oneof(fc.constantFrom('USD', 'JPY', 'KWD', 'usd', 'XXX', 'EURO'), anyValue), country: fc.oneof(fc.constantFrom('UA', 'ua', 'UKR'), anyValue), description: text }, { name: 'Fuzzed programme', currency: 'USD' }) },
    deposit: { path: existing('escrow', (id) => `/v1/escrow-accounts/${id}/deposits`), who: (c) => c.donorA, body: body({ amount, reference: text }, { amount: '1.00' }) },
    tranche: {
      path: existing('escrow', (id) => `/v1/escrow-accounts/${id}/tranches`),
      who: (c) => c.donorA,
      body: body({ category: fc.oneof(fc.constantFrom('utilities', 'shelters', 'roads'), anyValue), phase: fc.oneof(fc.integer({ min: -2, max: 1002 }), anyValue), amount, recipientOrganizationId: id(), description: text }, { category: 'utilities', phase: 1, amount: '1.00', recipientOrganizationId: cast.recipientId }),
    },
    cancel: { path: existing('tranche', (id) => `/v1/tranches/${id}/cancel`), who: (c) => c.donorB, body: reason },
    benchmark: { path: existing('tranche', (id) => `/v1/tranches/${id}/benchmarks`), who: (c) => c.admin, body: body({ kind: fc.oneof(fc.constantFrom('humanitarian_access', 'anti_corruption', 'other'), anyValue), description: text, requiredApprovals: fc.oneof(fc.integer({ min: -1, max: 12 }), anyValue) }, { kind: 'anti_corruption', description: 'fuzzed condition' }) },
    signoff: { path: existing('benchmark', (id) => `/v1/benchmarks/${id}/signoffs`), who: (c) => c.monitors[2], body: body({ decision: fc.oneof(fc.constantFrom('approve', 'reject', 'maybe'), anyValue), evidence: text, comment: text }, { decision: 'approve' }) },
    releaseRequest: { path: existing('tranche', (id) => `/v1/tranches/${id}/release-requests`), who: (c) => c.admin, body: fc.oneof(fc.constant({}), body({ note: text })) },
    approve: { path: existing('request', (id) => `/v1/release-requests/${id}/approve`), who: (c) => c.admin, body: fc.oneof(fc.constant({}), body({ note: text })) },
    reject: { path: existing('request', (id) => `/v1/release-requests/${id}/reject`), who: (c) => c.checker, body: reason },
    suspend: { path: existing('escrow', (id) => `/v1/escrow-accounts/${id}/suspend`), who: (c) => c.monitors[0], body: reason },
    resume: { path: existing('escrow', (id) => `/v1/escrow-accounts/${id}/resume`), who: (c) => c.admin, body: reason },
  });
  const SUCCEED_SOMETIMES = ['organization', 'principal', 'escrow', 'deposit', 'tranche', 'benchmark', 'signoff', 'suspend', 'resume'];
  const ENDPOINTS = ['organization', 'principal', 'escrow', 'deposit', 'tranche', 'cancel', 'benchmark', 'signoff', 'releaseRequest', 'approve', 'reject', 'suspend', 'resume'];

  const idempotencyKey = fc.option(fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('', ' ', 'x'.repeat(256))), { nil: undefined });
  /** Most bodies go as JSON; some as broken JSON or as another content type. */
  const encoding = fc.constantFrom('json', 'json', 'json', 'json', 'broken', 'text', 'duplicate');

  it.each(ENDPOINTS)('POST %s: no 5xx, and a refused request changes nothing', async (name) => {
    const endpoint = endpointsFor()[name];
    const ids: Ids = { escrow: escrowId, tranche: trancheId, benchmark: benchmarkId, request: releaseRequestId };
    const statuses: Record<number, number> = {};
    let before = await state();
    await fc.assert(
      fc.asyncProperty(endpoint.path(ids), endpoint.body, idempotencyKey, encoding, async (path, payload, key, how) => {
        let req = t.http().post(path).set(endpoint.who(cast).auth);
        if (key !== undefined) req = req.set('Idempotency-Key', key);
        const json = JSON.stringify(payload) ?? '';
        const res =
          how === 'broken' ? await req.set('content-type', 'application/json').send(json.slice(0, Math.max(1, json.length - 1)) + '{')
            : how === 'text' ? await req.set('content-type', 'text/plain').send(json)
              // The first key once more, with another value: JSON.parse would keep the last.
              : how === 'duplicate' && /^\{"/.test(json) ? await req.set('content-type', 'application/json').send(json.replace(/^\{("(?:[^"\\]|\\.)*"):/, '{$1:"other",$1:'))
              : await req.set('content-type', 'application/json').send(json);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expect(res.status).toBeLessThan(500);
        expect(typeof res.body.message === 'string' || res.status < 400).toBe(true);
        const after = await state();
        if (res.status >= 400) expect(after).toBe(before);
        if (how === 'duplicate' && /^\{"/.test(json)) expect(res.status).toBe(400);
        before = after;
      }),
      { numRuns: 300 },
    );
    if (process.env.FUZZ_STATUSES) console.log(name, statuses);
    // The generators must reach both sides: refusals, and successes where the state allows one.
    expect(Object.keys(statuses).some((s) => Number(s) >= 400)).toBe(true);
    if (SUCCEED_SOMETIMES.includes(name)) expect(Object.keys(statuses).some((s) => Number(s) < 300)).toBe(true);
  });

  it('GET with fuzzed ids and query parameters: no 5xx', async () => {
    const paths = fc.oneof(
      id().map((x) => `/v1/escrow-accounts/${encodeURIComponent(x)}`),
      id().map((x) => `/v1/tranches/${encodeURIComponent(x)}`),
      id().map((x) => `/v1/benchmarks/${encodeURIComponent(x)}`),
      id().map((x) => `/v1/release-requests/${encodeURIComponent(x)}`),
      fc.tuple(fc.string({ maxLength: 25 }), fc.string({ maxLength: 25 })).map(([a, l]) => `/v1/ledger/transactions?afterSeq=${encodeURIComponent(a)}&limit=${encodeURIComponent(l)}`),
      fc.tuple(fc.integer({ min: -5, max: 1e15 }), fc.integer({ min: -5, max: 2000 })).map(([a, l]) => `/v1/ledger/transactions?afterSeq=${a}&limit=${l}`),
      fc.string({ maxLength: 10 }).map((f) => `/v1/ledger/export?format=${encodeURIComponent(f)}`),
    );
    await fc.assert(
      fc.asyncProperty(paths, async (path) => {
        const res = await t.http().get(path).set(cast.auditor.auth);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 400 },
    );
  });
});
