import { randomBytes } from 'node:crypto';
import { GovernanceService } from '../../src/auth/governance.service';
import { InvitationsService } from '../../src/console/people/invitations.service';
import { Database } from '../../src/database/database';
import { totpCode } from '../support/console';
import { startTestApp, TestApp } from '../support/test-app';

/** A browser's cookie jar, by hand: what each answer set, sent with the next request. */
class Visitor {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly t: TestApp,
    private readonly headers: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(setCookie: string[] | string | undefined): string[] {
    const list = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
    for (const line of list) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return list;
  }

  async get(path: string) {
    const res = await this.t.http().get(path).set({ ...this.headers, cookie: this.cookieHeader() }).redirects(0);
    return { status: res.status, text: res.text, location: res.headers.location as string | undefined, setCookie: this.keep(res.headers['set-cookie']) };
  }

  async post(path: string, form: Record<string, string>) {
    const res = await this.t
      .http()
      .post(path)
      .set({ ...this.headers, cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' })
      .send(new URLSearchParams(form).toString())
      .redirects(0);
    return { status: res.status, text: res.text, location: res.headers.location as string | undefined, setCookie: this.keep(res.headers['set-cookie']) };
  }
}

const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];
const PASSWORD = 'a long pass phrase for tests';

describe('the console: sessions, CSRF, lockout', () => {
  let t: TestApp;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp({ CONSOLE_SECRET_KEY: randomBytes(32).toString('base64') });
  });
  afterAll(() => t.close());

  /** A principal with an email who accepted an invitation (password and TOTP); returns its secret. */
  async function person(role: 'admin' | 'donor' = 'admin') {
    const email = `person${++counter}@example.org`;
    const db = t.app.get(Database);
    const issued = await db.transaction(() => t.app.get(GovernanceService).bootstrap(`Person ${counter}`, role, role === 'admin' ? 'Escrow Office' : `Fund ${counter}`, email));
    const { url } = await db.transaction(() => t.app.get(InvitationsService).issue(issued.id, null, 'http://console.test'));
    const visitor = new Visitor(t);
    const path = new URL(url).pathname;
    const page = await visitor.get(path);
    const secret = /data-totp-secret="([^"]+)"/.exec(page.text)![1];
    const enrollment = /name="enrollment" value="([^"]+)"/.exec(page.text)![1];
    const accepted = await visitor.post(path, { _csrf: token(page.text), password: PASSWORD, confirmation: PASSWORD, enrollment, code: totpCode(secret) });
    expect(accepted.text).toContain('Your sign-in is set up');
    return { id: issued.id, email, secret, apiKey: issued.apiKey, step: 1 };
  }

  /**
   * Email and password, then a code. A code is good once, and the service takes one step either
   * side of now: rather than wait 30 s between two sign-ins of one person, the test winds the
   * spent step back (the replay test below does not).
   */
  async function signIn(who: { id?: string; email: string; secret: string; step: number }, visitor = new Visitor(t)) {
    await t.dataSource.query(`UPDATE console_credentials c SET totp_last_step = NULL FROM principals p WHERE p.id = c.principal_id AND p.email = $1`, [who.email]);
    const login = await visitor.get('/console/login');
    const first = await visitor.post('/console/login', { _csrf: token(login.text), email: who.email, password: PASSWORD });
    expect(first.location).toBe('/console/login/code');
    const pending = visitor.cookies.get('ael_session');
    const codePage = await visitor.get('/console/login/code');
    const second = await visitor.post('/console/login/code', { _csrf: token(codePage.text), code: totpCode(who.secret, who.step) });
    expect(second.location).toBe('/console');
    return { visitor, pending, session: visitor.cookies.get('ael_session')!, cookie: second.setCookie.find((c) => c.startsWith('ael_session='))! };
  }

  it('sets an HttpOnly, SameSite=Strict cookie (Secure with the __Host- prefix behind TLS), new at sign-in', async () => {
    const ada = await person();
    const { pending, session, cookie } = await signIn(ada);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
    expect(session).not.toBe(pending); // rotated: the pre-code session id is not the signed-in one
    const stale = new Visitor(t);
    stale.cookies.set('ael_session', pending!);
    expect((await stale.get('/console')).location).toBe('/console/login');

    const proxied = await startTestApp({ TRUST_PROXY: true, DATABASE_URL: t.url, CONSOLE_SECRET_KEY: randomBytes(32).toString('base64') });
    try {
      const behindTls = new Visitor(proxied, { 'x-forwarded-proto': 'https' });
      const login = await behindTls.get('/console/login');
      expect(login.setCookie[0]).toMatch(/^__Host-ael_form=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    } finally {
      await proxied.close();
    }
  });

  it('ends a session after 30 idle minutes and after 12 hours whatever the activity', async () => {
    const ada = await person();
    const idle = await signIn(ada);
    expect((await idle.visitor.get('/console')).status).toBe(200);
    await t.dataSource.query(`UPDATE console_sessions SET last_seen_at = now() - interval '31 minutes' WHERE principal_id = $1`, [ada.id]);
    expect((await idle.visitor.get('/console')).location).toBe('/console/login');

    const old = await signIn(ada);
    await t.dataSource.query(`UPDATE console_sessions SET created_at = now() - interval '12 hours 1 minute' WHERE principal_id = $1`, [ada.id]);
    expect((await old.visitor.get('/console')).location).toBe('/console/login');
  });

  it('refuses a state-changing form without the right CSRF token (403) and changes nothing', async () => {
    const ada = await person();
    const { visitor } = await signIn(ada);
    const page = await visitor.get('/console/accounts');
    const count = async () => Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM escrow_accounts`))[0].n);
    const before = await count();
    const forged: Record<string, string>[] = [{ name: 'Forged', currency: 'USD' }, { _csrf: 'x'.repeat(43), name: 'Forged', currency: 'USD' }];
    for (const form of forged) {
      const refused = await visitor.post('/console/accounts', form);
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('This form has expired or was not sent from your console page.');
      expect(refused.text).toContain('Nothing was changed.');
    }
    // Another session's token is not this one's.
    const other = await signIn(ada);
    const otherPage = await other.visitor.get('/console/accounts');
    expect((await visitor.post('/console/accounts', { _csrf: token(otherPage.text), name: 'Forged', currency: 'USD' })).status).toBe(403);
    expect(await count()).toBe(before);
    const done = await visitor.post('/console/accounts', { _csrf: token(page.text), name: 'Real', currency: 'USD' });
    expect(done.status).toBe(303);
    expect(await count()).toBe(before + 1);
    // The signed-out forms too: a sign-in without the form token is refused.
    expect((await new Visitor(t).post('/console/login', { email: ada.email, password: PASSWORD })).status).toBe(403);
  });

  it('keeps the API on Bearer keys: a console cookie opens nothing there, and the API takes no forms', async () => {
    const ada = await person();
    const { visitor } = await signIn(ada);
    const api = await t.http().get('/v1/escrow-accounts').set('cookie', visitor.cookieHeader());
    expect(api.status).toBe(401);
    const form = await t.http().post('/v1/organizations').set('Authorization', `Bearer ${ada.apiKey}`).set('content-type', 'application/x-www-form-urlencoded').send('name=X&type=donor');
    expect(form.status).toBe(415);
  });

  it('signs a revoked person out everywhere at once', async () => {
    const ada = await person();
    const bob = await person();
    const sessions = [await signIn(bob), await signIn(bob)];
    for (const s of sessions) expect((await s.visitor.get('/console')).status).toBe(200);
    await t.http().post(`/v1/principals/${bob.id}/revoke`).set('Authorization', `Bearer ${ada.apiKey}`).send({ reason: 'left' }).expect(204);
    for (const s of sessions) expect((await s.visitor.get('/console')).location).toBe('/console/login');
  });

  it('locks an email after 5 wrong passwords or codes in 15 minutes, for 15 minutes, also for the right password', async () => {
    const ada = await person();
    const visitor = new Visitor(t);
    const login = await visitor.get('/console/login');
    for (let i = 0; i < 4; i++) {
      const wrong = await visitor.post('/console/login', { _csrf: token(login.text), email: ada.email, password: 'wrong password number ' + i });
      expect(wrong.location).toBe('/console/login?problem=wrong');
    }
    // The fifth failure is a wrong code after the right password.
    await visitor.post('/console/login', { _csrf: token(login.text), email: ada.email, password: PASSWORD });
    const codePage = await visitor.get('/console/login/code');
    const fifth = await visitor.post('/console/login/code', { _csrf: token(codePage.text), code: '000000' === totpCode(ada.secret, 1) ? '111111' : '000000' });
    expect(fifth.location).toBe('/console/login?problem=locked');
    const locked = await visitor.post('/console/login', { _csrf: token(login.text), email: ada.email, password: PASSWORD });
    expect(locked.location).toBe('/console/login?problem=locked');
    expect((await visitor.get('/console/login?problem=locked')).text).toContain('locked for 15 minutes');
    // An unknown email is answered like a known one, and locks alike.
    for (let i = 0; i < 5; i++) {
      const unknown = await visitor.post('/console/login', { _csrf: token(login.text), email: 'nobody@example.org', password: 'a guess at random ' + i });
      expect(unknown.location).toBe(i < 4 ? '/console/login?problem=wrong' : '/console/login?problem=locked');
    }
    const [{ until }] = await t.dataSource.query(`SELECT locked_until - now() > interval '14 minutes' AS until FROM console_login_locks WHERE email = $1`, [ada.email]);
    expect(until).toBe(true);
    // Fifteen minutes later it opens again.
    await t.dataSource.query(`UPDATE console_login_locks SET locked_until = now() - interval '1 second' WHERE email = $1`, [ada.email]);
    await t.dataSource.query(`UPDATE console_login_failures SET failed_at = now() - interval '16 minutes' WHERE email = $1`, [ada.email]);
    await signIn(ada);
  });

  it('accepts a TOTP code once only (RFC 6238 §5.2)', async () => {
    const ada = await person();
    await signIn(ada); // spends the next step's code
    const visitor = new Visitor(t);
    const login = await visitor.get('/console/login');
    await visitor.post('/console/login', { _csrf: token(login.text), email: ada.email, password: PASSWORD });
    const codePage = await visitor.get('/console/login/code');
    const replay = await visitor.post('/console/login/code', { _csrf: token(codePage.text), code: totpCode(ada.secret, ada.step) });
    expect(replay.location).toBe('/console/login/code?problem=wrong');
  });

  it('uses an invitation once, and gives it only to an admin through the API (201, the URL shown once)', async () => {
    const ada = await person();
    const donor = await t.principal('donor');
    const db = t.app.get(Database);
    const dana = await db.transaction(() => t.app.get(GovernanceService).bootstrap('Dana', 'donor', `Fund ${++counter}`, `dana${counter}@fund.example`));
    await t.http().post(`/v1/principals/${dana.id}/invitations`).set(donor.auth).send({}).expect(403);
    await t.http().post(`/v1/principals/${donor.id}/invitations`).set('Authorization', `Bearer ${ada.apiKey}`).send({}).expect(409); // no email
    const issued = await t.http().post(`/v1/principals/${dana.id}/invitations`).set('Authorization', `Bearer ${ada.apiKey}`).send({}).expect(201);
    expect(issued.body.url).toMatch(/\/console\/invitations\/[A-Za-z0-9_-]{43}$/);
    expect(new Date(issued.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(71.9 * 3600 * 1000);
    const path = new URL(issued.body.url).pathname;
    const visitor = new Visitor(t);
    const page = await visitor.get(path);
    const secret = /data-totp-secret="([^"]+)"/.exec(page.text)![1];
    const enrollment = /name="enrollment" value="([^"]+)"/.exec(page.text)![1];
    const short = await visitor.post(path, { _csrf: token(page.text), password: 'short', confirmation: 'short', enrollment, code: '' });
    expect(short.text).toContain('Password needs at least 12 characters.');
    expect(short.text).toContain(secret.slice(0, 4)); // the same key again: the QR code stays good
    const accepted = await visitor.post(path, { _csrf: token(page.text), password: PASSWORD, confirmation: PASSWORD, enrollment, code: '' });
    expect(accepted.text).toContain('Your sign-in is set up');
    expect((await visitor.get(path)).text).toContain('This invitation cannot be used');
    // A donor may go without a code; an admin may not (the invitation insists).
    const login = await visitor.get('/console/login');
    const signedIn = await visitor.post('/console/login', { _csrf: token(login.text), email: `dana${counter}@fund.example`, password: PASSWORD });
    expect(signedIn.location).toBe('/console');
  });
});
