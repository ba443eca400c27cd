import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, sha256 } from '../../src/ledger/canonical-body';
import { createTestDatabase } from '../support/database';
import { insertPrincipal, send, startAppProcess } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';
import { Cast, createCast, readJournal } from '../support/workflow';

const SUMMARY = 'Mayor takes a cut of the clinic contract';
const DETAILS = 'Cash handed over at the market, Fridays';
const FOLLOW_UP = 'I have photos of the envelopes';
const REPLY = 'Please upload them; we are looking into it';

/** Every row of every table in the public schema, as text: what a dump of the database holds. */
async function tableDump(t: TestApp): Promise<string> {
  const tables: { name: string }[] = await t.dataSource.query(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
  let dump = '';
  for (const { name } of tables) {
    const rows: { line: string }[] = await t.dataSource.query(`SELECT t::text AS line FROM "${name}" t`);
    // bytea columns print as hex: decode every hex run too, so text stored as bytes is found.
    dump += rows.map((r) => r.line).join('\n') + '\n';
  }
  const decoded = [...dump.matchAll(/\\x([0-9a-f]+)/g)].map((m) => Buffer.from(m[1], 'hex').toString('utf8')).join('\n');
  return dump + decoded;
}

/** pg_dump of the database, when this machine's pg_dump can read its server (not newer than it). */
function pgDump(url: string): string | undefined {
  const result = spawnSync('pg_dump', ['--no-owner', '--data-only', url], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    process.stderr.write(`pg_dump not used (${result.error?.message ?? result.stderr.trim()}); the table dump stands for it\n`);
    return undefined;
  }
  return result.stdout;
}

describe('whistleblower reports', () => {
  let t: TestApp;
  let cast: Cast;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'oversight-reports-'));
    t = await startTestApp({ DATA_DIR: dataDir, REPORTS_RATE_LIMIT_PER_MINUTE: 0 });
    cast = await createCast(t);
  });
  afterAll(() => t.close());

  const mine = (receipt: string) => t.http().get('/v1/reports/mine').set('x-report-receipt', receipt);

  it('takes a report without a key (one sent is ignored), answers a receipt once, and journals only id and hash', async () => {
    const res = await t.http().post('/v1/reports').set(cast.monitors[0].auth).set('user-agent', 'Reporter-Phone/1.0').send({ summary: SUMMARY, details: DETAILS }).expect(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.receipt).toMatch(/^rcpt_[A-Za-z0-9_-]{27}$/); // 160 random bits
    const journaled = (await readJournal(t, cast.auditor)).filter((i) => i.kind === 'report_received' && i.body.refs.reportId === res.body.id);
    expect(journaled).toHaveLength(1);
    expect(journaled[0]).toMatchObject({ actorPrincipalId: null, body: { escrowAccountId: null, refs: { reportId: res.body.id }, details: { contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) } } });

    // Monitors read it decrypted, and can recompute the journal's commitment from what they read.
    const read = (await t.http().get(`/v1/reports/${res.body.id}`).set(cast.monitors[1].auth).expect(200)).body;
    const { id, summary, details, escrowAccountId, trancheId, recipientOrganizationId, salt } = read;
    expect({ summary, details, salt }).toEqual({ summary: SUMMARY, details: DETAILS, salt: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const recomputed = sha256(canonicalJson({ id, summary, details, escrowAccountId, trancheId, recipientOrganizationId, salt })).toString('hex');
    expect(recomputed).toBe(journaled[0].body.details.contentHash);
    expect((await t.http().get('/v1/reports').set(cast.monitors[2].auth).expect(200)).body.map((r: { id: string }) => r.id)).toContain(res.body.id);
  });

  it('lets the reporter follow up by receipt, and only by receipt', async () => {
    const { id, receipt } = (await t.http().post('/v1/reports').send({ summary: SUMMARY }).expect(201)).body;
    expect((await mine(receipt).expect(200)).body).toEqual({ id, status: 'received', messages: [] });
    await t.http().post('/v1/reports/mine/messages').set('x-report-receipt', receipt).send({ text: FOLLOW_UP }).expect(201);
    await t.http().post(`/v1/reports/${id}/messages`).set(cast.monitors[0].auth).send({ text: REPLY }).expect(201);
    const view = (await mine(receipt).expect(200)).body;
    expect(view).toMatchObject({ id, status: 'under_review', messages: [{ from: 'reporter', text: FOLLOW_UP }, { from: 'monitor', text: REPLY }] });
    expect(Object.keys(view.messages[1]).sort()).toEqual(['at', 'from', 'text']); // no monitor named to the reporter

    for (const wrong of [receipt.slice(0, -1) + (receipt.endsWith('A') ? 'B' : 'A'), 'rcpt_short', '']) {
      const res = await mine(wrong);
      expect({ wrong, status: res.status }).toEqual({ wrong, status: 404 });
    }
    expect((await t.http().get('/v1/reports/mine')).status).toBe(404);
    // A receipt in the query string is refused, not read (and never logged: see below).
    expect((await t.http().get(`/v1/reports/mine?receipt=${receipt}`)).status).toBe(400);

    const closed = (await t.http().post(`/v1/reports/${id}/close`).set(cast.monitors[1].auth).send({ reason: 'no evidence came' }).expect(200)).body;
    expect(closed.status).toBe('closed');
    expect((await mine(receipt).expect(200)).body).toMatchObject({ status: 'closed', messages: [{}, {}, { from: 'monitor', text: 'Closed: no evidence came' }] });
    expect((await t.http().post('/v1/reports/mine/messages').set('x-report-receipt', receipt).send({ text: 'hello?' })).body.code).toBe('INVALID_STATE');
    expect((await t.http().post(`/v1/reports/${id}/close`).set(cast.monitors[1].auth).send({ reason: 'again' })).body.code).toBe('INVALID_STATE');
  });

  it('leaves nothing readable in a dump of the database: no text, no receipt; the key lives in DATA_DIR only', async () => {
    const { receipt } = (await t.http().post('/v1/reports').send({ summary: `${SUMMARY} (dump)`, details: DETAILS }).expect(201)).body;
    await t.http().post('/v1/reports/mine/messages').set('x-report-receipt', receipt).send({ text: FOLLOW_UP }).expect(201);
    const dumps = [await tableDump(t), pgDump(t.url)].filter((d): d is string => d !== undefined);
    for (const dump of dumps) {
      expect(dump.length).toBeGreaterThan(1000);
      expect(dump).toContain('report_received'); // the dump does hold the journal…
      for (const secret of [SUMMARY, 'Mayor', DETAILS, FOLLOW_UP, REPLY, receipt, receipt.slice(5)]) expect({ secret, found: dump.includes(secret) }).toEqual({ secret, found: false });
    }
    const keyFiles = readdirSync(dataDir).filter((f) => f.startsWith('reports-'));
    expect(keyFiles).toEqual(['reports-aes256gcm.key']);
    expect(statSync(join(dataDir, keyFiles[0])).mode & 0o777).toBe(0o600);
  });

  it('refuses input that is not a report, naming the field', async () => {
    const bad: object[] = [{}, { summary: '' }, { summary: 'x', escrowAccountId: 'nope' }, { summary: 'x', reporterName: 'me' }, { summary: 'a\u202Eb' }];
    for (const body of bad) expect((await t.http().post('/v1/reports').send(body)).status).toBe(400);
  });
});

describe('whistleblower reports: rate limit and key', () => {
  let t: TestApp;
  const dataDir = mkdtempSync(join(tmpdir(), 'oversight-reports-key-'));
  beforeAll(async () => {
    t = await startTestApp({ REPORTS_RATE_LIMIT_PER_MINUTE: 3, DATA_DIR: dataDir, REPORTS_ENCRYPTION_KEY: 'ab'.repeat(32) });
  });
  afterAll(() => t.close());

  it('counts report requests per client in memory and answers 429 past the limit', async () => {
    const first = (await t.http().post('/v1/reports').send({ summary: 'one' }).expect(201)).body;
    await t.http().get('/v1/reports/mine').set('x-report-receipt', first.receipt).expect(200);
    await t.http().post('/v1/reports').send({ summary: 'three' }).expect(201);
    const fourth = await t.http().post('/v1/reports').send({ summary: 'four' });
    expect({ status: fourth.status, code: fourth.body.code }).toEqual({ status: 429, code: 'TOO_MANY_REPORTS' });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM reports`);
    expect(n).toBe(2);
  });

  it('uses REPORTS_ENCRYPTION_KEY when set, writing no key file', () => {
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

describe('whistleblower reports: the logs', () => {
  it('never log a receipt, an address or a user agent, while the requests themselves are logged', async () => {
    const url = await createTestDatabase();
    const monitor = await insertPrincipal(url, 'monitor', 'Log Check Monitors');
    const app = await startAppProcess(url, { LOG_LEVEL: 'trace', DATA_DIR: mkdtempSync(join(tmpdir(), 'oversight-logs-')) });
    const agent = 'Reporter-UA-7f3a9c';
    const forwarded = '203.0.113.77';
    try {
      const headers = { 'user-agent': agent, 'x-forwarded-for': forwarded };
      const report = await send(app.url, 'POST', '/v1/reports', undefined, { summary: SUMMARY }, headers);
      expect(report.status).toBe(201);
      const receipt: string = report.body.receipt;
      expect((await send(app.url, 'GET', '/v1/reports/mine', undefined, undefined, { ...headers, 'x-report-receipt': receipt })).status).toBe(200);
      expect((await send(app.url, 'POST', '/v1/reports/mine/messages', undefined, { text: FOLLOW_UP }, { ...headers, 'x-report-receipt': receipt })).status).toBe(201);
      expect((await send(app.url, 'GET', `/v1/reports/mine?receipt=${receipt}`, undefined, undefined, headers)).status).toBe(400);
      expect((await send(app.url, 'GET', '/v1/reports/mine', undefined, undefined, { ...headers, 'x-report-receipt': `${receipt.slice(0, -1)}x` })).status).toBe(404);
      expect((await send(app.url, 'GET', `/v1/reports/${report.body.id}`, monitor.auth)).status).toBe(200);
    } finally {
      await app.stop();
    }
    const output = app.output();
    expect(output).toContain('"url":"/v1/reports/mine"');
    expect(output.match(/\/v1\/reports/g)!.length).toBeGreaterThanOrEqual(5);
    const receiptBody = /rcpt_[A-Za-z0-9_-]{20,}/;
    for (const [what, found] of [
      ['a receipt', receiptBody.test(output)],
      ['the user agent', output.includes(agent)],
      ['the forwarded address', output.includes(forwarded)],
      ['a client address', /remoteAddress|"ip"|127\.0\.0\.1:\d+"/.test(output)],
      ['report text', output.includes('Mayor') || output.includes(FOLLOW_UP)],
    ] as const) {
      expect({ what, found }).toEqual({ what, found: false });
    }
  });
});
