import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';

describe('error shape, validation and health', () => {
  let t: TestApp;
  let admin: TestPrincipal;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.principal('admin');
  });
  afterAll(() => t.close());

  it('GET /health answers 200 with status ok', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body.status).toBe('ok');
  });

  it('rejects unknown fields, naming them', async () => {
    const res = await t.http().post('/v1/organizations').set(admin.auth).send({ name: 'A', type: 'donor', extra: 1 }).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('extra') });
  });

  it('names the invalid field', async () => {
    const res = await t.http().post('/v1/organizations').set(admin.auth).send({ name: 'A', type: 'bank' }).expect(400);
    expect(res.body.message).toContain('type');
    expect(res.body.fields).toEqual(['type']);
  });

  it('answers malformed JSON with a 400 JSON error', async () => {
    const res = await t.http()
      .post('/v1/organizations')
      .set(admin.auth)
      .set('content-type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(res.body.statusCode).toBe(400);
  });

  it('reads an empty body labelled JSON as no body: an action without input succeeds, a DTO names what is missing', async () => {
    const monitor = await t.principal('monitor');
    await t.http().post(`/v1/principals/${monitor.id}/revoke`).set(admin.auth).set('content-type', 'application/json').send('').expect(204);
    const res = await t.http().post('/v1/organizations').set(admin.auth).set('content-type', 'application/json').send('').expect(400);
    expect(res.body.fields).toEqual(expect.arrayContaining(['name', 'type']));
  });

  it('answers a wrong content type with 415 and a body over the limit with 413', async () => {
    const wrongType = await t.http().post('/v1/organizations').set(admin.auth).set('content-type', 'text/plain').send('name=A').expect(415);
    expect(wrongType.body.statusCode).toBe(415);
    const huge = await t.http()
      .post('/v1/organizations')
      .set(admin.auth)
      .send({ name: 'x'.repeat(200_000), type: 'donor' })
      .expect(413);
    expect(huge.body.statusCode).toBe(413);
  });

  it('rejects a malformed Idempotency-Key naming the header', async () => {
    const res = await t.http()
      .post('/v1/organizations')
      .set(admin.auth)
      .set('Idempotency-Key', 'k'.repeat(256))
      .send({ name: 'A', type: 'donor' })
      .expect(400);
    expect(res.body.message).toContain('Idempotency-Key');
  });

  it('serves the OpenAPI document and UI without a key', async () => {
    const json = await t.http().get('/docs-json').expect(200);
    expect(json.body.paths['/v1/organizations']).toBeDefined();
    await t.http().get('/docs').expect(200);
  });

  it('sets security headers', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
  });

  it('answers a deeply nested body with 400, with or without an Idempotency-Key', async () => {
    const deep = `{"name":"A","type":"donor","a":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    for (const key of [undefined, 'deep-1']) {
      const req = t.http().post('/v1/organizations').set(admin.auth).set('content-type', 'application/json');
      if (key) req.set('Idempotency-Key', key);
      const res = await req.send(deep).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('nests deeper') });
    }
    // A body within the limit still reaches validation (and its unknown field is named).
    const ok = await t.http().post('/v1/organizations').set(admin.auth).send({ name: 'A', type: 'donor', a: [[[1]]] }).expect(400);
    expect(ok.body.message).toContain('a');
  });
});
