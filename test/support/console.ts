import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './system-tools';

// page.evaluate callbacks run in the browser; the project compiles without the DOM library.
declare const document: any;
declare const window: any;
declare const axe: any;

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/** Where screenshots go: test/artifacts (not committed); SCREENSHOT_DIR=docs refreshes the README's. */
export const SCREENSHOTS = resolve(__dirname, '../..', process.env.SCREENSHOT_DIR ?? 'test/artifacts');
mkdirSync(SCREENSHOTS, { recursive: true });

export function screenshotPath(name: string): string {
  return join(SCREENSHOTS, name);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = '';
  for (const c of clean) bits += BASE32.indexOf(c).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/**
 * RFC 6238 (HMAC-SHA-1, 6 digits, 30 s), written here from the RFC rather than taken from the
 * library the service uses: the test's code agrees with the service's only if both follow it.
 * `stepOffset` +1 is the next time step (the service accepts one step either side).
 */
export function totpCode(secretBase32: string, stepOffset = 0, now = Date.now()): string {
  const counter = BigInt(Math.floor(now / 1000 / 30) + stepOffset);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(counter);
  const digest = createHmac('sha1', base32Decode(secretBase32)).update(message).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const binary = ((digest[offset] & 0x7f) << 24) | (digest[offset + 1] << 16) | (digest[offset + 2] << 8) | digest[offset + 3];
  return String(binary % 1_000_000).padStart(6, '0');
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core on the page as it is: the serious and critical violations, as "rule: target" lines.
 * Injected through the DevTools protocol (page.evaluate), which the page's CSP does not govern;
 * the page itself still runs under its CSP.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations: { id: string; impact: string; nodes: { target: string[] }[] }[] = await page.evaluate(async () => {
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => ({ target: n.target })) }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A person's own browser context (cookies), with console errors and CSP violations collected. */
export async function personContext(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, problems };
}

/** Fills the invitation page (password, and the code computed from the key shown on it); returns the TOTP secret. */
export async function acceptInvitation(page: Page, url: string, password: string): Promise<string> {
  await page.goto(url);
  const secret = (await page.getAttribute('[data-totp-secret]', 'data-totp-secret'))!;
  await page.fill('input[name="password"]', password);
  await page.fill('input[name="confirmation"]', password);
  await page.fill('input[name="code"]', totpCode(secret));
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]:has-text("Save and sign in")')]);
  return secret;
}

/**
 * Signs in with email, password and (when asked) a code of the next time step: the step of the
 * enrollment code was spent, and a code is good once.
 */
export async function signIn(page: Page, base: string, email: string, password: string, secret?: string, stepOffset = 1): Promise<void> {
  await page.goto(`${base}/console/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL(/\/console(\/login\/code)?$/), page.click('main button[type="submit"]')]);
  if (page.url().endsWith('/login/code')) {
    if (!secret) throw new Error(`${email} was asked for a code`);
    await page.fill('input[name="code"]', totpCode(secret, stepOffset));
    await Promise.all([page.waitForURL(/\/console$/), page.click('main button[type="submit"]')]);
  }
}

/** Submits the form holding `button` and waits for the next page. */
export async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'), page.click(button)]);
}

/** The text of the page's main region. */
export function mainText(page: Page): Promise<string> {
  return page.evaluate(() => document.querySelector('main')?.innerText ?? '');
}

/** No horizontal scrolling at this width. */
export function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}
