import { IdempotencyRetentionService } from '../../src/idempotency/idempotency-retention.service';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';

describe('Idempotency-Key on POST', () => {
  let t: TestApp;
  let admin: TestPrincipal;
  let otherAdmin: TestPrincipal;
  let n = 0;
  const uniqueName = () => `Relief Fund ${++n} ${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.principal('admin', 'Escrow Office');
    otherAdmin = await t.principal('admin', 'Escrow Office');
  });
  afterAll(() => t?.close());

  const create = (who: TestPrincipal, key: string | undefined, body: object) => {
    const req = t.http().post('/v1/organizations').set(who.auth);
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const organizationsNamed = async (name: string): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM organizations WHERE name = $1`, [name]))[0].n;

  it('same principal, key and body: the first response again, and no second effect', async () => {
    const body = { name: uniqueName(), type: 'donor' };
    const first = await create(admin, 'key-1', body).expect(201);
    const second = await create(admin, 'key-1', body).expect(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(await organizationsNamed(body.name)).toBe(1);
  });

  it('replays the first response byte for byte, keys in their first order', async () => {
    const body = { name: uniqueName(), currency: 'USD' };
    const send = () => t.http().post('/v1/escrow-accounts').set(admin.auth).set('Idempotency-Key', 'bytes').send(body);
    const first = await send().expect(201);
    const again = await send().expect(201);
    expect(Object.keys(first.body).slice(0, 3)).toEqual(['id', 'name', 'currency']);
    expect(again.text).toBe(first.text);
  });

  it('replays a requested principal, claim token included, without ever storing the token in the clear', async () => {
    const org = await create(admin, undefined, { name: uniqueName(), type: 'donor' }).expect(201);
    const send = () =>
      t.http().post('/v1/principals').set(admin.auth).set('Idempotency-Key', 'issue-key').send({ name: 'Dana', role: 'donor', organizationId: org.body.id });
    const first = await send().expect(202);
    const retry = await send().expect(202);
    expect(retry.text).toBe(first.text);

    const [stored] = await t.dataSource.query(
      `SELECT response_body, response_encrypted FROM idempotency_keys WHERE key_hash = sha256(convert_to('issue-key', 'UTF8'))`,
    );
    expect(stored.response_encrypted).toBe(true);
    expect(stored.response_body).not.toContain(first.body.claimToken);
    expect(Buffer.from(stored.response_body, 'base64').toString('latin1')).not.toContain(first.body.claimToken);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM principals WHERE organization_id = $1`, [org.body.id]);
    expect(n).toBe(1);
  });

  it('the same body with its keys in another order is the same request', async () => {
    const name = uniqueName();
    const first = await create(admin, 'key-order', { name, type: 'donor' }).expect(201);
    const second = await create(admin, 'key-order', { type: 'donor', name }).expect(201);
    expect(second.body).toEqual(first.body);
    expect(await organizationsNamed(name)).toBe(1);
  });

  it('same key, different body: 422 IDEMPOTENCY_KEY_REUSED and no effect', async () => {
    const body = { name: uniqueName(), type: 'donor' };
    await create(admin, 'key-2', body).expect(201);
    const otherName = uniqueName();
    const res = await create(admin, 'key-2', { name: otherName, type: 'donor' }).expect(422);
    expect(res.body).toMatchObject({ statusCode: 422, code: 'IDEMPOTENCY_KEY_REUSED', message: expect.any(String) });
    expect(await organizationsNamed(otherName)).toBe(0);
    // The first request still replays.
    await create(admin, 'key-2', body).expect(201);
  });

  it('same key on another endpoint is a different request: 422', async () => {
    const org = await create(admin, 'key-3', { name: uniqueName(), type: 'donor' }).expect(201);
    const res = await t.http()
      .post('/v1/principals')
      .set(admin.auth)
      .set('Idempotency-Key', 'key-3')
      .send({ name: 'Dana', role: 'donor', organizationId: org.body.id })
      .expect(422);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('keys are scoped per principal: another principal with the same key is independent', async () => {
    const mine = { name: uniqueName(), type: 'donor' };
    const theirs = { name: uniqueName(), type: 'recipient' };
    const a = await create(admin, 'shared-key', mine).expect(201);
    const b = await create(otherAdmin, 'shared-key', theirs).expect(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body).toMatchObject(theirs);
    // Each replays its own.
    expect((await create(admin, 'shared-key', mine).expect(201)).body).toEqual(a.body);
    expect((await create(otherAdmin, 'shared-key', theirs).expect(201)).body).toEqual(b.body);
    // And the same body from another principal is a new request: a second organization.
    const again = await create(otherAdmin, 'mine-too', mine).expect(201);
    expect(again.body.id).not.toBe(a.body.id);
    expect(await organizationsNamed(mine.name)).toBe(2);
  });

  it('10 concurrent duplicates: exactly one effect, and all get the same response', async () => {
    const body = { name: uniqueName(), type: 'monitor' };
    const responses = await Promise.all(Array.from({ length: 10 }, () => create(admin, 'concurrent-key', body)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    for (const r of responses) expect(r.body).toEqual(responses[0].body);
    expect(await organizationsNamed(body.name)).toBe(1);
    const [{ n: keys }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM idempotency_keys WHERE principal_id = $1 AND key_hash = sha256(convert_to('concurrent-key', 'UTF8'))`,
      [admin.id],
    );
    expect(keys).toBe(1);
  });

  it('concurrent duplicates with different bodies: one wins, the others get 422', async () => {
    const names = Array.from({ length: 6 }, () => uniqueName());
    const responses = await Promise.all(names.map((name) => create(admin, 'racing-key', { name, type: 'donor' })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 422, 422, 422, 422, 422]);
    const created = await t.dataSource.query(`SELECT name FROM organizations WHERE name = ANY($1)`, [names]);
    expect(created).toHaveLength(1);
  });

  it('a request that failed leaves no key behind: fixed and sent again, it takes effect', async () => {
    const principal = (key: string, organizationId: string) =>
      t.http().post('/v1/principals').set(admin.auth).set('Idempotency-Key', key).send({ name: 'Dana', role: 'donor', organizationId });
    // An unknown organization fails with 404 after the key was claimed, and rolls back, key included.
    await principal('after-failure', '00000000-0000-4000-8000-000000000000').expect(404);
    const [{ n: stored }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key_hash = sha256(convert_to('after-failure', 'UTF8'))`);
    expect(stored).toBe(0);
    const org = await create(admin, undefined, { name: uniqueName(), type: 'donor' }).expect(201);
    await principal('after-failure', org.body.id).expect(202);
    // Invalid input (400) does not claim the key either.
    await create(admin, 'after-400', { name: '', type: 'donor' }).expect(400);
    await create(admin, 'after-400', { name: uniqueName(), type: 'donor' }).expect(201);
  });

  it('without a key, each request is its own', async () => {
    const body = { name: uniqueName(), type: 'donor' };
    const first = await create(admin, undefined, body).expect(201);
    const second = await create(admin, undefined, body).expect(201);
    expect(second.body.id).not.toBe(first.body.id);
    expect(await organizationsNamed(body.name)).toBe(2);
  });

  it.each([
    ['an empty key', ''],
    ['a key over 255 characters', 'k'.repeat(256)],
  ])('refuses %s with 400 naming the header', async (_what, key) => {
    const res = await create(admin, key, { name: uniqueName(), type: 'donor' }).expect(400);
    expect(res.body.message).toContain('Idempotency-Key');
  });

  it('accepts a key of 255 characters', async () => {
    const body = { name: uniqueName(), type: 'donor' };
    const first = await create(admin, 'k'.repeat(255), body).expect(201);
    expect((await create(admin, 'k'.repeat(255), body).expect(201)).body).toEqual(first.body);
  });

  it('replays a 204 without a body', async () => {
    const monitor = await t.principal('monitor');
    await t.http().post(`/v1/principals/${monitor.id}/revoke`).set(admin.auth).set('Idempotency-Key', 'revoke-1').send({}).expect(204);
    const again = await t.http().post(`/v1/principals/${monitor.id}/revoke`).set(admin.auth).set('Idempotency-Key', 'revoke-1').send({}).expect(204);
    expect(again.text).toBe('');
  });

  it('forgets keys older than IDEMPOTENCY_KEY_TTL_HOURS (24 by default): a later retry takes effect again', async () => {
    const oldBody = { name: uniqueName(), type: 'donor' };
    const recentBody = { name: uniqueName(), type: 'donor' };
    await create(admin, 'old-key', oldBody).expect(201);
    await create(admin, 'recent-key', recentBody).expect(201);
    await t.dataSource.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key_hash = sha256(convert_to('old-key', 'UTF8'))`);

    expect(await t.app.get(IdempotencyRetentionService).sweep()).toBe(1);
    const [left] = await t.dataSource.query(
      `SELECT bool_or(key_hash = sha256(convert_to('old-key', 'UTF8'))) AS old,
              bool_or(key_hash = sha256(convert_to('recent-key', 'UTF8'))) AS recent FROM idempotency_keys`,
    );
    expect(left).toEqual({ old: false, recent: true });
    await create(admin, 'recent-key', recentBody).expect(201);
    expect(await organizationsNamed(recentBody.name)).toBe(1);
  });
});
