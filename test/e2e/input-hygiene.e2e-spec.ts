import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Test } from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { Cast, createCast, createEscrowAccount, databaseState, deposit } from '../support/workflow';

/**
 * API.md, "Input hygiene": refused at the edge, in one place (the JSON parser, the validation
 * pipe, the query guard, the HTTP layer), with a 400 naming the field, and nothing written.
 */
describe('input hygiene', () => {
  let t: TestApp;
  let cast: Cast;
  let escrowId: string;

  beforeAll(async () => {
    t = await startTestApp();
    cast = await createCast(t);
    escrowId = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, escrowId, '100.00');
  });
  afterAll(() => t.close());

  async function refused(request: () => Test, field: string, status = 400) {
    const before = await databaseState(t);
    const res = await request();
    expect({ status: res.status, fields: res.body.fields }).toEqual({ status, fields: [field] });
    expect(res.body).toMatchObject({ statusCode: status, message: expect.stringContaining(field) });
    expect(await databaseState(t)).toEqual(before);
  }

  const depositWith = (body: object | string) => () =>
    t.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set(cast.donorA.auth).set('content-type', 'application/json').send(body);
  const suspendWith = (reason: string) => () => t.http().post(`/v1/escrow-accounts/${escrowId}/suspend`).set(cast.admin.auth).send({ reason });
  const openAccount = (fields: object) => () => t.http().post('/v1/escrow-accounts').set(cast.admin.auth).send({ name: 'Clinics', currency: 'USD', ...fields });
  const organization = (name: string) => () => t.http().post('/v1/organizations').set(cast.admin.auth).send({ name, type: 'recipient' });

  it.each([
    ['a lone high surrogate', 'wire \ud800 001'],
    ['a lone low surrogate', '\udc00'],
    ['an escape sequence for the terminal', 'wire \u001b[2J001'],
    ['a CR/LF header lookalike', 'wire\r\nX-Admin: yes'],
    ['a newline in a one-line field', 'wire\n001'],
    ['a tab in a one-line field', 'wire\t001'],
    ['a C1 control', 'wire \u0085 001'],
    ['DEL', 'wire \u007f'],
    ['NUL', 'wire \u0000'],
    ['a right-to-left override', 'wire \u202e100'],
    ['a directional isolate', 'wire \u2066x\u2069'],
  ])('refuses %s in a reference', async (_, reference) => {
    await refused(depositWith({ amount: '1.00', reference }), 'reference');
  });

  it('keeps the journal and the table in agreement: a well-formed reference is stored byte for byte in both', async () => {
    const reference = 'Überweisung 🚰 ref ٣٤';
    const res = await depositWith({ amount: '1.00', reference })().expect(201);
    const [{ stored, body }] = await t.dataSource.query(
      `SELECT d.reference AS stored, t.body::json #>> '{details,reference}' AS body FROM deposits d JOIN journal_transactions t ON t.id = d.journal_transaction_id WHERE d.id = $1`,
      [res.body.id],
    );
    expect([stored, body]).toEqual([reference, reference]);
  });

  it('allows newlines and tabs only in free text', async () => {
    await refused(openAccount({ name: 'Clinics\nand more' }), 'name');
    const res = await openAccount({ description: 'Line one\n\tLine two' })().expect(201);
    expect(res.body.description).toBe('Line one\n\tLine two');
  });

  it.each([['an empty reason', ''], ['a reason of three spaces', '   '], ['a reason of a newline and tab', '\n\t']])('refuses %s', async (_, reason) => {
    await refused(suspendWith(reason), 'reason');
  });

  it('refuses a name or description that says nothing', async () => {
    await refused(organization('   '), 'name');
    await refused(openAccount({ description: '  ' }), 'description');
    await refused(openAccount({ description: '' }), 'description');
  });

  it('refuses a JSON object with the same key twice, naming where', async () => {
    await refused(depositWith('{"amount":"1.00","amount":"1000000.00"}'), 'amount');
    await refused(
      () => t.http().post('/v1/escrow-accounts').set(cast.admin.auth).set('content-type', 'application/json').send('{"name":"A","currency":"USD","x":{"k":1,"k":2}}'),
      'x.k',
    );
    // The same name in two different objects is fine (then a DTO refuses the unknown field).
    const res = await t.http().post('/v1/escrow-accounts').set(cast.admin.auth).set('content-type', 'application/json').send('{"name":"A","currency":"USD","x":{"name":1}}');
    expect(res.body.fields).toEqual(['x']);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'foo'])('refuses the undeclared query parameter %s, also where a route takes others', async (name) => {
    await refused(() => t.http().get(`/v1/escrow-accounts?${name}=1`).set(cast.auditor.auth), name);
    await refused(() => t.http().get(`/v1/ledger/transactions?limit=1&${name}=1`).set(cast.auditor.auth), name);
    await refused(() => t.http().post(`/v1/escrow-accounts/${escrowId}/deposits?${name}=1`).set(cast.donorA.auth).send({ amount: '1.00' }), name);
    await refused(() => t.http().get(`/v1/public/dashboard?${name}=1`), name);
  });

  it('takes a declared query parameter', async () => {
    await t.http().get('/v1/ledger/transactions?limit=1').set(cast.auditor.auth).expect(200);
  });

  it.each(['ZZ', 'QQ', 'XX', 'uk', 'U', 'USA'])('refuses the country %s, which is no ISO 3166-1 alpha-2 code in use', async (country) => {
    await refused(openAccount({ country }), 'country');
  });

  it('accepts a country that exists', async () => {
    await openAccount({ country: 'UA' })().expect(201);
  });

  describe('the HTTP layer', () => {
    let port: number;
    beforeAll(async () => {
      await t.app.listen(0, '127.0.0.1');
      port = (t.app.getHttpServer().address() as AddressInfo).port;
    });

    /** One request on a fresh connection (the server closes it after a framing error). */
    const raw = (path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: any }>((done, fail) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
        });
        req.on('error', fail);
        req.end();
      });

    it.each([
      ['a path parameter too long', () => raw(`/v1/tranches/${'a'.repeat(500)}`), 414],
      ['a malformed URL', () => raw('/v1/tranches/%zz'), 400],
      ['headers too large', () => raw('/health', { 'x-filler': 'a'.repeat(20_000) }), 431],
      ['a request line too large', () => raw(`/health?${'a'.repeat(20_000)}`), 431],
    ])('answers %s with the JSON error shape and the security headers', async (_, send, status) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ statusCode: status, message: expect.any(String) });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });
  });
});
