import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { CheckpointService } from '../../src/attestation/checkpoints/checkpoint.service';
import type { DashboardView } from '../../src/reporting/dashboard/dashboard.service';
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
      accounts: [...document.querySelectorAll('[data-account]')].map((card) => ({
        id: card.dataset.account!,
        name: text(card, 'h2'),
        status: card.querySelector('[data-account-status]')?.dataset.accountStatus,
        statusText: text(card, '[data-account-status]'),
        suspendedNotice: card.querySelector('.notice.warn') !== null,
        figures: Object.fromEntries([...card.querySelectorAll('[data-figure]')].map((f: any) => [f.dataset.figure as string, f.textContent.trim() as string])) as Record<string, string>,
        chart: [...card.querySelectorAll('[data-chart-category]')].map((s) => `${s.dataset.chartCategory}/${s.dataset.chartPhase}`),
        tranches: [...card.querySelectorAll('[data-tranche]')].map((row) => ({
          id: row.dataset.tranche!,
          phase: text(row, '[data-cell="phase"]'),
          amount: text(row, '[data-cell="amount"]'),
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

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    t = await startTransparencyApp({ CHECKPOINT_PRIVATE_KEY: randomSeed() });
    story = await seedStory(t);
    await t.seal();
    await t.app.get(CheckpointService).produce({ force: true });
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
    api = (await t.http().get('/v1/public/dashboard').expect(200)).body;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(viewport: { width: number; height: number }, isMobile = false) {
    const context = await browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: isMobile ? 2 : 1 });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    const response = await page.goto(`${url}/`);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });
    return { page, context, problems };
  }

  it('shows exactly the API figures, statuses, benchmarks and checkpoint (desktop), and saves a screenshot', async () => {
    const { page, context, problems } = await open({ width: 1280, height: 900 });
    try {
      const view = await shown(page);
      expect(view.accounts.map((a) => a.id)).toEqual(api.escrowAccounts.map((a) => a.id));
      for (const account of api.escrowAccounts) {
        const card = view.accounts.find((a) => a.id === account.id)!;
        expect(card.name).toBe(account.name);
        expect(card.status).toBe(account.status);
        expect(Object.fromEntries(Object.entries(card.figures).map(([k, v]) => [k, plain(v)]))).toEqual(account.balances);
        expect(card.tranches.map((x) => x.id)).toEqual(account.tranches.map((x) => x.id));
        for (const tranche of account.tranches) {
          const row = card.tranches.find((x) => x.id === tranche.id)!;
          expect(plain(row.amount)).toBe(tranche.amount);
          expect(row.status).toBe(tranche.status);
          expect(row.phase).toBe(String(tranche.phase));
          expect(row.benchmarks.map((b) => ({ kind: b.kind, status: b.status }))).toEqual(tranche.benchmarks);
          for (const b of row.benchmarks) expect(b.text).toContain(b.status);
        }
        // One chart segment per category and phase holding money (cancelled tranches hold none).
        const expected = [...new Set(account.tranches.filter((x) => x.status !== 'cancelled').map((x) => `${x.category}/${x.phase}`))];
        expect(card.chart.sort()).toEqual(expected.sort());
      }
      const eastern = view.accounts.find((a) => a.id === story.accounts.eastern)!;
      expect(eastern).toMatchObject({ statusText: 'Suspended', suspendedNotice: true });
      expect(view.accounts.find((a) => a.id === story.accounts.northern)!.suspendedNotice).toBe(false);

      expect(plain(view.ledger.transactions)).toBe(String(api.ledger.transactions));
      expect(plain(view.ledger.sealed)).toBe(String(api.ledger.sealed));
      expect(view.ledger.headHash).toBe(api.ledger.headHash);
      expect(plain(view.checkpoint.treeSize)).toBe(String(api.latestCheckpoint!.treeSize));
      expect(view.checkpoint.rootHash).toBe(api.latestCheckpoint!.rootHash);

      expect(problems).toEqual([]); // no script error, no CSP violation
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('fits a phone screen: no horizontal scrolling, tranches as cards, same figures', async () => {
    const { page, context, problems } = await open({ width: 390, height: 844 }, true);
    try {
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
      expect(problems).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-phone.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('shows a new deposit on its next refresh (the cached JSON is invalidated by the write)', async () => {
    const { page, context } = await open({ width: 1024, height: 768 });
    try {
      const donor = await t.principal('donor');
      await t.http().post(`/v1/escrow-accounts/${story.accounts.eastern}/deposits`).set(donor.auth).send({ amount: '1000.00' }).expect(201);
      await page.reload();
      await page.waitForSelector('body[data-state="ready"]');
      const deposited = await page.textContent(`[data-account="${story.accounts.eastern}"] [data-figure="deposited"]`);
      expect(plain(deposited)).toBe('81000.00');
    } finally {
      await context.close();
    }
  });

  it('serves the page and its assets with no key, under the CSP, and nothing else from disk', async () => {
    const page = await t.http().get('/').expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline script…
    expect(page.text).not.toMatch(/\son[a-z]+=/); // …and no inline event handler
    await t.http().get('/dashboard').expect(200);
    const script = await t.http().get('/dashboard/assets/dashboard.js').expect(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    await t.http().get('/dashboard/assets/dashboard.css').expect(200);
    await t.http().get('/dashboard/assets/dashboard.js').set('If-None-Match', script.headers.etag).expect(304);
    await t.http().get('/dashboard/assets/package.json').expect(404);
    await t.http().get('/dashboard/assets/..%2F..%2F..%2Fpackage.json').expect(404);
  });
});
