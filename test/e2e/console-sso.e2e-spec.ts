import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Client } from 'pg';
import type { Browser } from 'playwright-core';
import { axeViolations, launchChromium, mainText, personContext } from '../support/console';
import { createTestDatabase } from '../support/database';
import { AppProcess, freePort, insertPrincipal, startAppProcess } from '../support/processes';
import { describeWithChromium } from '../support/system-tools';

/** The provider on `localhost`, the console on `127.0.0.1`: two sites, as in production. */
async function startProvider(port: number, clientId: string, secret: string, redirectUri: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [resolve(__dirname, '../support/oidc-provider.mjs'), String(port), clientId, secret, redirectUri], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((done, fail) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('ready')) done();
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => fail(new Error(`the provider exited (${code}): ${output}`)));
  });
  return child;
}

/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider) started here, with the
 * built service as a process (openid-client is an ES module the test runner cannot load; the
 * service loads it on first use). Authorization code with PKCE; matched by verified email.
 */
describeWithChromium()('the console: single sign-on with OpenID Connect', () => {
  let app: AppProcess;
  let provider: ChildProcess;
  let browser: Browser;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    const providerPort = await freePort();
    const clientSecret = randomBytes(24).toString('base64url');
    app = await startAppProcess(databaseUrl, {
      OIDC_ISSUER_URL: `http://localhost:${providerPort}`,
      OIDC_CLIENT_ID: 'aid-escrow-console',
      OIDC_CLIENT_SECRET: clientSecret,
      CONSOLE_SECRET_KEY: randomBytes(32).toString('base64'),
      CHECKPOINT_INTERVAL_MS: '0',
    });
    provider = await startProvider(providerPort, 'aid-escrow-console', clientSecret, `${app.url}/console/login/sso/callback`);
    const auditor = await insertPrincipal(databaseUrl, 'auditor', 'Audit Board');
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`UPDATE principals SET email = 'ravi@board.example' WHERE id = $1`, [auditor.id]);
    await client.end();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    provider?.kill('SIGTERM');
    await app?.stop();
  });

  async function signInThroughProvider(login: string) {
    const person = await personContext(browser);
    await person.page.goto(`${app.url}/console/login`);
    await person.page.click('a:has-text("single sign-on")');
    await person.page.waitForURL(/localhost/);
    await person.page.fill('input[name="login"]', login);
    await person.page.fill('input[name="password"]', 'anything');
    await person.page.click('button[type="submit"]');
    await person.page.waitForURL(new RegExp(`^${app.url}/console(/login/sso/callback\\?.*)?$`));
    await person.page.waitForLoadState('load');
    return person;
  }

  it('signs a person in with the provider, by verified email (authorization code + PKCE, across sites)', async () => {
    const { page, context } = await signInThroughProvider('ravi@board.example');
    try {
      await page.waitForURL(`${app.url}/console`);
      expect(await mainText(page)).toContain('The ledger');
      expect(await page.textContent('.who')).toContain('Auditor');
      const session = (await context.cookies()).find((c) => c.name === 'ael_session')!;
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query(`SELECT method FROM console_sessions`);
    await client.end();
    expect(rows).toEqual([{ method: 'oidc' }]);
  });

  it('refuses an email the provider has not verified, and one no principal holds', async () => {
    for (const [login, words] of [
      ['unverified-ravi@board.example', 'has not verified your email'],
      ['stranger@example.org', 'no active person here has that email'],
    ]) {
      const { page, context } = await signInThroughProvider(login);
      try {
        expect(page.url()).toContain('/console/login/sso/callback');
        expect(await mainText(page)).toContain(words);
        expect((await context.cookies()).some((c) => c.name === 'ael_session')).toBe(false);
      } finally {
        await context.close();
      }
    }
  });
});
