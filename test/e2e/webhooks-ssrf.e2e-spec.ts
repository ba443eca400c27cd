import { eventually } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';
import { postEvents } from '../support/transparency';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

describe('webhooks: no requests to private, loopback, link-local or other special addresses (SSRF)', () => {
  let open: TestApp;
  let strict: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    // Two instances of one database: one that allows private targets and dispatches nothing,
    // one that does not allow them and dispatches.
    open = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: true, WEBHOOK_DISPATCH_INTERVAL_MS: 0, SEALER_INTERVAL_MS: 50 });
    strict = await startTestApp({ DATABASE_URL: open.url, WEBHOOK_ALLOW_PRIVATE: false, WEBHOOK_DISPATCH_INTERVAL_MS: 50, WEBHOOK_RETRY_DELAYS_MS: '200', WEBHOOK_TIMEOUT_MS: 1000 });
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await strict.close();
    await open.close();
  });

  it.each([
    ['plain http', 'http://hooks.example.org/x', 'must be an https URL'],
    ['loopback', 'https://127.0.0.1/x', '127.0.0.1, which is not a public address'],
    ['a name for loopback', 'https://localhost:8443/x', 'which is not a public address'],
    ['cloud metadata (link-local)', 'https://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['private', 'https://10.0.0.5/x', '10.0.0.5'],
    ['private 192.168', 'https://192.168.1.10/x', '192.168.1.10'],
    ['IPv6 loopback', 'https://[::1]/x', '::1'],
    ['IPv6 unique-local', 'https://[fd00::1]/x', 'fd00::1'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/x', 'not a public address'],
    ['multicast', 'https://224.0.0.1/x', '224.0.0.1'],
    ['the unspecified address', 'https://0.0.0.0/x', '0.0.0.0'],
  ])('refuses %s at creation with 400 WEBHOOK_URL_REFUSED', async (_what, url, message) => {
    const admin = await strict.principal('admin');
    const res = await strict.http().post('/v1/webhook-endpoints').set(admin.auth).send({ url, events: ['*'] }).expect(400);
    expect(res.body).toMatchObject({ code: 'WEBHOOK_URL_REFUSED', fields: ['url'], message: expect.stringContaining(message) });
  });

  it('checks again at every delivery: endpoints made where private targets were allowed get nothing sent', async () => {
    const admin = await open.principal('admin');
    const create = async (url: string) => (await open.http().post('/v1/webhook-endpoints').set(admin.auth).send({ url, events: ['*'] }).expect(201)).body.id as string;
    const plain = await create(receiver.url);
    const loopback = await create(receiver.url.replace('http:', 'https:'));
    await postEvents(open, 1);
    const shown = async (id: string) => (await strict.http().get(`/v1/webhook-endpoints/${id}`).set(admin.auth).expect(200)).body;
    const log = async (id: string) => (await strict.http().get(`/v1/webhook-endpoints/${id}/deliveries`).set(admin.auth).expect(200)).body.items;
    for (const [id, error] of [[plain, 'plain http only with WEBHOOK_ALLOW_PRIVATE=true'], [loopback, '127.0.0.1, which is not a public address']]) {
      await eventually(async () => (await shown(id)).status === 'disabled', 'disabled after the retries');
      const attempts = await log(id);
      expect(attempts).toHaveLength(2);
      for (const attempt of attempts) expect(attempt).toMatchObject({ outcome: 'refused', statusCode: null, error: expect.stringContaining(error) });
    }
    expect(receiver.received).toHaveLength(0);
  });
});
