import { loadConfig } from '../../src/config/app-config';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import { sql } from '../support/ledger';

describe('security headers (helmet)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const expectSecurityHeaders = (headers: Record<string, string>) => {
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['x-dns-prefetch-control']).toBe('off');
    expect(headers['x-powered-by']).toBeUndefined();
  };

  it('are on public answers', async () => {
    const res = await t.http().get('/health').expect(200);
    expectSecurityHeaders(res.headers);
  });

  it('are on authenticated answers and on errors', async () => {
    const auditor = await t.principal('auditor');
    expectSecurityHeaders((await t.http().get('/v1/escrow-accounts').set(auditor.auth).expect(200)).headers);
    expectSecurityHeaders((await t.http().get('/v1/escrow-accounts').expect(401)).headers);
    expectSecurityHeaders((await t.http().post('/v1/escrow-accounts').set(auditor.auth).send({}).expect(403)).headers);
  });
});

describe('rate limiting', () => {
  const LIMIT = 5;
  let t: TestApp;
  let donor: TestPrincipal;
  let other: TestPrincipal;
  let escrowId: string;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: LIMIT });
    donor = await t.principal('donor');
    other = await t.principal('auditor');
    const admin = await t.principal('admin');
    escrowId = (await t.http().post('/v1/escrow-accounts').set(admin.auth).send({ name: 'Limited', currency: 'USD' }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  it('is generous by default and can be turned off', () => {
    expect(loadConfig({}).RATE_LIMIT_PER_MINUTE).toBeGreaterThanOrEqual(6000);
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }).RATE_LIMIT_PER_MINUTE).toBe(0);
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
  });

  it('answers 429 in the standard error shape once an API key used its budget, across routes', async () => {
    for (let i = 0; i < LIMIT - 1; i++) {
      const res = await t.http().get(`/v1/escrow-accounts/${escrowId}`).set(donor.auth).expect(200);
      expect(Number(res.headers['x-ratelimit-remaining'])).toBe(LIMIT - 1 - i);
    }
    // The last allowed request on another route: the budget is per client, not per route.
    const deposit = await t.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set(donor.auth).send({ amount: '10.00' }).expect(201);
    expect(deposit.body.amount).toBe('10.00');

    const refused = await t.http().get('/v1/escrow-accounts').set(donor.auth).expect(429);
    expect(refused.headers['content-type']).toMatch(/application\/json/);
    expect(refused.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(refused.body.message).toMatch(/rate limit/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('a refused write changes nothing', async () => {
    const before = await sql<{ n: number }>(t.url, `SELECT (SELECT count(*) FROM deposits)::int + (SELECT count(*) FROM journal_transactions)::int AS n`);
    await t.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set(donor.auth).set('Idempotency-Key', 'limited-1').send({ amount: '99.00' }).expect(429);
    const after = await sql<{ n: number }>(t.url, `SELECT (SELECT count(*) FROM deposits)::int + (SELECT count(*) FROM journal_transactions)::int AS n`);
    expect(after[0].n).toBe(before[0].n);
    expect(await sql(t.url, `SELECT 1 FROM idempotency_keys WHERE key_hash = sha256(convert_to('limited-1', 'UTF8'))`)).toHaveLength(0);
  });

  it('counts each API key on its own', async () => {
    await t.http().get('/v1/escrow-accounts').set(other.auth).expect(200);
  });

  it('counts requests without a key by address, and never limits /health', async () => {
    for (let i = 0; i < LIMIT; i++) await t.http().get('/v1/escrow-accounts').expect(401);
    const refused = await t.http().get('/v1/escrow-accounts').expect(429);
    expect(refused.body.statusCode).toBe(429);
    for (let i = 0; i < LIMIT + 2; i++) await t.http().get('/health').expect(200);
  });

  it('counts made-up keys by address: rotating fake keys buys no extra budget', async () => {
    const fresh = await startTestApp({ RATE_LIMIT_PER_MINUTE: LIMIT });
    try {
      const fake = () => `Bearer ael_${Math.random().toString(36).slice(2)}${'x'.repeat(30)}`;
      for (let i = 0; i < LIMIT; i++) await fresh.http().get('/v1/escrow-accounts').set('Authorization', fake()).expect(401);
      await fresh.http().get('/v1/escrow-accounts').set('Authorization', fake()).expect(429);
      // A valid key still has its own budget.
      const auditor = await fresh.principal('auditor');
      await fresh.http().get('/v1/escrow-accounts').set(auditor.auth).expect(200);
    } finally {
      await fresh.close();
    }
  });
});
