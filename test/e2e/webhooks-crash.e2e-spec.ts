import { createTestDatabase } from '../support/database';
import { AppProcess, eventually, insertPrincipal, ProcessPrincipal, send, startAppProcess } from '../support/processes';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

const ENV = {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_DISPATCH_INTERVAL_MS: '50',
  WEBHOOK_RETRY_DELAYS_MS: '200,200,200,200,200',
};

/**
 * `kill -9` of the process that is delivering, with a delivery in flight: the receiver has the
 * request, the dispatcher never learns its answer. Another process takes over once the dead
 * one's claim runs out, from the endpoint's cursor: every event arrives, in chain order, the one
 * in flight again (at least once), none lost.
 */
describe('webhook deliveries across a kill -9 of the dispatcher', () => {
  let databaseUrl: string;
  let first: AppProcess;
  let second: AppProcess | undefined;
  let admin: ProcessPrincipal;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    admin = await insertPrincipal(databaseUrl, 'admin', 'Escrow Office');
    receiver = await startWebhookReceiver();
    first = await startAppProcess(databaseUrl, ENV);
  });
  afterAll(async () => {
    await first.kill9();
    await second?.stop();
    await receiver.close();
  });

  it('loses nothing and keeps chain order; the event in flight is delivered again', async () => {
    const created = await send(first.url, 'POST', '/v1/webhook-endpoints', admin.auth, { url: receiver.url, events: ['*'] });
    expect(created.status).toBe(201);
    const endpoint = created.body;
    // The 10th request is never answered: the dispatcher waits on it when it is killed.
    receiver.answers = [...Array(9).fill({ status: 200, delayMs: 20 }), 'hang'];
    receiver.fallback = { status: 200, delayMs: 20 };
    const EVENTS = 40;
    for (let i = 0; i < EVENTS; i++) {
      expect((await send(first.url, 'POST', '/v1/escrow-accounts', admin.auth, { name: `Account ${i}`, currency: 'USD' })).status).toBe(201);
    }
    await eventually(async () => receiver.received.length >= 10, 'ten requests, the last unanswered');
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received).toHaveLength(10);
    const inFlight = receiver.received[9].headers['webhook-id'];
    await first.kill9();

    second = await startAppProcess(databaseUrl, ENV);
    const expected = (await send(second.url, 'GET', `/v1/ledger/transactions?fromChainIndex=${endpoint.deliveredThroughChainIndex + 1}&limit=1000`, admin.auth)).body.items as { id: string; chainIndex: number }[];
    expect(expected.length).toBeGreaterThanOrEqual(EVENTS + 1); // the endpoint's creation, and the accounts
    const seen = () => new Set(receiver.received.map((r) => r.headers['webhook-id']));
    await eventually(async () => expected.every((e) => seen().has(e.id)), 'every event delivered', 300, 100);

    receiver.verifyAll(endpoint.secret);
    const indexes = receiver.payloads().map((p) => p.data.chainIndex!);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b)); // chain order, a repeat only where it was in flight
    expect(receiver.received.filter((r) => r.headers['webhook-id'] === inFlight).length).toBe(2);
    expect(receiver.received.length).toBe(new Set(indexes).size + 1);
    expect([...new Set(indexes)]).toEqual(expected.map((e) => e.chainIndex).slice(0, new Set(indexes).size));

    // The log shows each of them delivered.
    await eventually(async () => {
      const log = (await send(second!.url, 'GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=500`, admin.auth)).body.items as { chainIndex: number; outcome: string }[];
      const delivered = new Set(log.filter((d) => d.outcome === 'delivered').map((d) => d.chainIndex));
      return expected.every((e) => delivered.has(e.chainIndex));
    }, 'every delivery logged');
  }, 120_000);
});
