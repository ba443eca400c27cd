import { createHash } from 'node:crypto';
import { GovernanceService } from '../../src/auth/governance.service';
import { Database } from '../../src/database/database';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';

describe('authentication and principals', () => {
  let t: TestApp;
  let admin: TestPrincipal;
  let auditor: TestPrincipal;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.principal('admin', 'Escrow Office');
    auditor = await t.principal('auditor', 'Audit Office');
  });
  afterAll(() => t.close());

  it('refuses a request without a key with 401 JSON', async () => {
    const res = await t.http().get('/v1/ledger/accounts').expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, message: expect.stringContaining('API key') });
  });

  it('refuses an unknown or malformed key with 401', async () => {
    await t.http().get('/v1/ledger/accounts').set('Authorization', 'Bearer ael_unknown').expect(401);
    await t.http().get('/v1/ledger/accounts').set('Authorization', `Basic ${admin.apiKey}`).expect(401);
  });

  it('refuses a known key whose role is not allowed with 403', async () => {
    const donor = await t.principal('donor');
    const res = await t.http().get('/v1/ledger/accounts').set(donor.auth).expect(403);
    expect(res.body.statusCode).toBe(403);
  });

  it('lets an admin create an organization and request a principal whose key, once approved and claimed, works', async () => {
    const checker = await t.principal('admin', 'Escrow Office');
    const org = await t.http().post('/v1/organizations').set(admin.auth).send({ name: 'Relief Fund', type: 'donor' }).expect(201);
    expect(org.body).toEqual({ id: expect.any(String), name: 'Relief Fund', type: 'donor' });

    const requested = await t.http()
      .post('/v1/principals')
      .set(admin.auth)
      .send({ name: 'Dana', role: 'donor', organizationId: org.body.id })
      .expect(202);
    expect(requested.body).toEqual({
      id: expect.any(String),
      name: 'Dana',
      role: 'donor',
      organizationId: org.body.id,
      status: 'pending_approval',
      requestedBy: admin.id,
      claimToken: expect.stringMatching(/^aelc_[A-Za-z0-9_-]{43}$/),
    });
    const claim = () => t.http().post('/v1/principals/claim').send({ claimToken: requested.body.claimToken });
    await claim().expect(404); // pending: nothing to claim yet
    await t.http().post(`/v1/principals/${requested.body.id}/approve`).set(admin.auth).send({}).expect(403); // four eyes
    const approved = await t.http().post(`/v1/principals/${requested.body.id}/approve`).set(checker.auth).send({}).expect(200);
    expect(approved.body).toEqual({ id: requested.body.id, status: 'active', approvedBy: checker.id });
    const claimed = await claim().expect(200);
    expect(claimed.body).toEqual({ id: requested.body.id, apiKey: expect.stringMatching(/^ael_[A-Za-z0-9_-]{43}$/) });
    await claim().expect(404); // once

    // The key works, and only its SHA-256 is stored.
    await t.http().get('/v1/ledger/accounts').set('Authorization', `Bearer ${claimed.body.apiKey}`).expect(403);
    const [row] = await t.dataSource.query('SELECT api_key_hash FROM principals WHERE id = $1', [requested.body.id]);
    expect(row.api_key_hash).toEqual(createHash('sha256').update(claimed.body.apiKey).digest());
    const [plain] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM principals WHERE encode(api_key_hash, 'escape') LIKE '%' || $1 || '%'`,
      [claimed.body.apiKey.slice(4, 20)],
    );
    expect(plain.n).toBe(0);
  });

  it('only lets admins create organizations and principals', async () => {
    await t.http().post('/v1/organizations').set(auditor.auth).send({ name: 'X', type: 'donor' }).expect(403);
    await t.http().post('/v1/organizations').send({ name: 'X', type: 'donor' }).expect(401);
    await t.http()
      .post('/v1/principals')
      .set(auditor.auth)
      .send({ name: 'X', role: 'donor', organizationId: admin.organizationId })
      .expect(403);
  });

  it('binds roles to organization types: a principal in an organization of another type is refused (409 ROLE_MISMATCH)', async () => {
    const res = await t.http()
      .post('/v1/principals')
      .set(admin.auth)
      .send({ name: 'Eve', role: 'auditor', organizationId: admin.organizationId })
      .expect(409);
    expect(res.body).toMatchObject({ code: 'ROLE_MISMATCH' });
  });

  it('accepts the Bearer scheme in any case (RFC 9110)', async () => {
    await t.http().get('/v1/ledger/accounts').set('Authorization', `bearer ${auditor.apiKey}`).expect(200);
  });

  it('answers 404 for an unknown organization', async () => {
    await t.http()
      .post('/v1/principals')
      .set(admin.auth)
      .send({ name: 'Eve', role: 'donor', organizationId: '00000000-0000-4000-8000-000000000000' })
      .expect(404);
  });

  it('finds or creates the organization the CLI names once, however many ask at the same moment', async () => {
    const governance = t.app.get(GovernanceService);
    const database = t.app.get(Database);
    const issued = await Promise.all(
      Array.from({ length: 8 }, (_, i) => database.transaction(() => governance.bootstrap(`donor ${i}`, 'donor', 'Harbour Relief'))),
    );
    expect(new Set(issued.map((p) => p.organizationId)).size).toBe(1);
  });

  it('identifies organizations by id: a second one of the same name is created as its own (201)', async () => {
    const create = () => t.http().post('/v1/organizations').set(admin.auth).send({ name: 'Red Crescent', type: 'recipient' }).expect(201);
    const first = (await create()).body;
    const second = (await create()).body;
    expect(second).toEqual({ id: expect.any(String), name: 'Red Crescent', type: 'recipient' });
    expect(second.id).not.toBe(first.id);
  });

  it('revokes a principal: its key stops working at once', async () => {
    const monitor = await t.principal('monitor');
    await t.http().get('/v1/escrow-accounts').set(monitor.auth); // warm the key cache
    await t.http().post(`/v1/principals/${monitor.id}/revoke`).set(admin.auth).expect(204);
    await t.http().get('/v1/ledger/accounts').set(monitor.auth).expect(401);
  });
});
