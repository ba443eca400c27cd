import Decimal from 'decimal.js';
import type { DashboardAccount } from '../../src/reporting/dashboard/dashboard.service';
import type { PublicTranche, PublicTranchePage } from '../../src/reporting/tranche-pages/tranche-pages.service';
import { TestApp, TestPrincipal } from '../support/test-app';
import { startTransparencyApp } from '../support/transparency';

/**
 * GET /v1/public/escrow-accounts/:id/tranches (keyset pages) and the dashboard summary beside
 * it: the summary does not grow with the tranches, and its figures equal a recomputation from
 * the paged tranche rows.
 */
describe('public tranche pages and the dashboard summary', () => {
  let t: TestApp;
  let admin: TestPrincipal;
  let checker: TestPrincipal;
  let donor: TestPrincipal;
  let monitors: TestPrincipal[];
  let recipient: string;
  let accountId: string;
  const CATEGORIES = ['utilities', 'clinics', 'shelters'];
  const made: string[] = [];
  // Amounts with cents that binary floating point cannot hold (0.1 + 0.2 ≠ 0.3).
  const amountOf = (i: number) => `${(i % 7) + 1}0.${String((i * 37) % 100).padStart(2, '0')}`;

  const post = async (who: TestPrincipal, url: string, body: object, status = 201) => (await t.http().post(url).set(who.auth).send(body).expect(status)).body;
  const dashboard = async () => (await t.http().get('/v1/public/dashboard').expect(200)).body;
  const summaryOf = async (): Promise<DashboardAccount> => (await dashboard()).escrowAccounts.find((a: { id: string }) => a.id === accountId);
  const allocate = async (i: number) => {
    const { id } = await post(donor, `/v1/escrow-accounts/${accountId}/tranches`, {
      category: CATEGORIES[i % CATEGORIES.length],
      phase: (i % 2) + 1,
      amount: amountOf(i),
      recipientOrganizationId: recipient,
    });
    made.push(id);
    return id as string;
  };
  const page = (query: Record<string, string | number>, id = accountId) => t.http().get(`/v1/public/escrow-accounts/${id}/tranches`).query(query);
  async function walk(limit: number): Promise<{ items: PublicTranche[]; pages: number }> {
    const items: PublicTranche[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: PublicTranchePage } = await page(cursor ? { limit, cursor } : { limit }).expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      if (res.body.nextCursor !== null) expect(res.body.items).toHaveLength(limit);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    return { items, pages };
  }

  beforeAll(async () => {
    t = await startTransparencyApp();
    admin = await t.principal('admin', 'Escrow Office');
    checker = await t.principal('admin', 'Escrow Office');
    donor = await t.principal('donor');
    monitors = [await t.principal('monitor'), await t.principal('monitor')];
    recipient = (await post(admin, '/v1/organizations', { name: 'Paged Recipient', type: 'recipient' })).id;
    accountId = (await post(admin, '/v1/escrow-accounts', { name: 'Paged account', currency: 'USD' })).id;
    await post(donor, `/v1/escrow-accounts/${accountId}/deposits`, { amount: '1000000.00' });
  });
  afterAll(() => t.close());

  it('keeps the summary the same size with 5 or 50 tranches in the same categories and phases', async () => {
    for (let i = 0; i < 6; i++) await allocate(i); // 3 categories × 2 phases: every group exists
    const small = JSON.stringify(await summaryOf());
    const smallDashboard = Buffer.byteLength(JSON.stringify({ ...(await dashboard()), generatedAt: '' }));
    for (let i = 6; i < 50; i++) await allocate(i);
    const large = await summaryOf();
    expect(large.trancheCounts.allocated).toBe(50);
    // Only digits change (counts and sums); one tranche as a page item is about 300 bytes.
    expect(Math.abs(JSON.stringify(large).length - small.length)).toBeLessThan(32);
    const largeDashboard = Buffer.byteLength(JSON.stringify({ ...(await dashboard()), generatedAt: '' }));
    expect(Math.abs(largeDashboard - smallDashboard)).toBeLessThan(64);
  });

  it('walks every tranche exactly once, in (phase, category, id) order, whatever the page size', async () => {
    const expected: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM tranches WHERE escrow_account_id = $1 ORDER BY phase, category, id`,
      [accountId],
    );
    expect(expected).toHaveLength(made.length);
    for (const limit of [1, 7, 49, 50, 200]) {
      const { items, pages } = await walk(limit);
      expect(items.map((x) => x.id)).toEqual(expected.map((r) => r.id));
      expect(new Set(items.map((x) => x.id)).size).toBe(items.length);
      expect(pages).toBe(Math.max(1, Math.ceil(made.length / limit)));
    }
    const first = (await page({}).expect(200)).body;
    expect(first.items).toHaveLength(50); // the default page size
    expect(first.nextCursor).toBeNull();
  });

  it('neither repeats nor skips a tranche when one is made between two pages', async () => {
    const before = (await page({ limit: 10 }).expect(200)).body as PublicTranchePage;
    const late = await allocate(0); // phase 1, utilities: may sort before the cursor
    const rest = await walkFrom(before.nextCursor!);
    const seen = [...before.items, ...rest].map((x) => x.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(made.filter((id) => id !== late).every((id) => seen.includes(id))).toBe(true);
  });

  async function walkFrom(cursor: string | null): Promise<PublicTranche[]> {
    const items: PublicTranche[] = [];
    while (cursor) {
      const res: { body: PublicTranchePage } = await page({ limit: 10, cursor }).expect(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    }
    return items;
  }

  it('has summary figures equal to a recomputation from the tranche rows (with releases and cancellations)', async () => {
    const ready = async (trancheId: string) => {
      for (const kind of ['humanitarian_access', 'anti_corruption']) {
        const { id } = await post(admin, `/v1/tranches/${trancheId}/benchmarks`, { kind, description: `${kind} checked` });
        for (const m of monitors) await post(m, `/v1/benchmarks/${id}/signoffs`, { decision: 'approve', evidence: 'visit' });
      }
    };
    // Phase 1 tranches can be released (no lower phase); cancel some of phase 2.
    const phaseOne = made.filter((_, i) => i % 2 === 0).slice(0, 2);
    for (const id of phaseOne) {
      await ready(id);
      const request = await post(admin, `/v1/tranches/${id}/release-requests`, {});
      await post(checker, `/v1/release-requests/${request.id}/approve`, {}, 200);
    }
    for (const id of made.filter((_, i) => i % 2 === 1).slice(0, 3)) await post(donor, `/v1/tranches/${id}/cancel`, { reason: 'no longer needed' }, 200);

    const summary = await summaryOf();
    const { items } = await walk(200);
    const counts: Record<string, number> = { allocated: 0, release_pending: 0, released: 0, cancelled: 0, expired: 0 };
    const groups = new Map<string, { category: string; phase: number; amount: Decimal; released: Decimal }>();
    for (const x of items) {
      counts[x.status]++;
      const key = `${x.phase}/${x.category}`;
      const group = groups.get(key) ?? { category: x.category, phase: x.phase, amount: new Decimal(0), released: new Decimal(0) };
      // What a cancellation or an expiry returned is the rest of the amount: only what was paid stays committed.
      group.amount = group.amount.plus(x.status === 'cancelled' || x.status === 'expired' ? x.releasedAmount : x.amount);
      group.released = group.released.plus(x.releasedAmount);
      groups.set(key, group);
    }
    expect(counts.released).toBe(2);
    expect(counts.cancelled).toBe(3);
    expect(summary.trancheCounts).toEqual(counts);
    const recomputed = [...groups.values()]
      .sort((a, b) => a.phase - b.phase || (a.category < b.category ? -1 : 1))
      .map((g) => ({ category: g.category, phase: g.phase, amount: g.amount.toFixed(2), released: g.released.toFixed(2) }));
    expect(summary.byCategoryPhase).toEqual(recomputed);
    // And they agree with the balances (the running totals): held = allocated, paid = released.
    const sum = (f: (g: { amount: string; released: string }) => Decimal.Value) => summary.byCategoryPhase.reduce((s, g) => s.plus(f(g)), new Decimal(0)).toFixed(2);
    expect(sum((g) => new Decimal(g.amount).minus(g.released))).toBe(summary.balances.allocated);
    expect(sum((g) => g.released)).toBe(summary.balances.released);
  });

  describe('bad requests', () => {
    const refused = async (query: Record<string, string>, field: string) => {
      const res = await page(query).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body.statusCode).toBe(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
    };

    it('refuses a limit outside 1..200 or not an integer, naming limit', async () => {
      for (const limit of ['0', '201', '-1', '1.5', 'ten', '1e2', '']) await refused({ limit }, 'limit');
      await page({ limit: '200' }).expect(200);
      await page({ limit: '1' }).expect(200);
    });

    it('refuses a cursor it did not give out, naming cursor', async () => {
      const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const id = '00000000-0000-4000-8000-000000000000';
      for (const cursor of ['not a cursor', '!!!', Buffer.from('plain text').toString('base64url'), b64({ phase: 1 }), b64([0, 'utilities', id]), b64([1, 'roads', id]), b64([1, 'utilities', 'x']), b64([1.5, 'utilities', id]), 'a'.repeat(300), '']) {
        await refused({ cursor }, 'cursor');
      }
      // A well-formed key is a valid place to start, even if no tranche has it.
      expect((await page({ cursor: b64([1, 'utilities', id]) }).expect(200)).body.items.length).toBeGreaterThan(0);
    });

    it('answers 404 for an unknown account, 400 for a malformed id or an unknown parameter', async () => {
      const missing = await page({}, '00000000-0000-4000-8000-000000000000').expect(404);
      expect(missing.body.statusCode).toBe(404);
      await page({}, 'nope').expect(400);
      await refused({ offset: '10' } as Record<string, string>, 'offset');
    });
  });
});
