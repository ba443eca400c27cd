import { parse as parseCsv } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { AddressInfo } from 'node:net';
import { Decimal, Money } from '../../src/common/money/money';
import { canonicalJson, sha256 } from '../../src/ledger/canonical-body';
import { JournalTransactionView } from '../../src/ledger/journal-reader.service';
import { accounts, moveEvent, postInTransaction } from '../support/ledger';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';

describe('ledger API', () => {
  let t: TestApp;
  let auditor: TestPrincipal;
  let admin: TestPrincipal;
  let donor: TestPrincipal;
  let monitor: TestPrincipal;
  /** The journal's seq before this test's own postings: making principals is journaled too. */
  let base: number;
  /** Transactions posted without money in one round trip, to page and export past a batch. */
  const BULK = 1100;

  beforeAll(async () => {
    t = await startTestApp();
    auditor = await t.principal('auditor');
    admin = await t.principal('admin');
    donor = await t.principal('donor');
    monitor = await t.principal('monitor');
    [{ base }] = await t.dataSource.query(`SELECT max(seq)::int AS base FROM journal_transactions`);
    await postInTransaction(t.dataSource, moveEvent(accounts.donor(1), accounts.escrow(1), '1000.5'));
    await postInTransaction(t.dataSource, moveEvent(accounts.escrow(1), accounts.tranche(1), '250.25', 'tranche_allocated'));
    await postInTransaction(t.dataSource, moveEvent(accounts.donor(2, 'JPY'), accounts.escrow(2, 'JPY'), '5000'));
    await postInTransaction(t.dataSource, moveEvent(accounts.donor(3, 'KWD'), accounts.escrow(3, 'KWD'), '12.345'));
    await postInTransaction(t.dataSource, {
      kind: 'benchmark_signoff',
      actorPrincipalId: auditor.id,
      details: { evidence: 'photos, "signed" report\nline two' },
    });
    await t.seal(); // 5 sealed; the bulk below stays unsealed
    const ids = Array.from({ length: BULK }, () => randomUUID());
    const at = new Date().toISOString();
    const bodies = ids.map((id, n) =>
      canonicalJson({ id, kind: 'escrow_opened', occurredAt: at, actorPrincipalId: null, escrowAccountId: null, refs: {}, details: { n }, postings: [] }),
    );
    await t.dataSource.query(
      `SELECT ledger_post(u.id, 'escrow_opened', NULL, NULL, $2, u.body, sha256(convert_to(u.body, 'UTF8')),
                          '{}'::ledger_posting[])
         FROM unnest($1::uuid[], $3::text[]) WITH ORDINALITY AS u(id, body, n) ORDER BY u.n`,
      [ids, at, bodies],
    );
  });
  afterAll(() => t?.close());

  const get = (path: string, who: TestPrincipal = auditor) => t.http().get(path).set(who.auth);

  describe('GET /v1/ledger/transactions', () => {
    it('shows each transaction with its body, hashes, chain link and entries', async () => {
      const res = await get(`/v1/ledger/transactions?afterSeq=${base}&limit=5`).expect(200);
      expect(res.body.items).toHaveLength(5);
      expect(res.body.nextAfterSeq).toBe(base + 5);
      const [deposit, allocation, yen, dinar, signoff] = res.body.items as JournalTransactionView[];
      expect(deposit).toEqual({
        seq: base + 1,
        id: expect.any(String),
        kind: 'deposit',
        actorPrincipalId: null,
        occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        body: expect.objectContaining({ kind: 'deposit', postings: expect.any(Array) }),
        contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        chainIndex: base,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        entries: [
          { account: accounts.donor(1).code, amount: '-1000.50', currency: 'USD', balanceAfter: '-1000.50' },
          { account: accounts.escrow(1).code, amount: '1000.50', currency: 'USD', balanceAfter: '1000.50' },
        ],
      });
      expect(allocation.prevHash).toBe(deposit.hash);
      expect(allocation.entries.map((e) => e.balanceAfter)).toEqual(['750.25', '250.25']);
      expect(yen.entries[1]).toEqual({ account: accounts.escrow(2, 'JPY').code, amount: '5000', currency: 'JPY', balanceAfter: '5000' });
      expect(dinar.entries[1].amount).toBe('12.345');
      expect(signoff).toMatchObject({ kind: 'benchmark_signoff', actorPrincipalId: auditor.id, entries: [], chainIndex: base + 4 });
      for (const item of res.body.items as JournalTransactionView[]) {
        // contentHash is the SHA-256 of the canonical body, which is what the API shows.
        expect(item.contentHash).toBe(sha256(canonicalJson(item.body)).toString('hex'));
        const sums = new Map<string, Decimal>();
        for (const e of item.entries) sums.set(e.currency, (sums.get(e.currency) ?? new Decimal(0)).plus(e.amount));
        for (const sum of sums.values()) expect(sum.isZero()).toBe(true);
      }
    });

    it('shows unsealed transactions with null chain fields', async () => {
      const res = await get(`/v1/ledger/transactions?afterSeq=${base + 5}&limit=1`).expect(200);
      expect(res.body.items[0]).toMatchObject({ seq: base + 6, chainIndex: null, hash: null, prevHash: null, entries: [] });
    });

    it('pages by seq with keyset paging: every transaction once, in order, to the end', async () => {
      const seen: number[] = [];
      let afterSeq = 0;
      for (;;) {
        const res = await get(`/v1/ledger/transactions?afterSeq=${afterSeq}&limit=1000`).expect(200);
        seen.push(...res.body.items.map((i: JournalTransactionView) => i.seq));
        if (res.body.nextAfterSeq === null) break;
        expect(res.body.nextAfterSeq).toBe(seen[seen.length - 1]);
        afterSeq = res.body.nextAfterSeq;
      }
      expect(seen).toEqual(Array.from({ length: base + 5 + BULK }, (_, i) => i + 1));
    });

    it('defaults to the first 100 and ends with nextAfterSeq null', async () => {
      const first = await get('/v1/ledger/transactions').expect(200);
      expect(first.body.items).toHaveLength(100);
      expect(first.body.items[0].seq).toBe(1);
      const last = await get(`/v1/ledger/transactions?afterSeq=${base + 5 + BULK - 3}&limit=10`).expect(200);
      expect(last.body).toEqual({ items: expect.any(Array), nextAfterSeq: null });
      expect(last.body.items).toHaveLength(3);
      const beyond = await get(`/v1/ledger/transactions?afterSeq=${10 ** 9}`).expect(200);
      expect(beyond.body).toEqual({ items: [], nextAfterSeq: null });
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=', 'limit'],
      ['limit=1e2', 'limit'],
      ['limit=10&limit=20', 'limit'],
      ['afterSeq=-1', 'afterSeq'],
      ['afterSeq=1.5', 'afterSeq'],
      ['afterSeq=99999999999999999999', 'afterSeq'],
      ['afterSeq=%201', 'afterSeq'],
      ['afterSeq=0x10', 'afterSeq'],
      ['cursor=abc', 'cursor'],
    ])('answers 400 naming the parameter for ?%s', async (query, field) => {
      const res = await get(`/v1/ledger/transactions?${query}`).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringContaining(field) });
    });

    it('is for auditors and admins only', async () => {
      await get('/v1/ledger/transactions?limit=1', admin).expect(200);
      await get('/v1/ledger/transactions', donor).expect(403);
      await get('/v1/ledger/transactions', monitor).expect(403);
      await t.http().get('/v1/ledger/transactions').expect(401);
    });
  });

  describe('GET /v1/ledger/accounts', () => {
    it('lists every account with its balance in minor units and its version', async () => {
      const res = await get('/v1/ledger/accounts').expect(200);
      expect(res.body).toEqual(
        [
          { code: accounts.donor(1).code, currency: 'USD', balance: '-1000.50', version: 1 },
          { code: accounts.escrow(1).code, currency: 'USD', balance: '750.25', version: 2 },
          { code: accounts.tranche(1).code, currency: 'USD', balance: '250.25', version: 1 },
          { code: accounts.donor(2, 'JPY').code, currency: 'JPY', balance: '-5000', version: 1 },
          { code: accounts.escrow(2, 'JPY').code, currency: 'JPY', balance: '5000', version: 1 },
          { code: accounts.donor(3, 'KWD').code, currency: 'KWD', balance: '-12.345', version: 1 },
          { code: accounts.escrow(3, 'KWD').code, currency: 'KWD', balance: '12.345', version: 1 },
        ].sort((a, b) => (a.code < b.code ? -1 : 1)),
      );
      await get('/v1/ledger/accounts', donor).expect(403);
    });
  });

  describe('GET /v1/ledger/export', () => {
    async function allPages(): Promise<JournalTransactionView[]> {
      const items: JournalTransactionView[] = [];
      for (let afterSeq = 0; ; ) {
        const res = await get(`/v1/ledger/transactions?afterSeq=${afterSeq}&limit=1000`).expect(200);
        items.push(...res.body.items);
        if (res.body.nextAfterSeq === null) return items;
        afterSeq = res.body.nextAfterSeq;
      }
    }

    it('streams the whole journal as NDJSON: one line per transaction, as the API shows it', async () => {
      const res = await get('/v1/ledger/export?format=ndjson').buffer(true).parse((r, done) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (text += c));
        r.on('end', () => done(null, text));
      }).expect(200);
      expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="journal.ndjson"');
      const text = res.body as string;
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(base + 5 + BULK);
      expect(lines).toEqual(await allPages());
    });

    it('is NDJSON by default', async () => {
      const res = await get('/v1/ledger/export').expect(200);
      expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    });

    it('streams CSV: a header, one line per entry, one per transaction without entries, quoted where needed', async () => {
      const res = await get('/v1/ledger/export?format=csv').buffer(true).parse((r, done) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (text += c));
        r.on('end', () => done(null, text));
      }).expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const text = res.body as string;
      // RFC 4180: every record ends with CRLF; a lone LF only inside a quoted field.
      expect(text.endsWith('\r\n')).toBe(true);
      const rows: string[][] = parseCsv(text, { record_delimiter: '\r\n', relax_column_count: false });
      expect(rows[0]).toEqual([
        'seq', 'id', 'kind', 'actorPrincipalId', 'occurredAt', 'contentHash', 'chainIndex', 'hash', 'prevHash',
        'account', 'amount', 'currency', 'balanceAfter',
        'escrowAccountId', 'name', 'reference', 'reason', 'decision', 'evidence', 'comment', 'refs', 'details', 'body',
      ]);
      const items = await allPages();
      const expected = items.flatMap((i) => {
        const body = i.body as { escrowAccountId: string | null; refs: object; details: Record<string, unknown> };
        const details = Object.keys(body.details).length ? JSON.stringify(body.details) : '';
        const readable = ['name', 'reference', 'reason', 'decision', 'evidence', 'comment'].map((k) => (body.details[k] === undefined ? '' : String(body.details[k])));
        return (i.entries.length ? i.entries : [undefined]).map((e) => [
          String(i.seq), i.id, i.kind, i.actorPrincipalId ?? '', i.occurredAt, i.contentHash,
          i.chainIndex === null ? '' : String(i.chainIndex), i.hash ?? '', i.prevHash ?? '',
          e?.account ?? '', e?.amount ?? '', e?.currency ?? '', e?.balanceAfter ?? '',
          body.escrowAccountId ?? '', ...readable, Object.keys(body.refs).length ? JSON.stringify(body.refs) : '', details, canonicalJson(i.body),
        ]);
      });
      expect(rows.slice(1)).toEqual(expected);
      // The evidence with quotes and a newline survives in its own cell.
      expect(rows.find((r) => r[2] === 'benchmark_signoff')![18]).toBe('photos, "signed" report\nline two');
      expect(rows).toHaveLength(1 + base + 4 * 2 + 1 + BULK); // identity transactions have no entries: a row each
    });

    it('refuses an unknown format with 400 and is for auditors and admins only', async () => {
      const res = await get('/v1/ledger/export?format=xml').expect(400);
      expect(res.body.message).toContain('format');
      await get('/v1/ledger/export', donor).expect(403);
      await get('/v1/ledger/export?format=csv', admin).expect(200);
    });

    it('returns its database connection to the pool when the client goes away mid-stream', async () => {
      await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      const pool = (t.dataSource.driver as unknown as { master: { totalCount: number; idleCount: number } }).master;
      for (let i = 0; i < 12; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = httpGet({ host: '127.0.0.1', port, path: '/v1/ledger/export', headers: auditor.auth, agent: false }, (res) => {
            res.once('data', () => {
              req.destroy(); // hang up after the first chunk
              resolve();
            });
          });
          req.once('error', reject);
        });
      }
      // Every export connection is released (or dropped); a leak would keep this loop waiting.
      while (pool.totalCount - pool.idleCount > 0) await new Promise((r) => setTimeout(r, 20));
      await Promise.all(Array.from({ length: 10 }, () => get('/v1/ledger/transactions?limit=1').expect(200)));
    });
  });

  it('amounts stay exact decimal strings end to end (no floating point)', async () => {
    await postInTransaction(t.dataSource, {
      kind: 'deposit',
      actorPrincipalId: null,
      postings: [
        { account: accounts.donor(4), amount: Money.of('-999999999999999.99', 'USD') },
        { account: accounts.escrow(4), amount: Money.of('999999999999999.99', 'USD') },
      ],
    });
    const res = await get('/v1/ledger/accounts').expect(200);
    expect(res.body.find((a: { code: string }) => a.code === accounts.escrow(4).code).balance).toBe('999999999999999.99');
  });
});
