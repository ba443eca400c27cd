import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { GovernanceService } from '../../src/auth/governance.service';
import { InvitationsService } from '../../src/console/people/invitations.service';
import { Database } from '../../src/database/database';
import { acceptInvitation, axeViolations, fitsWidth, launchChromium, mainText, personContext, screenshotPath, signIn, submit } from '../support/console';
import { describeWithChromium } from '../support/system-tools';
import { startTestApp, TestApp } from '../support/test-app';

// page.evaluate callbacks run in the browser; the project compiles without the DOM library.
declare const document: any;

const PASSWORD = 'a long pass phrase for tests';

/**
 * The whole story through the console only, in a real browser: the host bootstraps two admins
 * (as `principal:create --email` and `console:invite` do); everything after that is pages and
 * forms. Then the API confirms what the pages did. axe-core checks every kind of page on the way.
 */
describeWithChromium()('the console: the whole story in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const accessibility = new Map<string, string[]>();
  const problems: string[] = [];

  /** axe-core once per kind of page (ids and tokens stripped from its path). */
  async function check(page: Page): Promise<void> {
    const kind = new URL(page.url()).pathname.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id').replace(/invitations\/[^/]+/, 'invitations/:token');
    if (accessibility.has(kind)) return;
    accessibility.set(kind, await axeViolations(page));
  }

  async function person(email: string, inviteUrl: string) {
    const { page, problems: own } = await personContext(browser);
    // A refusal is a page with a 4xx status, which Chromium reports as an error: not a problem.
    page.on('console', (m) => m.type() === 'error' && !/status of 4\d\d/.test(m.text()) && problems.push(`${email}: ${m.text()}`));
    await page.goto(inviteUrl);
    await check(page);
    const secret = await acceptInvitation(page, inviteUrl, PASSWORD);
    expect(await mainText(page)).toContain('Your sign-in is set up');
    await signIn(page, base, email, PASSWORD, secret);
    await check(page);
    return { page, secret, problems: own };
  }

  /** What the invitation page of the console shows once: the link. */
  async function inviteFromPeoplePage(admin: Page, name: string): Promise<string> {
    await admin.goto(`${base}/console/people`);
    await submit(admin, `tr:has-text("${name}") button:has-text("Invite to the console")`);
    await check(admin);
    return (await admin.inputValue('input[data-secret]'))!;
  }

  beforeAll(async () => {
    t = await startTestApp({
      CONSOLE_SECRET_KEY: randomBytes(32).toString('base64'),
      CHECKPOINT_PRIVATE_KEY: randomBytes(32).toString('base64'),
      SEALER_INTERVAL_MS: 50,
      CHECKPOINT_INTERVAL_MS: 200,
    });
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('invites, enrolls, deposits, allocates, signs off twice, requests, approves (four eyes) and verifies, all in pages', async () => {
    // The host's bootstrap: two admins with emails, and an invitation each (the command line's way).
    const bootstrap = async (name: string, email: string) => {
      const issued = await t.app.get(Database).transaction(() => t.app.get(GovernanceService).bootstrap(name, 'admin', 'Escrow Office', email));
      return t.app.get(Database).transaction(() => t.app.get(InvitationsService).issue(issued.id, null, base));
    };
    const ada = await person('ada@example.org', (await bootstrap('Ada', 'ada@example.org')).url);
    const grace = await person('grace@example.org', (await bootstrap('Grace', 'grace@example.org')).url);
    expect(await mainText(ada.page)).toContain('Awaiting my approval');

    // Ada registers the organizations and requests the people; Grace approves them.
    await ada.page.goto(`${base}/console/people`);
    await check(ada.page);
    for (const [name, type] of [
      ['Reconstruction Fund', 'donor'],
      ['Monitoring Office North', 'monitor'],
      ['Independent Auditors Ltd', 'monitor'],
      ['Audit Board', 'auditor'],
      ['Northern Water Utility', 'recipient'],
    ]) {
      await ada.page.fill('form[action="/console/organizations"] input[name="name"]', name);
      await ada.page.selectOption('form[action="/console/organizations"] select[name="type"]', type);
      await submit(ada.page, 'form[action="/console/organizations"] button');
    }
    const people = [
      { name: 'Dana', role: 'donor', org: 'Reconstruction Fund', email: 'dana@fund.example' },
      { name: 'Mona', role: 'monitor', org: 'Monitoring Office North', email: 'mona@north.example' },
      { name: 'Lin', role: 'monitor', org: 'Independent Auditors Ltd', email: 'lin@auditors.example' },
      { name: 'Ravi', role: 'auditor', org: 'Audit Board', email: 'ravi@board.example' },
    ];
    for (const p of people) {
      await ada.page.goto(`${base}/console/people`);
      await ada.page.fill('form[action="/console/people"] input[name="name"]', p.name);
      await ada.page.selectOption('form[action="/console/people"] select[name="role"]', p.role);
      await ada.page.selectOption('form[action="/console/people"] select[name="organizationId"]', { label: `${p.org} (${p.role})` });
      await ada.page.fill('form[action="/console/people"] input[name="email"]', p.email);
      await submit(ada.page, 'form[action="/console/people"] button');
      expect(await mainText(ada.page)).toContain(`${p.name} is requested`);
      await check(ada.page);
    }
    // Ada sees them awaiting others; Grace sees them awaiting her, and approves each.
    await ada.page.goto(`${base}/console`);
    expect(await ada.page.locator('section:has(#awaiting-me) [data-person]').count()).toBe(0);
    expect(await ada.page.locator('section:has(#awaiting-others) [data-person]').count()).toBe(people.length);
    await grace.page.goto(`${base}/console`);
    for (const p of people) await submit(grace.page, `button:has-text("Approve ${p.name}")`);
    expect(await mainText(grace.page)).toContain('Nothing awaits your approval');

    // Ada invites each person; each sets up their sign-in and signs in.
    const invited: Record<string, Awaited<ReturnType<typeof person>>> = {};
    for (const p of people) invited[p.name] = await person(p.email, await inviteFromPeoplePage(ada.page, p.name));

    // Ada opens the escrow account.
    await ada.page.goto(`${base}/console/accounts`);
    await check(ada.page);
    await ada.page.fill('form[action="/console/accounts"] input[name="name"]', 'Northern Province 2027');
    await ada.page.selectOption('form[action="/console/accounts"] select[name="currency"]', 'USD');
    await ada.page.fill('form[action="/console/accounts"] input[name="country"]', 'UA');
    await submit(ada.page, 'form[action="/console/accounts"] button');
    const accountId = /\/console\/accounts\/([0-9a-f-]{36})$/.exec(ada.page.url())![1];

    // Dana deposits and allocates a tranche.
    const dana = invited.Dana.page;
    await dana.goto(`${base}/console/accounts/${accountId}`);
    await check(dana);
    await dana.fill(`form[action$="/deposits"] input[name="amount"]`, '1000000.00');
    await dana.fill(`form[action$="/deposits"] input[name="reference"]`, 'wire 001');
    await submit(dana, `form[action$="/deposits"] button`);
    await dana.selectOption(`form[action$="/tranches"] select[name="category"]`, 'utilities');
    await dana.fill(`form[action$="/tranches"] input[name="amount"]`, '400000.00');
    await dana.selectOption(`form[action$="/tranches"] select[name="recipientOrganizationId"]`, { label: 'Northern Water Utility' });
    await submit(dana, `form[action$="/tranches"] button`);
    const trancheId = /\/console\/tranches\/([0-9a-f-]{36})$/.exec(dana.url())![1];
    await check(dana);

    // A refusal in words, and nothing changes: allocating more than is unallocated.
    await dana.goto(`${base}/console/accounts/${accountId}`);
    await dana.selectOption(`form[action$="/tranches"] select[name="category"]`, 'clinics');
    await dana.fill(`form[action$="/tranches"] input[name="amount"]`, '600000.01');
    await dana.selectOption(`form[action$="/tranches"] select[name="recipientOrganizationId"]`, { label: 'Northern Water Utility' });
    await submit(dana, `form[action$="/tranches"] button`);
    const refusal = await mainText(dana);
    expect(refusal).toContain('There is not enough unallocated money for this.');
    expect(refusal).toContain('Nothing was changed.');
    expect(refusal).not.toContain('INSUFFICIENT_FUNDS');
    await check(dana);

    // Ada sets both benchmarks.
    await ada.page.goto(`${base}/console/tranches/${trancheId}`);
    for (const [kind, description] of [
      ['humanitarian_access', 'Unimpeded access for 30 days'],
      ['anti_corruption', 'Procurement audit passed'],
    ]) {
      await ada.page.selectOption('form[action$="/benchmarks"] select[name="kind"]', kind);
      await ada.page.fill('form[action$="/benchmarks"] textarea[name="description"]', description);
      await submit(ada.page, 'form[action$="/benchmarks"] button');
    }
    await check(ada.page);

    // Both monitors approve both benchmarks from their queue.
    for (const monitor of [invited.Mona.page, invited.Lin.page]) {
      await monitor.goto(`${base}/console`);
      expect(await monitor.locator('tr[data-benchmark]').count()).toBe(2);
      if (monitor === invited.Mona.page) await monitor.screenshot({ path: screenshotPath('console-monitor.png'), fullPage: true });
      for (let i = 0; i < 2; i++) {
        await monitor.click('tr[data-benchmark] a');
        await monitor.waitForURL(/\/console\/benchmarks\//);
        await check(monitor);
        await monitor.check('input[name="decision"][value="approve"]');
        await monitor.fill('textarea[name="evidence"]', 'site visit report MO-221');
        await submit(monitor, 'form[action$="/signoffs"] button');
      }
      expect(await mainText(monitor)).toContain("Nothing awaits your organization's decision.");
    }

    // Ada requests the release: she is shown no approve control on her own request.
    await ada.page.goto(`${base}/console/tranches/${trancheId}`);
    await submit(ada.page, 'form[action$="/release-requests"] button');
    await check(ada.page);
    expect(await ada.page.locator('[data-release] button:has-text("Approve")').count()).toBe(0);
    expect(await mainText(ada.page)).toContain('You requested this release: someone else approves it.');
    await ada.page.goto(`${base}/console`);
    expect(await ada.page.locator('section:has(#awaiting-others) [data-release]').count()).toBe(1);
    expect(await ada.page.locator('section:has(#awaiting-me) [data-release]').count()).toBe(0);
    await ada.page.screenshot({ path: screenshotPath('console-admin.png'), fullPage: true });

    // Grace approves: the money moves.
    await grace.page.goto(`${base}/console`);
    expect(await mainText(grace.page)).toContain('Still needed: one administrator other than Ada');
    await submit(grace.page, 'section:has(#awaiting-me) [data-release] button:has-text("Approve and release")');
    await grace.page.goto(`${base}/console/tranches/${trancheId}`);
    expect(await grace.page.getAttribute('main [data-status]', 'data-status')).toBe('released');
    expect(await mainText(grace.page)).toContain('approved by Grace');

    // Dana's figures, exactly as decimal strings formatted for her locale; and her chart.
    await dana.goto(`${base}/console`);
    const figure = (name: string) => dana.getAttribute(`tr[data-account="${accountId}"] [data-figure="${name}"]`, 'value');
    expect(await figure('deposited')).toBe('1000000.00');
    expect(await figure('released')).toBe('400000.00');
    expect(await figure('unallocated')).toBe('600000.00');
    expect(await dana.textContent(`tr[data-account="${accountId}"] [data-figure="deposited"]`)).toBe('1,000,000.00 USD');
    await dana.goto(`${base}/console/accounts/${accountId}`);
    expect(await dana.locator('[data-chart-category="utilities"][data-chart-phase="1"]').count()).toBe(1);
    await dana.screenshot({ path: screenshotPath('console-donor.png'), fullPage: true });
    await check(dana);

    // Ravi verifies the ledger: progress streamed to the page, then the result.
    const ravi = invited.Ravi.page;
    await ravi.goto(`${base}/console/verify`);
    await check(ravi);
    await ravi.click('form[data-verify-stream] button');
    await ravi.waitForSelector('body[data-verify-done="true"]', { timeout: 30_000 });
    expect(Number(await ravi.getAttribute('body', 'data-verify-events'))).toBeGreaterThan(0);
    expect(await ravi.getAttribute('[data-verify-ok]', 'data-verify-ok')).toBe('true');
    expect(await mainText(ravi)).toContain('The ledger is intact.');
    expect(await mainText(ravi)).not.toContain('0 are sealed');
    await ravi.screenshot({ path: screenshotPath('console-auditor.png'), fullPage: true });
    for (const path of ['/console', '/console/journal', '/console/checkpoint', '/console/verify/result']) {
      await ravi.goto(`${base}${path}`);
      await check(ravi);
    }
    await ravi.goto(`${base}/console/journal?kind=credential_enrolled`);
    expect(await ravi.locator('li[data-kind="credential_enrolled"]').count()).toBe(6);

    // Checked through the API.
    const auditor = await t.principal('auditor');
    const tranche = (await t.http().get(`/v1/tranches/${trancheId}`).set(auditor.auth).expect(200)).body;
    expect(tranche.status).toBe('released');
    expect(tranche.benchmarks.map((b: { status: string }) => b.status)).toEqual(['met', 'met']);
    const account = (await t.http().get(`/v1/escrow-accounts/${accountId}`).set(auditor.auth).expect(200)).body;
    expect(account.balances).toMatchObject({ deposited: '1000000.00', allocated: '0.00', released: '400000.00', unallocated: '600000.00' });
    const verified = (await t.http().get('/v1/ledger/verify').set(auditor.auth).expect(200)).body;
    expect(verified.ok).toBe(true);
    const journal = (await t.http().get('/v1/ledger/transactions?limit=1000').set(auditor.auth).expect(200)).body.items;
    const kinds = journal.map((j: { kind: string }) => j.kind);
    expect(kinds.filter((k: string) => k === 'invitation_issued')).toHaveLength(6);
    expect(kinds.filter((k: string) => k === 'credential_enrolled')).toHaveLength(6);
    const enrolled = journal.find((j: { kind: string }) => j.kind === 'credential_enrolled');
    expect(JSON.stringify(enrolled.body)).not.toMatch(/argon2id\$|[A-Z2-7]{32}/); // no hash, no secret
    const approval = journal.find((j: { kind: string }) => j.kind === 'release_approved');
    expect(approval.actorPrincipalId).not.toBe(journal.find((j: { kind: string }) => j.kind === 'release_requested').actorPrincipalId);

    // A phone: the donor's pages fit the width.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, storageState: await dana.context().storageState() });
    const small = await phone.newPage();
    for (const path of ['/console', `/console/accounts/${accountId}`, `/console/tranches/${trancheId}`]) {
      await small.goto(`${base}${path}`);
      expect(await fitsWidth(small)).toBe(true);
    }
    await small.goto(`${base}/console`);
    await small.screenshot({ path: screenshotPath('console-donor-phone.png'), fullPage: true });
    await phone.close();

    const serious = [...accessibility].filter(([, v]) => v.length > 0).map(([k, v]) => `${k}: ${v.join('; ')}`);
    expect(serious).toEqual([]);
    expect(accessibility.size).toBeGreaterThanOrEqual(12);
    expect(problems).toEqual([]); // no script error, no CSP violation
  }, 240_000);

  it('works with the keyboard alone: skip link, then the sign-in form by Tab and Enter', async () => {
    const { page, context } = await personContext(browser);
    try {
      await page.goto(`${base}/console/login`);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('email');
      await page.keyboard.type('nobody@example.org');
      await page.keyboard.press('Tab');
      await page.keyboard.type('not the password at all');
      await page.keyboard.press('Enter');
      await page.waitForURL(/problem=wrong/);
      expect(await mainText(page)).toContain('The email, password or code is not right.');
    } finally {
      await context.close();
    }
  });
});
