import { Webhook } from 'standardwebhooks';
import { JournalTransactionView } from '../../src/ledger/journal-reader.service';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher.service';
import { eventually } from '../support/processes';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import { postEvents } from '../support/transparency';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

const DELAYS = [300, 600];

describe('webhooks: signed, ordered, retried deliveries of journal events', () => {
  let t: TestApp;
  let admin: TestPrincipal;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestApp({
      WEBHOOK_ALLOW_PRIVATE: true,
      WEBHOOK_RETRY_DELAYS_MS: DELAYS.join(','),
      WEBHOOK_TIMEOUT_MS: 1500,
      WEBHOOK_DISPATCH_INTERVAL_MS: 50,
      SEALER_INTERVAL_MS: 50,
    });
    admin = await t.principal('admin');
  });
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(() => receiver.close());
  afterAll(() => t.close());

  const create = async (body: object, status = 201) => {
    const res = await t.http().post('/v1/webhook-endpoints').set(admin.auth).send(body);
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    return res.body;
  };
  const deliveries = async (id: string) => (await t.http().get(`/v1/webhook-endpoints/${id}/deliveries?limit=500`).set(admin.auth).expect(200)).body.items;
  const transactions = async (fromChainIndex: number): Promise<JournalTransactionView[]> =>
    (await t.http().get(`/v1/ledger/transactions?fromChainIndex=${fromChainIndex}&limit=1000`).set(admin.auth).expect(200)).body.items;
  /** Stops the endpoint hearing of later tests' events. */
  const disable = (id: string) => t.http().post(`/v1/webhook-endpoints/${id}/disable`).set(admin.auth).send({ reason: 'test over' }).expect(200);

  it('creates an endpoint with a whsec_ secret shown once, for admins only, and journals it', async () => {
    const endpoint = await create({ url: receiver.url, events: ['deposit', 'release_approved'] });
    expect(endpoint).toMatchObject({ id: expect.any(String), url: receiver.url, events: ['deposit', 'release_approved'], status: 'active' });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const shown = await t.http().get(`/v1/webhook-endpoints/${endpoint.id}`).set(admin.auth).expect(200);
    expect(shown.body).not.toHaveProperty('secret');
    expect(JSON.stringify((await t.http().get('/v1/webhook-endpoints').set(admin.auth).expect(200)).body)).not.toContain(endpoint.secret.slice(6));
    const auditor = await t.principal('auditor');
    await t.http().post('/v1/webhook-endpoints').set(auditor.auth).send({ url: receiver.url, events: ['*'] }).expect(403);
    await t.http().get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`).set(auditor.auth).expect(403);
    const [journaled] = await t.dataSource.query(`SELECT body FROM journal_transactions WHERE kind = 'webhook_endpoint_created' ORDER BY seq DESC LIMIT 1`);
    expect(JSON.parse(journaled.body)).toMatchObject({ actorPrincipalId: admin.id, refs: { webhookEndpointId: endpoint.id }, details: { origin: 'http://127.0.0.1:' + new URL(receiver.url).port, events: 'deposit,release_approved' } });
    await disable(endpoint.id);
  });

  it('refuses bad input with 400 naming the field, and creates nothing', async () => {
    const [{ before }] = await t.dataSource.query(`SELECT count(*)::int AS before FROM webhook_endpoints`);
    expect((await create({ url: receiver.url, events: ['payment_made'] }, 400)).fields).toEqual(['events']);
    expect((await create({ url: receiver.url, events: ['*', 'deposit'] }, 400)).fields).toEqual(['events']);
    expect((await create({ url: receiver.url, events: [] }, 400)).fields).toEqual(['events']);
    expect((await create({ url: 'not a url', events: ['*'] }, 400)).fields).toEqual(['url']);
    expect((await create({ url: 'ftp://127.0.0.1/x', events: ['*'] }, 400)).code).toBe('WEBHOOK_URL_REFUSED');
    expect((await create({ url: 'http://user:pw@127.0.0.1/x', events: ['*'] }, 400)).code).toBe('WEBHOOK_URL_REFUSED');
    expect((await create({ url: 'http://no-such-host.invalid/x', events: ['*'] }, 400)).message).toContain('does not resolve');
    await t.http().get(`/v1/webhook-endpoints/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/deliveries`).set(admin.auth).expect(404);
    const [{ after }] = await t.dataSource.query(`SELECT count(*)::int AS after FROM webhook_endpoints`);
    expect(after).toBe(before);
  });

  it('delivers every event after its creation, in chain order, signed per Standard Webhooks (verified with standardwebhooks)', async () => {
    const endpoint = await create({ url: receiver.url, events: ['*'] });
    await postEvents(t, 30);
    await eventually(async () => receiver.received.length >= 31, '31 deliveries'); // the 30, and its own creation
    const payloads = receiver.payloads();
    // The receiving library accepts every one (signature and timestamp), with the secret shown at creation.
    receiver.verifyAll(endpoint.secret);
    const webhook = new Webhook(endpoint.secret);
    expect(webhook.verify(receiver.received[0].body, receiver.received[0].headers)).toEqual(payloads[0]);
    // Chain order, no gap, nothing twice; each body is the transaction as /v1/ledger/transactions shows it.
    const indexes = payloads.map((p) => p.data.chainIndex);
    const chain = await transactions(indexes[0]!);
    expect(indexes).toEqual(chain.slice(0, indexes.length).map((c) => c.chainIndex));
    expect(payloads.map((p) => p.data)).toEqual(chain.slice(0, payloads.length));
    const created = payloads.find((p) => p.type === 'webhook_endpoint_created' && (p.data as unknown as { body: { refs: { webhookEndpointId: string } } }).body.refs.webhookEndpointId === endpoint.id);
    expect(created).toMatchObject({ timestamp: created!.data.occurredAt, data: { kind: 'webhook_endpoint_created' } });
    expect(receiver.received.every((r, i) => r.headers['webhook-id'] === payloads[i].data.id && /^\d{10}$/.test(r.headers['webhook-timestamp']))).toBe(true);
    // A tampered body fails verification: the signature covers it.
    expect(() => webhook.verify(receiver.received[1].body.replace('"kind"', '"kind" '), receiver.received[1].headers)).toThrow();
    await eventually(async () => (await deliveries(endpoint.id)).length === receiver.received.length, 'every attempt logged');
    const log = await deliveries(endpoint.id);
    expect(log.every((d: { outcome: string; attempt: number; statusCode: number }) => d.outcome === 'delivered' && d.attempt === 1 && d.statusCode === 204)).toBe(true);
    await disable(endpoint.id);
  });

  it('sends only the kinds an endpoint takes, and keeps order per endpoint while another is failing', async () => {
    const failing = await startWebhookReceiver();
    failing.fallback = { status: 503 };
    const deposits = await create({ url: receiver.url, events: ['deposit'] });
    const stuck = await create({ url: failing.url, events: ['*'] });
    const donor = await t.principal('donor');
    const escrow = (await t.http().post('/v1/escrow-accounts').set(admin.auth).send({ name: 'Hooks', currency: 'USD' }).expect(201)).body.id;
    for (const amount of ['1.00', '2.00', '3.00']) await t.http().post(`/v1/escrow-accounts/${escrow}/deposits`).set(donor.auth).send({ amount }).expect(201);
    await eventually(async () => receiver.received.length >= 3, 'three deposits');
    expect(receiver.payloads().map((p) => [p.type, p.data.kind])).toEqual([['deposit', 'deposit'], ['deposit', 'deposit'], ['deposit', 'deposit']]);
    expect(receiver.payloads().map((p) => (p.data as unknown as { entries: { amount: string }[] }).entries[1].amount)).toEqual(['1.00', '2.00', '3.00']);
    // The failing endpoint is stuck on its first event: the others wait behind it, undelivered.
    await eventually(async () => failing.received.length >= 1, 'the failing endpoint to be tried');
    expect(new Set(failing.payloads().map((p) => p.data.id)).size).toBe(1);
    await disable(deposits.id);
    await disable(stuck.id);
    await failing.close();
  });

  it('retries after each delay of WEBHOOK_RETRY_DELAYS_MS with jitter, then delivers, the next events after it', async () => {
    receiver.answers = [{ status: 500 }, { status: 502 }];
    const endpoint = await create({ url: receiver.url, events: ['escrow_opened'] });
    await postEvents(t, 2);
    await eventually(async () => receiver.received.length >= 4, 'two failures, a success, the next event');
    const [first, second, third, next] = receiver.received;
    expect([first, second, third].map((r) => r.headers['webhook-id'])).toEqual(Array(3).fill(first.headers['webhook-id']));
    expect(next.headers['webhook-id']).not.toBe(first.headers['webhook-id']);
    const gaps = [second.at - first.at, third.at - second.at];
    // Never before its delay; at most 20 % jitter plus a dispatch tick and some slack later.
    expect(gaps[0]).toBeGreaterThanOrEqual(DELAYS[0] - 5);
    expect(gaps[0]).toBeLessThan(DELAYS[0] * 1.2 + 400);
    expect(gaps[1]).toBeGreaterThanOrEqual(DELAYS[1] - 5);
    expect(gaps[1]).toBeLessThan(DELAYS[1] * 1.2 + 400);
    const log = (await deliveries(endpoint.id)).reverse();
    expect(log.slice(0, 3).map((d: { outcome: string; attempt: number; statusCode: number }) => [d.outcome, d.attempt, d.statusCode])).toEqual([
      ['failed', 1, 500],
      ['failed', 2, 502],
      ['delivered', 3, 204],
    ]);
    expect(new Date(log[0].nextAttemptAt).getTime() - new Date(log[0].attemptedAt).getTime()).toBeGreaterThanOrEqual(DELAYS[0]);
    expect(log[2].nextAttemptAt).toBeNull();
    await disable(endpoint.id);
  });

  it('disables the endpoint once the schedule is spent, journals it, and on enabling resumes with the same event', async () => {
    receiver.fallback = { status: 500 };
    const endpoint = await create({ url: receiver.url, events: ['escrow_opened'] });
    await postEvents(t, 1);
    await eventually(async () => (await t.http().get(`/v1/webhook-endpoints/${endpoint.id}`).set(admin.auth)).body.status === 'disabled', 'disabled');
    expect(receiver.received).toHaveLength(1 + DELAYS.length);
    const shown = (await t.http().get(`/v1/webhook-endpoints/${endpoint.id}`).set(admin.auth)).body;
    expect(shown.disabledReason).toContain('failed 3 times, the last: answered 500');
    const [journaled] = await t.dataSource.query(
      `SELECT body FROM journal_transactions WHERE kind = 'webhook_endpoint_changed' AND body::json -> 'refs' ->> 'webhookEndpointId' = $1`,
      [endpoint.id],
    );
    expect(JSON.parse(journaled.body)).toMatchObject({ actorPrincipalId: null, details: { change: 'disabled' } });
    receiver.fallback = { status: 200 };
    await t.http().post(`/v1/webhook-endpoints/${endpoint.id}/enable`).set(admin.auth).send({}).expect(200);
    await eventually(async () => receiver.received.length >= 4, 'the same event again');
    expect(receiver.received[3].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id']);
    await t.http().post(`/v1/webhook-endpoints/${endpoint.id}/enable`).set(admin.auth).send({}).expect(409);
    await disable(endpoint.id);
  });

  it('stops at once on 410 Gone, and does not follow redirects', async () => {
    const target = await startWebhookReceiver();
    receiver.answers = [{ status: 302, headers: { location: target.url } }];
    receiver.fallback = { status: 410 };
    const endpoint = await create({ url: receiver.url, events: ['escrow_opened'] });
    await postEvents(t, 1);
    await eventually(async () => (await t.http().get(`/v1/webhook-endpoints/${endpoint.id}`).set(admin.auth)).body.status === 'disabled', 'disabled by 410');
    expect(receiver.received).toHaveLength(2);
    expect(target.received).toHaveLength(0);
    const log = (await deliveries(endpoint.id)).reverse();
    expect(log[0]).toMatchObject({ outcome: 'failed', statusCode: 302, error: expect.stringContaining('redirects are not followed') });
    expect(log[1]).toMatchObject({ outcome: 'failed', statusCode: 410, nextAttemptAt: null });
    await target.close();
  });

  it('gives up on a receiver that does not answer within WEBHOOK_TIMEOUT_MS', async () => {
    receiver.answers = ['hang'];
    const endpoint = await create({ url: receiver.url, events: ['escrow_opened'] });
    await postEvents(t, 1);
    await eventually(async () => receiver.received.length >= 2, 'the retry after the timeout');
    const [failed] = (await deliveries(endpoint.id)).reverse();
    expect(failed).toMatchObject({ outcome: 'failed', statusCode: null, error: 'no answer within 1500 ms' });
    expect(failed.durationMs).toBeGreaterThanOrEqual(1400);
    expect(failed.durationMs).toBeLessThan(3000);
    await disable(endpoint.id);
  });

  it('rotates the secret: both sign during the overlap, only the new one after', async () => {
    const endpoint = await create({ url: receiver.url, events: ['escrow_opened'] });
    const rotated = await t.http().post(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`).set(admin.auth).send({ overlapSeconds: 3600 }).expect(201);
    expect(rotated.body).toEqual({ id: endpoint.id, secret: expect.stringMatching(/^whsec_/), previousSecretExpiresAt: expect.any(String) });
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    await postEvents(t, 1);
    await eventually(async () => receiver.received.length >= 1, 'a delivery during the overlap');
    expect(receiver.received[0].headers['webhook-signature'].split(' ')).toHaveLength(2);
    receiver.verifyAll(endpoint.secret);
    receiver.verifyAll(rotated.body.secret);

    const again = await t.http().post(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`).set(admin.auth).send({ overlapSeconds: 0 }).expect(201);
    expect(again.body.previousSecretExpiresAt).toBeNull();
    await postEvents(t, 1);
    await eventually(async () => receiver.received.length >= 2, 'a delivery after the overlap');
    const last = receiver.received[1];
    expect(last.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => new Webhook(again.body.secret).verify(last.body, last.headers)).not.toThrow();
    expect(() => new Webhook(rotated.body.secret).verify(last.body, last.headers)).toThrow();
    const changes = await t.dataSource.query(
      `SELECT body::json -> 'details' ->> 'change' AS change FROM journal_transactions WHERE kind = 'webhook_endpoint_changed' AND body::json -> 'refs' ->> 'webhookEndpointId' = $1 ORDER BY seq`,
      [endpoint.id],
    );
    expect(changes.map((c: { change: string }) => c.change)).toEqual(['secret_rotated', 'secret_rotated']);
    // The secrets are never in the journal.
    const [{ leaked }] = await t.dataSource.query(`SELECT count(*)::int AS leaked FROM journal_transactions WHERE body LIKE $1 OR body LIKE $2`, [
      `%${rotated.body.secret.slice(6, 30)}%`,
      `%${endpoint.secret.slice(6, 30)}%`,
    ]);
    expect(leaked).toBe(0);
    await disable(endpoint.id);
  });

  it('elects one dispatcher: a second one running at the same moment claims nothing twice', async () => {
    const endpoint = await create({ url: receiver.url, events: ['escrow_opened'] });
    await postEvents(t, 20);
    await t.seal();
    const dispatcher = t.app.get(WebhookDispatcher);
    await Promise.all([dispatcher.dispatchDue(), dispatcher.dispatchDue(), dispatcher.dispatchDue()]);
    await eventually(async () => receiver.received.length >= 20, 'twenty deliveries');
    await new Promise((r) => setTimeout(r, 300));
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    await disable(endpoint.id);
  });
});
