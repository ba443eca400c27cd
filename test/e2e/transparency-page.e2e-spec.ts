import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { CheckpointService } from '../../src/attestation/checkpoints/checkpoint.service';
import type { FastifyInstance } from 'fastify';
import { gunzipSync } from 'node:zlib';
import type { DashboardView } from '../../src/reporting/dashboard/dashboard.service';
import type { PublicTranche, PublicTranchePage } from '../../src/reporting/tranche-pages/tranche-pages.service';
import { axeViolations } from '../support/console';
import { TestApp } from '../support/test-app';
import { randomSeed, seedStory, startTransparencyApp, Story } from '../support/transparency';
import { CHROMIUM, describeWithChromium } from '../support/system-tools';

// page.evaluate callbacks run in the browser; the project compiles without the DOM library.
declare const document: any;
declare const window: any;
declare function getComputedStyle(element: unknown): any;

const ROOT = resolve(__dirname, '../..');
/** Where the screenshots go: test/artifacts (not committed); SCREENSHOT_DIR=docs refreshes the README's. */
const SCREENSHOTS = resolve(ROOT, process.env.SCREENSHOT_DIR ?? 'test/artifacts');
mkdirSync(SCREENSHOTS, { recursive: true });
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** What the page shows, read from the DOM: the figures as the text a person sees. */
async function shown(page: Page) {
  return page.evaluate(() => {
    const text = (root: any, selector: string): string | null => root.querySelector(selector)?.textContent?.trim() ?? null;
    return {
      ledger: {
        transactions: text(document, '[data-ledger="transactions"]'),
        sealed: text(document, '[data-ledger="sealed"]'),
        headHash: text(document, '[data-ledger="headHash"]'),
      },
      checkpoint: { treeSize: text(document, '[data-checkpoint="treeSize"]'), rootHash: text(document, '[data-checkpoint="rootHash"]') },
      hint: { text: text(document, '#verify-hint'), vkey: text(document, '[data-vkey]'), links: [...document.querySelectorAll('#verify-hint a')].map((a: any) => a.getAttribute('href') as string) },
      scriptRan: document.body.dataset.script === 'ready',
      accounts: [...document.querySelectorAll('[data-account]')].map((card) => ({
        id: card.dataset.account!,
        name: text(card, 'h2'),
        status: card.querySelector('[data-account-status]')?.dataset.accountStatus,
        statusText: text(card, '[data-account-status]'),
        suspendedNotice: card.querySelector('.notice.warn') !== null,
        figures: Object.fromEntries([...card.querySelectorAll('[data-figure]')].map((f: any) => [f.dataset.figure as string, f.textContent.trim() as string])) as Record<string, string>,
        chart: [...card.querySelectorAll('[data-chart-category]')].map((s) => `${s.dataset.chartCategory}/${s.dataset.chartPhase}`),
        tooltips: [...card.querySelectorAll('[data-chart-category]')].map((s) => s.getAttribute('title') as string),
        groups: [...card.querySelectorAll('[data-group]')].map((row) => ({
          group: row.dataset.group as string,
          amount: text(row, '[data-cell="amount"]'),
          released: text(row, '[data-cell="released"]'),
          held: text(row, '[data-cell="held"]'),
        })),
        counts: Object.fromEntries([...card.querySelectorAll('[data-tranche-count]')].map((c: any) => [c.dataset.trancheCount as string, c.textContent.trim() as string])),
        showTranches: card.querySelector('[data-show-tranches]')?.getAttribute('href') ?? null,
        tranches: [...card.querySelectorAll('[data-tranche]')].map((row) => ({
          id: row.dataset.tranche!,
          phase: text(row, '[data-cell="phase"]'),
          amount: text(row, '[data-cell="amount"]'),
          released: text(row, '[data-cell="released"]'),
          recipient: text(row, '[data-cell="recipient"]'),
          status: row.querySelector('[data-tranche-status]')?.dataset.trancheStatus,
          benchmarks: [...row.querySelectorAll('[data-benchmark-kind]')].map((b) => ({ kind: b.dataset.benchmarkKind, status: b.dataset.benchmarkStatus, text: b.textContent })),
        })),
      })),
    };
  });
}

const plain = (figure: string | null | undefined) => (figure ?? '').replace(/,/g, '');

describeWithChromium()('the public dashboard page in a real browser (headless Chromium)', () => {
  let t: TestApp;
  let story: Story;
  let url: string;
  let browser: Browser;
  let api: DashboardView;
  /** An account whose tranches add up to what floating point gets wrong (0.1 + 0.2). */
  let smallChange: string;
  let vkey: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    t = await startTransparencyApp({ CHECKPOINT_PRIVATE_KEY: randomSeed() });
    story = await seedStory(t);
    const donor = await t.principal('donor');
    const post = async (url: string, body: object) => (await t.http().post(url).set(donor.auth).send(body).expect(201)).body;
    smallChange = (await t.http().post('/v1/escrow-accounts').set(story.admin.auth).send({ name: 'Small change fund', currency: 'USD' }).expect(201)).body.id;
    const recipient = (await t.http().post('/v1/organizations').set(story.admin.auth).send({ name: 'Corner <b>Shop</b>', type: 'recipient' }).expect(201)).body.id;
    await post(`/v1/escrow-accounts/${smallChange}/deposits`, { amount: '1.00' });
    for (const amount of ['0.10', '0.20']) await post(`/v1/escrow-accounts/${smallChange}/tranches`, { category: 'utilities', phase: 1, amount, recipientOrganizationId: recipient });
    await t.seal();
    await t.app.get(CheckpointService).produce({ force: true });
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
    api = (await t.http().get('/v1/public/dashboard').expect(200)).body;
    vkey = (await t.http().get('/v1/public/checkpoints/key').expect(200)).body.vkey;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(viewport: { width: number; height: number }, options: { isMobile?: boolean; javaScriptEnabled?: boolean; clock?: boolean } = {}) {
    const isMobile = options.isMobile ?? false;
    const context = await browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: isMobile ? 2 : 1, javaScriptEnabled: options.javaScriptEnabled ?? true });
    const page = await context.newPage();
    if (options.clock) await page.clock.install();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    const response = await page.goto(`${url}/`);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });
    if (options.javaScriptEnabled !== false) await page.waitForSelector('body[data-script="ready"]', { timeout: 20_000 });
    return { page, context, problems };
  }

  /** Every tranche of an account as the public API pages them. */
  async function tranchesOf(id: string): Promise<PublicTranche[]> {
    const items: PublicTranche[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: PublicTranchePage } = await t.http().get(`/v1/public/escrow-accounts/${id}/tranches`).query(cursor ? { cursor } : {}).expect(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  /** Clicks an account's "show tranches" control until every page is in. */
  async function showAllTranches(page: Page, id: string) {
    const control = `[data-account="${id}"] [data-show-tranches]`;
    while ((await page.locator(control).count()) > 0) {
      const before = await page.locator(`[data-account="${id}"] [data-tranche]`).count();
      await page.click(control);
      await page.waitForFunction(
        ([sel, n]) => document.querySelectorAll(`${sel} [data-tranche]`).length > n || !document.querySelector(`${sel} [data-show-tranches]`),
        [`[data-account="${id}"]`, before] as const,
      );
      await page.waitForFunction((sel) => !document.querySelector(`${sel} [aria-busy="true"]`), `[data-account="${id}"]`);
    }
  }

  /** The summary as the page shows it equals the API's, figure for figure (digits grouped, nothing rounded). */
  function expectSummary(view: Awaited<ReturnType<typeof shown>>) {
    expect(view.accounts.map((a) => a.id)).toEqual(api.escrowAccounts.map((a) => a.id));
    for (const account of api.escrowAccounts) {
      const card = view.accounts.find((a) => a.id === account.id)!;
      expect(card.name).toBe(account.name);
      expect(card.status).toBe(account.status);
      expect(Object.fromEntries(Object.entries(card.figures).map(([k, v]) => [k, plain(v)]))).toEqual(account.balances);
      expect(card.groups).toEqual(
        account.byCategoryPhase.map((g) => ({
          group: `${g.category}/${g.phase}`,
          amount: expect.stringMatching(/./),
          released: expect.stringMatching(/./),
          held: expect.stringMatching(/./),
        })),
      );
      for (const g of account.byCategoryPhase) {
        const row = card.groups.find((r) => r.group === `${g.category}/${g.phase}`)!;
        expect([plain(row.amount), plain(row.released)]).toEqual([g.amount, g.released]);
      }
      // One chart segment per category and phase holding money (a cancelled tranche holds none).
      expect(card.chart.sort()).toEqual(account.byCategoryPhase.filter((g) => Number(g.amount) > 0).map((g) => `${g.category}/${g.phase}`).sort());
      expect(Object.fromEntries(Object.entries(card.counts).map(([k, v]) => [k, Number(plain(v))]))).toEqual(
        Object.fromEntries(Object.entries(account.trancheCounts).filter(([, n]) => n > 0)),
      );
      const total = Object.values(account.trancheCounts).reduce((a, b) => a + b, 0);
      expect(card.showTranches).toBe(total > 0 ? `/v1/public/escrow-accounts/${account.id}/tranches` : null);
    }
    const eastern = view.accounts.find((a) => a.id === story.accounts.eastern)!;
    expect(eastern).toMatchObject({ statusText: 'Suspended', suspendedNotice: true });
    expect(view.accounts.find((a) => a.id === story.accounts.northern)!.suspendedNotice).toBe(false);

    expect(plain(view.ledger.transactions)).toBe(String(api.ledger.transactions));
    expect(plain(view.ledger.sealed)).toBe(String(api.ledger.sealed));
    expect(view.ledger.headHash).toBe(api.ledger.headHash);
    expect(plain(view.checkpoint.treeSize)).toBe(String(api.checkpoint!.treeSize));
    expect(view.checkpoint.rootHash).toBe(api.checkpoint!.rootHash);
  }

  it('says where the money is with JavaScript off: every figure is in the HTML, and axe finds nothing serious', async () => {
    const { page, context } = await open({ width: 1280, height: 900 }, { javaScriptEnabled: false });
    try {
      const view = await shown(page);
      expect(view.scriptRan).toBe(false);
      expectSummary(view);
      expect(view.accounts.flatMap((a) => a.tranches)).toEqual([]); // tranches come page by page, on demand
      // The names users typed are text, never markup.
      expect(await page.locator('b').count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-no-script.png'), fullPage: true });
    } finally {
      await context.close();
    }
    // axe needs scripts of its own (its timers do not run with JavaScript off): the same page
    // with the dashboard's script blocked is the page a reader without JavaScript gets.
    const plainContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await plainContext.newPage();
      await page.route('**/dashboard/assets/dashboard.js', (route) => route.abort());
      await page.goto(`${url}/`);
      expect((await shown(page)).scriptRan).toBe(false);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await plainContext.close();
    }
  });

  it('points at the standard C2SP checkpoint, the log key and a verifier anyone can get, not this project\'s CLI', async () => {
    const { page, context } = await open({ width: 1280, height: 900 }, { javaScriptEnabled: false });
    try {
      const { hint } = await shown(page);
      expect(hint.links).toEqual(expect.arrayContaining(['/checkpoint', '/v1/public/checkpoints/key', 'https://pkg.go.dev/golang.org/x/mod/sumdb/note']));
      expect(hint.vkey).toBe(vkey);
      expect(hint.text).toContain('golang.org/x/mod/sumdb/note');
      expect(hint.text).not.toMatch(/npm|cli/);
      await t.http().get('/checkpoint').expect(200).expect('content-type', 'text/plain; charset=utf-8');
    } finally {
      await context.close();
    }
  });

  it('shows exact decimal strings everywhere: 0.10 + 0.20 is 0.30 in the tooltip and the table', async () => {
    const { page, context } = await open({ width: 1280, height: 900 });
    try {
      const card = (await shown(page)).accounts.find((a) => a.id === smallChange)!;
      expect(card.tooltips).toEqual(['Water & utilities, phase 1: 0.30 USD committed, 0.00 released']);
      expect(card.groups).toEqual([{ group: 'utilities/1', amount: '0.30', released: '0.00', held: '0.30' }]);
      const text = await page.textContent('body');
      expect(text).not.toMatch(/\d\.\d*0000000\d/);
      await showAllTranches(page, smallChange);
      const rows = (await shown(page)).accounts.find((a) => a.id === smallChange)!.tranches;
      expect(rows.map((r) => r.amount).sort()).toEqual(['0.10', '0.20']);
      expect(rows.map((r) => r.recipient)).toEqual(['Corner <b>Shop</b>', 'Corner <b>Shop</b>']);
    } finally {
      await context.close();
    }
  });

  it('shows exactly the API figures, and each account\'s tranches on demand with their statuses and benchmarks (desktop)', async () => {
    const { page, context, problems } = await open({ width: 1280, height: 900 });
    try {
      expectSummary(await shown(page));
      for (const account of api.escrowAccounts) await showAllTranches(page, account.id);
      const view = await shown(page);
      for (const account of api.escrowAccounts) {
        const card = view.accounts.find((a) => a.id === account.id)!;
        const tranches = await tranchesOf(account.id);
        expect(card.tranches.map((x) => x.id)).toEqual(tranches.map((x) => x.id));
        for (const tranche of tranches) {
          const row = card.tranches.find((x) => x.id === tranche.id)!;
          expect(plain(row.amount)).toBe(tranche.amount);
          expect(plain(row.released)).toBe(tranche.releasedAmount);
          expect(row.recipient).toBe(tranche.recipient.name);
          expect(row.status).toBe(tranche.status);
          expect(row.phase).toBe(String(tranche.phase));
          expect(row.benchmarks.map((b) => ({ kind: b.kind, status: b.status }))).toEqual(tranche.benchmarks);
          for (const b of row.benchmarks) expect(b.text).toContain(b.status);
        }
        expect(card.showTranches).toBeNull(); // every page is in: the control is gone
      }
      expect(await axeViolations(page)).toEqual([]);
      expect(problems).toEqual([]); // no script error, no CSP violation
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('pages the tranches: page after page, none twice, none missing, then the control goes', async () => {
    const { page, context, problems } = await open({ width: 1280, height: 900 });
    try {
      // Pages of 2 (the page asks for 50): the northern account's 6 tranches take three requests.
      const asked: string[] = [];
      await page.route('**/v1/public/escrow-accounts/*/tranches*', (route) => {
        const next = new URL(route.request().url());
        next.searchParams.set('limit', '2');
        asked.push(next.search);
        return route.continue({ url: next.toString() });
      });
      const id = story.accounts.northern;
      const rows = () => page.locator(`[data-account="${id}"] [data-tranche]`).count();
      await page.click(`[data-account="${id}"] [data-show-tranches]`);
      await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 2, `[data-account="${id}"] [data-tranche]`);
      expect(await page.textContent(`[data-account="${id}"] [data-show-tranches]`)).toContain('2 of 6 shown');
      await showAllTranches(page, id);
      expect(await rows()).toBe(6);
      expect(asked).toHaveLength(3);
      expect(asked[0]).not.toContain('cursor=');
      expect(asked.slice(1).every((q) => q.includes('cursor='))).toBe(true);
      const shownIds = (await shown(page)).accounts.find((a) => a.id === id)!.tranches.map((x) => x.id);
      expect(shownIds).toEqual((await tranchesOf(id)).map((x) => x.id));
      expect(new Set(shownIds).size).toBe(6);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits a phone screen: no horizontal scrolling, tables as cards, same figures', async () => {
    const { page, context, problems } = await open({ width: 390, height: 844 }, { isMobile: true });
    try {
      await showAllTranches(page, story.accounts.northern);
      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        theadShown: getComputedStyle(document.querySelector('.tranches thead')!).display !== 'none',
      }));
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
      expect(layout.theadShown).toBe(false);
      const view = await shown(page);
      const northern = api.escrowAccounts.find((a) => a.id === story.accounts.northern)!;
      expect(plain(view.accounts.find((a) => a.id === northern.id)!.figures.unallocated)).toBe(northern.balances.unallocated);
      expect(await axeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-phone.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('refreshes the summary in place when the ledger moves, keeping the tranches a reader opened', async () => {
    const { page, context, problems } = await open({ width: 1024, height: 768 }, { clock: true });
    try {
      await showAllTranches(page, story.accounts.northern);
      const donor = await t.principal('donor');
      await t.http().post(`/v1/escrow-accounts/${story.accounts.eastern}/deposits`).set(donor.auth).send({ amount: '1000.00' }).expect(201);
      const figure = `[data-account="${story.accounts.eastern}"] [data-figure="deposited"]`;
      expect(plain(await page.textContent(figure))).toBe('80000.00');
      await page.clock.runFor(30_000);
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '81,000.00', figure);
      expect(await page.locator(`[data-account="${story.accounts.northern}"] [data-tranche]`).count()).toBe(6);
      expect(problems).toEqual([]);
      // And a new visit shows it too.
      await page.reload();
      expect(plain(await page.textContent(figure))).toBe('81000.00');
    } finally {
      await context.close();
    }
  });

  it('serves the page and its assets with no key, under the CSP, with ETags, gzip, and nothing else from disk', async () => {
    const page = await t.http().get('/').expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline script…
    expect(page.text).not.toMatch(/\son[a-z]+=/); // …and no inline event handler
    expect(page.text).toContain('data-figure="deposited"'); // the figures are in the HTML itself
    await t.http().get('/').set('If-None-Match', page.headers.etag).expect(304);
    const fastify = t.app.getHttpAdapter().getInstance() as FastifyInstance;
    const zipped = await fastify.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(page.text); // the same cached document
    await t.http().get('/dashboard').expect(200);
    const script = await t.http().get('/dashboard/assets/dashboard.js').expect(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    await t.http().get('/dashboard/assets/dashboard.css').expect(200);
    await t.http().get('/dashboard/assets/dashboard.js').set('If-None-Match', script.headers.etag).expect(304);
    await t.http().get('/dashboard/assets/index.html').expect(404); // the template, unfilled, is not a page
    await t.http().get('/dashboard/assets/package.json').expect(404);
    await t.http().get('/dashboard/assets/..%2F..%2F..%2Fpackage.json').expect(404);
  });
});
