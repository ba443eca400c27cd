import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { rawEd25519PublicKey } from '../../src/tlog/c2sp/ed25519';
import { GovernanceService } from '../../src/auth/governance.service';
import { InvitationsService } from '../../src/console/people/invitations.service';
import { Database } from '../../src/database/database';
import { acceptInvitation, axeViolations, launchChromium, mainText, personContext, signIn, submit } from '../support/console';
import { askRelease, openCase, release, verifiedCase } from '../support/oversight';
import { describeWithChromium } from '../support/system-tools';
import { startTestApp, TestApp } from '../support/test-app';
import { allocate, Cast, createCast, createEscrowAccount, deposit, readyTranche } from '../support/workflow';

// page.evaluate callbacks run in the browser; the project compiles without the DOM library.
declare const document: any;

const PASSWORD = 'a long pass phrase for tests';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n');

/**
 * Oversight in the browser: monitors of two organizations read a whistleblower report and reply,
 * open and verify a case, lift it; an inspection's finding; evidence files uploaded from the
 * console (with script: XMLHttpRequest and a progress bar; without: a plain multipart post) and
 * cited by sign-offs. Each step is then checked through the API; axe-core on every new page.
 */
describeWithChromium()('the console: oversight pages', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let cast: Cast;
  const accessibility = new Map<string, string[]>();
  const problems: string[] = [];

  async function check(page: Page): Promise<void> {
    const kind = new URL(page.url()).pathname.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id');
    if (accessibility.has(kind)) return;
    accessibility.set(kind, await axeViolations(page));
  }

  /** A person with an email, invited by the host, enrolled and signed in in their own browser context. */
  async function person(name: string, role: 'monitor' | 'admin' | 'auditor', organization: string, options: { javaScript?: boolean } = {}) {
    const email = `${name.toLowerCase()}@${role}.example`;
    const db = t.app.get(Database);
    const issued = await db.transaction(() => t.app.get(GovernanceService).bootstrap(name, role, organization, email));
    const { url } = await db.transaction(() => t.app.get(InvitationsService).issue(issued.id, null, base));
    const own = options.javaScript === false ? await (await browser.newContext({ javaScriptEnabled: false })).newPage() : (await personContext(browser)).page;
    own.on('console', (m) => m.type() === 'error' && !/status of 4\d\d/.test(m.text()) && problems.push(`${email}: ${m.text()}`));
    own.on('pageerror', (e) => problems.push(`${email}: ${e.message}`));
    const secret = await acceptInvitation(own, url, PASSWORD);
    await signIn(own, base, email, PASSWORD, secret);
    return { page: own, id: issued.id, auth: { Authorization: `Bearer ${issued.apiKey}` } };
  }

  let mona: Awaited<ReturnType<typeof person>>;
  let lin: Awaited<ReturnType<typeof person>>;
  let ada: Awaited<ReturnType<typeof person>>;

  beforeAll(async () => {
    t = await startTestApp({ CONSOLE_SECRET_KEY: randomBytes(32).toString('base64'), REPORTS_ENCRYPTION_KEY: randomBytes(32).toString('hex') });
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
    browser = await launchChromium();
    cast = await createCast(t);
    mona = await person('Mona', 'monitor', 'Monitoring Office North');
    lin = await person('Lin', 'monitor', 'Independent Auditors Ltd', { javaScript: false });
    ada = await person('Ada', 'admin', 'Escrow Office');
  }, 60_000);
  afterAll(async () => {
    const serious = [...accessibility].filter(([, v]) => v.length > 0).map(([k, v]) => `${k}: ${v.join('; ')}`);
    await browser?.close();
    await t?.close();
    expect(serious).toEqual([]);
    // reports, a report, cases, a case, a benchmark (with the upload form), inspections, an inspection, policy changes, an account
    expect(accessibility.size).toBeGreaterThanOrEqual(9);
    expect(problems).toEqual([]); // no script error, no CSP violation
  });

  let reportId: string;
  let accountId: string;
  let trancheId: string;
  let caseId: string;

  it('a monitor reads a whistleblower report and replies (by keyboard); the reporter reads the reply with the receipt', async () => {
    accountId = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, accountId, '1000.00');
    trancheId = await readyTranche(t, cast, accountId, '100.00');
    const sent = await t.http().post('/v1/reports').send({ summary: 'Cement resold at the depot', details: 'Forty bags a night, since March.', trancheId }).expect(201);
    reportId = sent.body.id;

    await mona.page.goto(`${base}/console`);
    await submit(mona.page, 'nav a:has-text("Reports")');
    await check(mona.page);
    expect(await mona.page.locator(`tr[data-report="${reportId}"]`).count()).toBe(1);
    await submit(mona.page, `tr[data-report="${reportId}"] a`);
    await check(mona.page);
    const text = await mainText(mona.page);
    expect(text).toContain('Forty bags a night, since March.');
    expect(text).toContain('tranche utilities, phase 1');

    // The reply by keyboard: type into the message, Tab to its button, Enter.
    await mona.page.focus('form[action$="/messages"] textarea[name="text"]');
    await mona.page.keyboard.type('Thank you. Can you say which depot?');
    await mona.page.keyboard.press('Tab');
    expect(await mona.page.evaluate(() => document.activeElement?.textContent)).toBe('Send the reply');
    await Promise.all([mona.page.waitForLoadState('load'), mona.page.waitForEvent('framenavigated'), mona.page.keyboard.press('Enter')]);
    expect(await mona.page.locator('ol.messages li[data-from="monitor"]').innerText()).toContain('Can you say which depot?');
    expect(await mona.page.getAttribute('main .lead [data-status]', 'data-status')).toBe('under_review');

    const mine = (await t.http().get('/v1/reports/mine').set('x-report-receipt', sent.body.receipt).expect(200)).body;
    expect(mine.messages).toEqual([expect.objectContaining({ from: 'monitor', text: 'Thank you. Can you say which depot?' })]);
    expect(mine.status).toBe('under_review');
  }, 60_000);

  it('two monitors of distinct organizations open and verify a case in the console; the API holds the scope; the refusal in words; then they lift it', async () => {
    // Mona opens a case on the report, scoped to its tranche.
    await mona.page.goto(`${base}/console/reports/${reportId}`);
    await submit(mona.page, 'a:has-text("Open a case on this report")');
    await check(mona.page);
    await mona.page.fill('form[action="/console/cases"] textarea[name="allegation"]', 'Cement paid for under this tranche resold');
    // A photo of the ledger page, as text here: uploaded with the script, the form keeps what she typed.
    const note = Buffer.from('depot ledger, page 14: 40 bags out, none in\n');
    await mona.page.setInputFiles('form[data-evidence-upload] input[type="file"]', { name: 'ledger.txt', mimeType: 'text/plain', buffer: note });
    await mona.page.click('form[data-evidence-upload] button');
    await mona.page.waitForSelector('form[data-evidence-upload][data-uploaded="1"]');
    await mona.page.selectOption('form[action="/console/cases"] select[name="scope"]', 'tranche');
    await mona.page.selectOption('form[action="/console/cases"] select[name="trancheId"]', trancheId);
    await submit(mona.page, 'form[action="/console/cases"] button');
    caseId = /\/console\/cases\/([0-9a-f-]{36})$/.exec(mona.page.url())![1];
    await check(mona.page);
    await mona.page.check('input[name="decision"][value="verify"]');
    await mona.page.fill('form[action$="/findings"] textarea[name="comment"]', 'Seen at the depot.\nTwice.');
    await submit(mona.page, 'form[action$="/findings"] button');
    expect(await mona.page.getAttribute('main .lead [data-status]', 'data-status')).toBe('alleged');
    expect(await mainText(mona.page)).toContain('1 of 2 (distinct monitor organizations)');

    // Lin (another organization, and a browser without script) verifies: the quorum.
    await lin.page.goto(`${base}/console/cases`);
    await submit(lin.page, `tr[data-case="${caseId}"] a`);
    await lin.page.check('input[name="decision"][value="verify"]');
    await submit(lin.page, 'form[action$="/findings"] button');
    expect(await lin.page.getAttribute('main .lead [data-status]', 'data-status')).toBe('verified');

    // The API: the case and the report as the console left them; a release in scope is refused.
    const viewed = (await t.http().get(`/v1/violation-cases/${caseId}`).set(cast.auditor.auth).expect(200)).body;
    const noteHash = createHash('sha256').update('depot ledger, page 14: 40 bags out, none in\n').digest('hex');
    expect(viewed).toMatchObject({ status: 'verified', scope: 'tranche', trancheId, reportIds: [reportId], verifications: 2, evidenceFiles: [noteHash] });
    // Without script, the upload comes back to the page with its own query kept (the report) and the file attached.
    await lin.page.goto(`${base}/console/cases?report=${reportId}`);
    await lin.page.setInputFiles('form[data-evidence-upload] input[type="file"]', { name: 'ledger.txt', mimeType: 'text/plain', buffer: Buffer.from('depot ledger, page 14: 40 bags out, none in\n') });
    await submit(lin.page, 'form[data-evidence-upload] button');
    expect(Object.fromEntries(new URL(lin.page.url()).searchParams)).toEqual({ report: reportId, evidence: noteHash });
    expect(await lin.page.inputValue('form[action="/console/cases"] input[name="evidenceFiles"]')).toBe(noteHash);
    expect(await lin.page.inputValue('form[action="/console/cases"] input[name="reportIds"]')).toBe(reportId);
    expect(viewed.findings.map((f: { principalId: string }) => f.principalId)).toEqual([mona.id, lin.id]);
    expect(viewed.findings[0].comment).toBe('Seen at the depot.\nTwice.'); // the textarea's CRLF, as \n
    expect((await askRelease(t, cast, trancheId)).body.code).toBe('VIOLATION_VERIFIED');
    expect((await t.http().get(`/v1/reports/${reportId}`).set(cast.monitors[0].auth).expect(200)).body.status).toBe('case_opened');

    // The console shows the refusal in words, and nothing changes.
    await ada.page.goto(`${base}/console/tranches/${trancheId}`);
    await submit(ada.page, 'form[action$="/release-requests"] button');
    const refusal = await mainText(ada.page);
    expect(refusal).toContain('A verified violation case stops every release here until monitors lift it.');
    expect(refusal).toContain('Nothing was changed.');
    expect(refusal).not.toContain('VIOLATION_VERIFIED');
    await ada.page.goto(`${base}/console/cases/${caseId}`);
    await check(ada.page);
    expect(await ada.page.locator('form[action$="/findings"]').count()).toBe(0); // admins do not judge

    // Both lift it: resolved, and the hold is gone (the snapped-back sign-offs must be given afresh).
    for (const monitor of [mona.page, lin.page]) {
      await monitor.goto(`${base}/console/cases/${caseId}`);
      await monitor.fill('form[action$="/lift"] textarea[name="comment"]', 'Stock reconciled');
      await submit(monitor, 'form[action$="/lift"] button');
    }
    expect(await lin.page.getAttribute('main .lead [data-status]', 'data-status')).toBe('resolved');
    expect((await askRelease(t, cast, trancheId)).body.code).toBe('BENCHMARKS_NOT_MET');
  }, 90_000);

  it('uploads a PDF from the console (with progress, and without script) and cites it in sign-offs, as the API shows', async () => {
    const other = await allocate(t, cast.donorA, accountId, { amount: '50.00', recipientOrganizationId: cast.recipientId, phase: 2 });
    const benchmark = (await t.http().post(`/v1/tranches/${other}/benchmarks`).set(cast.admin.auth).send({ kind: 'anti_corruption', description: 'Audit passed' }).expect(201)).body;
    const sha256 = createHash('sha256').update(PDF).digest('hex');

    // The form token is checked on the upload too: refused, and nothing stored.
    await mona.page.goto(`${base}/console/benchmarks/${benchmark.id}`);
    const forged = await mona.page.request.post(`${base}/console/evidence`, { multipart: { _csrf: 'not the token', file: { name: 'report.pdf', mimeType: 'application/pdf', buffer: PDF } }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect((await t.http().get(`/v1/evidence/${sha256}`).set(cast.auditor.auth)).status).toBe(404);

    // Mona: the script uploads with a progress bar and keeps her on the page, the form intact.
    await mona.page.goto(`${base}/console/benchmarks/${benchmark.id}`);
    await check(mona.page);
    await mona.page.check('input[name="decision"][value="approve"]');
    await mona.page.fill('textarea[name="evidence"]', 'Audit report attached');
    await mona.page.setInputFiles('form[data-evidence-upload] input[type="file"]', { name: 'audit.pdf', mimeType: 'application/pdf', buffer: PDF });
    await mona.page.click('form[data-evidence-upload] button');
    await mona.page.waitForSelector('form[data-evidence-upload][data-uploaded="1"]');
    expect(await mona.page.getAttribute('form[data-evidence-upload] progress', 'value')).toBe('100');
    expect(await mona.page.inputValue('textarea[name="evidence"]')).toBe('Audit report attached');
    expect(await mona.page.inputValue('form[action$="/signoffs"] input[name="evidenceFiles"]')).toBe(sha256);
    await submit(mona.page, 'form[action$="/signoffs"] button');

    // Lin, without script: the plain multipart post, back to the page with the file attached.
    await lin.page.goto(`${base}/console/benchmarks/${benchmark.id}`);
    await lin.page.setInputFiles('form[data-evidence-upload] input[type="file"]', { name: 'audit.pdf', mimeType: 'application/pdf', buffer: PDF });
    await submit(lin.page, 'form[data-evidence-upload] button');
    expect(new URL(lin.page.url()).searchParams.get('evidence')).toBe(sha256);
    expect(await lin.page.locator(`[data-evidence-attached] li[data-sha256="${sha256}"]`).count()).toBe(1);
    await lin.page.check('input[name="decision"][value="approve"]');
    await lin.page.fill('textarea[name="evidence"]', 'Same audit report');
    await submit(lin.page, 'form[action$="/signoffs"] button');

    const viewed = (await t.http().get(`/v1/benchmarks/${benchmark.id}`).set(cast.auditor.auth).expect(200)).body;
    const cited = (id: string) => viewed.signoffs.find((s: { principalId: string }) => s.principalId === id).evidenceFiles;
    expect([cited(mona.id), cited(lin.id)]).toEqual([[sha256], [sha256]]);
    const stored = await t.http().get(`/v1/evidence/${sha256}`).set(cast.auditor.auth).expect(200);
    expect(stored.headers['content-type']).toBe('application/pdf');

    // A file the service refuses: the words, on the page (the script shows the refusal's text).
    await lin.page.goto(`${base}/console/benchmarks/${benchmark.id}`);
    await lin.page.setInputFiles('form[data-evidence-upload] input[type="file"]', { name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<html><script>x</script></html>') });
    await submit(lin.page, 'form[data-evidence-upload] button');
    expect(await mainText(lin.page)).toContain('That kind of file is not accepted');
  }, 90_000);

  it("a monitor's inspections: listed as assigned, its finding recorded in the console", async () => {
    const dueBy = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const scheduled = (await t.http().post('/v1/inspections').set(cast.admin.auth).send({ scope: 'escrow_account', escrowAccountId: accountId, assignedMonitorId: mona.id, dueBy }).expect(201)).body;
    await mona.page.goto(`${base}/console`);
    await submit(mona.page, 'nav a:has-text("My inspections")');
    await check(mona.page);
    expect(await mona.page.locator(`tr[data-inspection="${scheduled.id}"]`).count()).toBe(1);
    await submit(mona.page, `tr[data-inspection="${scheduled.id}"] a`);
    await check(mona.page);
    await mona.page.check('input[name="outcome"][value="satisfactory"]');
    await mona.page.fill('form[action$="/findings"] textarea[name="comment"]', 'Stock and books agree');
    await submit(mona.page, 'form[action$="/findings"] button');
    expect(await mona.page.getAttribute('main .lead [data-status]', 'data-status')).toBe('satisfactory');
    const viewed = (await t.http().get(`/v1/inspections/${scheduled.id}`).set(cast.admin.auth).expect(200)).body;
    expect(viewed).toMatchObject({ status: 'completed', outcome: 'satisfactory', comment: 'Stock and books agree' });
    // Lin is not assigned: an unannounced inspection does not exist for her.
    await lin.page.goto(`${base}/console/inspections`);
    expect(await mainText(lin.page)).not.toContain('Stock and books agree');
  }, 60_000);

  it('a monitor who registered a signing key is told to sign, and shown no form the console would send unsigned', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    await t.http().post('/v1/principals/me/signing-keys').set(lin.auth).send({ publicKey: rawEd25519PublicKey(publicKey).toString('base64') }).expect(201);
    const alleged = await openCase(t, cast.monitors[0], { scope: 'escrow_account', escrowAccountId: accountId });
    await lin.page.goto(`${base}/console/cases/${alleged.id}`);
    expect(await mainText(lin.page)).toContain('Your finding must be signed');
    expect(await lin.page.locator('form[action$="/findings"]').count()).toBe(0);
    await check(lin.page);
  }, 30_000);

  it('an administrator schedules and draws inspections, claims money back on a verified case, and changes an approval policy four-eyes', async () => {
    const grace = await person('Grace', 'admin', 'Escrow Office');
    // Schedule one for Mona, draw one for Lin.
    await ada.page.goto(`${base}/console/inspections`);
    await check(ada.page);
    const form = 'form[action="/console/inspections"]';
    await ada.page.selectOption(`${form} select[name="scope"]`, 'escrow_account');
    await ada.page.selectOption(`${form} select[name="escrowAccountId"]`, accountId);
    await ada.page.selectOption(`${form} select[name="assignedMonitorId"]`, mona.id);
    await ada.page.fill(`${form} input[name="dueBy"]`, new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10));
    await submit(ada.page, `${form} button`);
    const scheduledId = /\/console\/inspections\/([0-9a-f-]{36})$/.exec(ada.page.url())![1];
    const before = (await t.http().get('/v1/inspections').set(cast.admin.auth).expect(200)).body.length;
    await ada.page.goto(`${base}/console/inspections`);
    await ada.page.fill('form[action$="/draw"] input[name="count"]', '1');
    await ada.page.check(`form[action$="/draw"] input[name="monitor.${lin.id}"]`);
    await submit(ada.page, 'form[action$="/draw"] button');
    expect(await mainText(ada.page)).not.toContain('Not done');
    const listed = (await t.http().get('/v1/inspections').set(cast.admin.auth).expect(200)).body;
    expect(listed.length).toBe(before + 1);
    expect(listed.find((i: { id: string }) => i.id === scheduledId)).toMatchObject({ assignedMonitorId: mona.id, scope: 'escrow_account', escrowAccountId: accountId, announced: false });
    expect(listed.filter((i: { drawId: string | null; assignedMonitorId: string }) => i.drawId !== null && i.assignedMonitorId === lin.id)).toHaveLength(1);

    // Recovery on a verified case: a claim, a refusal in words, a repayment.
    const paid = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, paid, '500.00');
    const released = await readyTranche(t, cast, paid, '100.00');
    await release(t, cast, released);
    const held = await verifiedCase(t, cast, { scope: 'tranche', trancheId: released });
    await ada.page.goto(`${base}/console/cases/${held}`);
    await check(ada.page);
    await ada.page.fill('form[action$="/recoveries"] input[name="amount"]', '100.01');
    await submit(ada.page, 'form[action$="/recoveries"] button');
    expect(await mainText(ada.page)).toContain('More than the tranche released (less what is already claimed) cannot be claimed back.');
    await ada.page.goto(`${base}/console/cases/${held}`);
    await ada.page.fill('form[action$="/recoveries"] input[name="amount"]', '60.00');
    await submit(ada.page, 'form[action$="/recoveries"] button');
    await ada.page.fill('form[action$="/repayments"] input[name="amount"]', '25.00');
    await ada.page.fill('form[action$="/repayments"] input[name="reference"]', 'MT103 0042');
    await submit(ada.page, 'form[action$="/repayments"] button');
    expect(await ada.page.getAttribute('[data-figure="outstanding"]', 'value')).toBe('35.00');
    const recovered = (await t.http().get(`/v1/violation-cases/${held}`).set(cast.auditor.auth).expect(200)).body;
    expect(recovered.recoveries).toEqual([expect.objectContaining({ trancheId: released, claimed: '60.00', repaid: '25.00', outstanding: '35.00' })]);

    // Ada proposes a policy; she may not approve her own; Grace approves it from her queue.
    await ada.page.goto(`${base}/console/accounts/${paid}`);
    await ada.page.fill('form[action$="/approval-policy"] input[name="tiers"]', '0 1; 100.00 2 distinct');
    await submit(ada.page, 'form[action$="/approval-policy"] button');
    expect(await mainText(ada.page)).not.toContain('Not done');
    await ada.page.goto(`${base}/console/policy-changes`);
    await check(ada.page);
    expect(await ada.page.locator('section:has(#policy-awaiting-others) [data-policy-change]').count()).toBe(1);
    expect(await ada.page.locator('[data-policy-change] button:has-text("Approve")').count()).toBe(0);
    await grace.page.goto(`${base}/console/policy-changes`);
    await submit(grace.page, `section:has(#policy-awaiting-me) button:has-text("Approve the change")`);
    const policy = (await t.http().get(`/v1/escrow-accounts/${paid}/approval-policy`).set(cast.admin.auth).expect(200)).body;
    expect(policy.tiers).toEqual([
      { minAmount: '0', approvals: 1, distinctOrganizations: false },
      { minAmount: '100.00', approvals: 2, distinctOrganizations: true },
    ]);
    expect(policy.pendingChanges).toEqual([]);
    await grace.page.goto(`${base}/console/accounts/${paid}`);
    await check(grace.page);
    expect(await grace.page.locator('[data-tier="100.00"]').innerText()).toContain('2 approvals, of distinct organizations');
  }, 90_000);

  it('an auditor reads cases and the inspections they may see, and is offered no form', async () => {
    const ravi = await person('Ravi', 'auditor', 'Audit Board');
    await ravi.page.goto(`${base}/console`);
    await submit(ravi.page, 'nav a:has-text("Cases")');
    expect(await ravi.page.locator(`tr[data-case="${caseId}"]`).count()).toBe(1);
    expect(await ravi.page.locator('main form').count()).toBe(0);
    await submit(ravi.page, `tr[data-case="${caseId}"] a`);
    expect(await ravi.page.getAttribute('main .lead [data-status]', 'data-status')).toBe('resolved');
    expect(await ravi.page.locator('main form').count()).toBe(0);
    await ravi.page.goto(`${base}/console/inspections`);
    expect(await ravi.page.locator('main form').count()).toBe(0);
    // The one Mona completed is visible now; the unannounced, scheduled ones are not.
    expect(await mainText(ravi.page)).toContain('Satisfactory');
    expect(await mainText(ravi.page)).not.toContain('Scheduled');
    expect(await axeViolations(ravi.page)).toEqual([]);
  }, 30_000);
});
