import type { FastifyInstance } from 'fastify';
import { gunzipSync } from 'node:zlib';
import { LedgerService } from '../../src/ledger/ledger.service';
import { CheckpointService } from '../../src/attestation/checkpoints/checkpoint.service';
import { DashboardService, DashboardView } from '../../src/reporting/dashboard/dashboard.service';
import type { PublicTranche, PublicTranchePage } from '../../src/reporting/tranche-pages/tranche-pages.service';
import { TestApp } from '../support/test-app';
import { randomSeed, seedStory, startTransparencyApp, Story } from '../support/transparency';

describe('public dashboard JSON (GET /v1/public/dashboard)', () => {
  let t: TestApp;
  let story: Story;

  beforeAll(async () => {
    t = await startTransparencyApp({ CHECKPOINT_PRIVATE_KEY: randomSeed() });
    story = await seedStory(t);
  });
  afterAll(() => t.close());

  const dashboard = async () => (await t.http().get('/v1/public/dashboard').expect(200)).body;
  const account = (body: DashboardView, id: string) => body.escrowAccounts.find((a) => a.id === id)!;

  const trancheList = async (id: string) => {
    const items: PublicTranche[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: PublicTranchePage } = await t.http().get(`/v1/public/escrow-accounts/${id}/tranches`).query(cursor ? { cursor } : {}).expect(200);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  };

  it('needs no key and shows every account with the figures of API.md', async () => {
    const body = await dashboard();
    // API.md: `checkpoint`; `latestCheckpoint` (the same) stays for readers of the earlier shape; `witnesses` from the attestation section.
    expect(Object.keys(body).sort()).toEqual(['checkpoint', 'escrowAccounts', 'generatedAt', 'latestCheckpoint', 'ledger', 'oversight', 'witnesses']);
    expect(body.oversight).toEqual({ reportsReceived: 0, cases: { alleged: 0, verified: 0, dismissed: 0, resolved: 0 } });
    expect(body.witnesses).toEqual({ configured: 0, quorum: 0, treeSize: null, cosigned: 0, witnessedTreeSize: null });
    expect(body.escrowAccounts.map((a: { name: string }) => a.name)).toEqual(['Northern reconstruction', 'Eastern shelters fund', 'Closed pilot']);
    for (const a of body.escrowAccounts) {
      expect(Object.keys(a).sort()).toEqual(['balances', 'byCategoryPhase', 'country', 'currency', 'id', 'name', 'status', 'trancheCounts']);
    }

    const northern = account(body, story.accounts.northern);
    expect(northern).toMatchObject({ name: 'Northern reconstruction', currency: 'USD', country: 'UA', status: 'active' });
    // allocated: 20,000 pending release + 60,000 + 250,000.25 + 50,000; released 400,000; the cancelled 100,000 went back.
    expect(northern.balances).toEqual({ deposited: '1550000.50', allocated: '380000.25', released: '400000.00', refunded: '0.00', repaid: '0.00', unallocated: '770000.25' });
    expect(account(body, story.accounts.eastern)).toMatchObject({
      status: 'suspended',
      balances: { deposited: '80000.00', allocated: '30000.00', released: '0.00', refunded: '0.00', repaid: '0.00', unallocated: '50000.00' },
    });
    expect(account(body, story.accounts.pilot)).toMatchObject({
      status: 'closed',
      currency: 'JPY',
      balances: { deposited: '500000', allocated: '0', released: '200000', refunded: '300000', repaid: '0', unallocated: '0' },
    });
  });

  it('sums the tranches by status and by category and phase (a cancelled tranche holds nothing)', async () => {
    const body = await dashboard();
    const northern = account(body, story.accounts.northern);
    expect(northern.trancheCounts).toEqual({ allocated: 3, release_pending: 1, released: 1, cancelled: 1, expired: 0 });
    expect(northern.byCategoryPhase).toEqual([
      { category: 'utilities', phase: 1, amount: '420000.00', released: '400000.00' },
      { category: 'clinics', phase: 2, amount: '250000.25', released: '0.00' },
      { category: 'shelters', phase: 2, amount: '0.00', released: '0.00' },
      { category: 'utilities', phase: 2, amount: '60000.00', released: '0.00' },
      { category: 'infrastructure', phase: 3, amount: '50000.00', released: '0.00' },
    ]);
    expect(account(body, story.accounts.eastern).trancheCounts).toEqual({ allocated: 1, release_pending: 0, released: 0, cancelled: 0, expired: 0 });
    expect(account(body, story.accounts.pilot).byCategoryPhase).toEqual([{ category: 'livelihoods', phase: 1, amount: '200000', released: '200000' }]);
  });

  it('pages each tranche with its status, recipient and each benchmark status derived from the sign-offs', async () => {
    const northern = await trancheList(story.accounts.northern);
    const tranche = (id: string) => northern.find((x) => x.id === id);
    expect(northern.map((x) => x.phase)).toEqual([1, 1, 2, 2, 2, 3]);
    expect(tranche(story.tranches.water)).toMatchObject({
      category: 'utilities', phase: 1, amount: '400000.00', releasedAmount: '400000.00', status: 'released',
      recipient: { id: expect.any(String), name: 'Northern Water Utility' },
      benchmarks: [{ kind: 'humanitarian_access', status: 'met' }, { kind: 'anti_corruption', status: 'met' }],
    });
    expect(Object.keys(tranche(story.tranches.water)!).sort()).toEqual(['amount', 'benchmarks', 'category', 'id', 'phase', 'recipient', 'releasedAmount', 'status']);
    expect(tranche(story.tranches.pumps)).toMatchObject({ status: 'release_pending', releasedAmount: '0.00' });
    expect(tranche(story.tranches.pipes)).toMatchObject({ category: 'utilities', phase: 2, status: 'allocated', benchmarks: [] });
    expect(tranche(story.tranches.clinic)).toMatchObject({
      amount: '250000.25', status: 'allocated', recipient: { name: 'Al-Noor "Clinic" Builders' },
      benchmarks: [{ kind: 'humanitarian_access', status: 'met' }, { kind: 'anti_corruption', status: 'blocked' }],
    });
    expect(tranche(story.tranches.shelter)).toMatchObject({ status: 'cancelled' });
    expect(tranche(story.tranches.roads)).toMatchObject({ category: 'infrastructure', benchmarks: [{ kind: 'anti_corruption', status: 'pending' }] });
    expect((await trancheList(story.accounts.pilot)).map((x) => x.id)).toEqual([story.tranches.pilotJobs]);
  });

  it('agrees with the authenticated escrow API on every figure, status and benchmark', async () => {
    const body = await dashboard();
    for (const shown of body.escrowAccounts) {
      const api = (await t.http().get(`/v1/escrow-accounts/${shown.id}`).set(story.admin.auth).expect(200)).body;
      expect(shown.balances).toEqual(api.balances);
      expect(shown.status).toBe(api.status);
      const tranches = (await t.http().get(`/v1/escrow-accounts/${shown.id}/tranches`).set(story.admin.auth).expect(200)).body;
      const list = Array.isArray(tranches) ? tranches : tranches.items;
      const paged = await trancheList(shown.id);
      for (const apiTranche of list) {
        const mine = paged.find((x) => x.id === apiTranche.id)!;
        expect(mine).toMatchObject({ category: apiTranche.category, phase: apiTranche.phase, amount: apiTranche.amount, status: apiTranche.status });
        expect(mine.benchmarks).toEqual(apiTranche.benchmarks.map((b: { kind: string; status: string }) => ({ kind: b.kind, status: b.status })));
      }
      expect(paged).toHaveLength(list.length);
      expect((Object.values(shown.trancheCounts) as number[]).reduce((a, b) => a + b, 0)).toBe(list.length);
    }
  });

  it('reports the ledger head and the latest checkpoint as the ledger and checkpoint endpoints do', async () => {
    const before = await dashboard();
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM journal_transactions`);
    expect(before.ledger).toEqual({ transactions: n, sealed: 0, headHash: null });
    expect(before.checkpoint).toBeNull();
    expect(before.latestCheckpoint).toBeNull();

    await t.seal();
    await t.app.get(CheckpointService).produce({ force: true });
    const after = await dashboard();
    const verify = (await t.http().get('/v1/ledger/verify').set(story.auditor.auth).expect(200)).body;
    expect(after.ledger).toEqual({ transactions: n, sealed: verify.sealed, headHash: verify.headHash });
    expect(after.ledger.sealed).toBe(n);
    expect(after.checkpoint).toEqual((await t.http().get('/v1/public/checkpoints/latest').expect(200)).body);
    expect(after.latestCheckpoint).toEqual(after.checkpoint);
  });

  describe('caching', () => {
    it('sends a weak ETag and no-cache, answers 304 to If-None-Match, and a write changes the ETag', async () => {
      const first = await t.http().get('/v1/public/dashboard').expect(200);
      const etag = first.headers.etag;
      expect(etag).toMatch(/^W\/"dashboard-[\d.]+"$/);
      expect(first.headers['cache-control']).toBe('public, no-cache');

      const again = await t.http().get('/v1/public/dashboard').set('If-None-Match', etag).expect(304);
      expect(again.text ?? '').toBe('');
      expect(again.headers.etag).toBe(etag);
      await t.http().get('/v1/public/dashboard').set('If-None-Match', `"other", ${etag}`).expect(304);

      const donor = await t.principal('donor');
      await t.http().post(`/v1/escrow-accounts/${story.accounts.northern}/deposits`).set(donor.auth).send({ amount: '0.50' }).expect(201);
      const changed = await t.http().get('/v1/public/dashboard').set('If-None-Match', etag).expect(200);
      expect(changed.headers.etag).not.toBe(etag);
      expect(account(changed.body, story.accounts.northern).balances.deposited).toBe('1550001.00');

      // Sealing alone moves the head (and so the ETag) too: the page shows the sealed count.
      const beforeSeal = changed.headers.etag;
      await t.seal();
      const sealed = await t.http().get('/v1/public/dashboard').set('If-None-Match', beforeSeal).expect(200);
      expect(sealed.body.ledger.sealed).toBe(sealed.body.ledger.transactions);
    });

    it('builds the document once per ledger state, however many requests', async () => {
      const build = jest.spyOn(t.app.get(DashboardService), 'build');
      try {
        const donor = await t.principal('donor');
        await t.http().post(`/v1/escrow-accounts/${story.accounts.northern}/deposits`).set(donor.auth).send({ amount: '1.00' }).expect(201);
        const bodies = await Promise.all(Array.from({ length: 8 }, () => t.http().get('/v1/public/dashboard').expect(200)));
        await t.http().get('/v1/public/dashboard').expect(200);
        expect(new Set(bodies.map((b) => b.headers.etag)).size).toBe(1);
        expect(build).toHaveBeenCalledTimes(1);
      } finally {
        build.mockRestore();
      }
    });

    it('sends the same document gzip-compressed to clients that accept it, identity to the rest', async () => {
      const identity = await t.http().get('/v1/public/dashboard').set('Accept-Encoding', 'identity').expect(200);
      expect(identity.headers['content-encoding']).toBeUndefined();
      expect(identity.headers.vary).toMatch(/accept-encoding/i);
      // Fastify's inject hands back the bytes as sent (supertest would inflate them).
      const fastify = t.app.getHttpAdapter().getInstance() as FastifyInstance;
      const raw = await fastify.inject({ method: 'GET', url: '/v1/public/dashboard', headers: { 'accept-encoding': 'br;q=1, gzip;q=0.5' } });
      expect(raw.statusCode).toBe(200);
      expect(raw.headers['content-encoding']).toBe('gzip');
      expect(raw.headers.etag).toBe(identity.headers.etag);
      expect(raw.rawPayload.length).toBeLessThan(Number(identity.headers['content-length']));
      expect(JSON.parse(gunzipSync(raw.rawPayload).toString('utf8'))).toEqual(identity.body);
      const refused = await t.http().get('/v1/public/dashboard').set('Accept-Encoding', 'gzip;q=0, deflate').expect(200);
      expect(refused.headers['content-encoding']).toBeUndefined();
    });

    it('notices a transaction that commits after a later one (a lower seq arriving late)', async () => {
      const ledger = t.app.get(LedgerService);
      const slow = t.dataSource.createQueryRunner();
      await slow.connect();
      try {
        await slow.startTransaction();
        await ledger.post(slow.manager, { kind: 'escrow_opened', actorPrincipalId: null, details: { note: 'slow writer' } });
        // A later writer commits first, with a higher seq.
        await t.dataSource.transaction((m) => ledger.post(m, { kind: 'escrow_opened', actorPrincipalId: null, details: { note: 'fast writer' } }));
        const seen = await t.http().get('/v1/public/dashboard').expect(200);
        await slow.commitTransaction();
        const next = await t.http().get('/v1/public/dashboard').set('If-None-Match', seen.headers.etag).expect(200);
        expect(next.body.ledger.transactions).toBe(seen.body.ledger.transactions + 1);
      } finally {
        if (slow.isTransactionActive) await slow.rollbackTransaction();
        await slow.release();
      }
    });

    it('is correct across instances on one database: same ETag, and a write through one invalidates the other', async () => {
      const other = await startTransparencyApp({ DATABASE_URL: t.url, CHECKPOINT_PRIVATE_KEY: randomSeed() });
      try {
        const a = await t.http().get('/v1/public/dashboard').expect(200);
        const b = await other.http().get('/v1/public/dashboard').expect(200);
        expect(b.headers.etag).toBe(a.headers.etag);
        expect(b.body.escrowAccounts).toEqual(a.body.escrowAccounts);
        await other.http().get('/v1/public/dashboard').set('If-None-Match', a.headers.etag).expect(304);

        const donor = await t.principal('donor');
        await t.http().post(`/v1/escrow-accounts/${story.accounts.eastern}/deposits`).set(donor.auth).send({ amount: '5.00' }).expect(201);
        const fresh = await other.http().get('/v1/public/dashboard').set('If-None-Match', a.headers.etag).expect(200);
        expect(account(fresh.body, story.accounts.eastern).balances.deposited).toBe('80005.00');
        expect(fresh.headers.etag).toBe((await t.http().get('/v1/public/dashboard').expect(200)).headers.etag);
      } finally {
        await other.close();
      }
    });
  });
});
