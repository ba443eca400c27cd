import { createTestDatabase } from '../support/database';
import { createFaultCast, expectDepositsConsistent, expectOneCompleteChain, expectVerified, FaultCast, query } from '../support/faults';
import { AppProcess, HttpResult, send, startAppProcess } from '../support/processes';

/**
 * `kill -9` of the service in the middle of a write load: PostgreSQL's transactions are the only
 * state, so what was acknowledged is there after a restart, nothing is half-written, and clients
 * retrying with their idempotency keys get their first answers instead of second deposits.
 */
describe('an app process killed with SIGKILL under write load', () => {
  // Two app starts, a load and a full verify: on a loaded 2-core machine that can pass a minute.
  // A bound against a hang, not a timing assertion.
  jest.setTimeout(180_000);
  let databaseUrl: string;
  let app: AppProcess | undefined;
  let cast: FaultCast;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    app = await startAppProcess(databaseUrl);
    cast = await createFaultCast(databaseUrl, app.url);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const depositBody = (i: number) => ({ amount: `${10 + (i % 13)}.50`, reference: `crash load ${i}` });
  const depositPath = () => `/v1/escrow-accounts/${cast.escrowId}/deposits`;

  it('keeps every acknowledged write, half-writes nothing, and retries do not duplicate', async () => {
    const sent: { key: string; i: number; result?: HttpResult }[] = [];
    let acknowledged = 0;
    let killed = false;
    const url = app!.url;

    // Eight clients send deposits one after another until the process is gone.
    const clients = Array.from({ length: 8 }, async (_, c) => {
      for (let n = 0; ; n++) {
        const i = c * 10_000 + n;
        const entry: (typeof sent)[number] = { key: `crash-${i}`, i };
        sent.push(entry);
        entry.result = await send(url, 'POST', depositPath(), cast.donors[c % 4].auth, depositBody(i), { 'idempotency-key': entry.key });
        if (entry.result.status === 201) acknowledged++;
        if (entry.result.status === 0 || killed) return;
      }
    });
    const killer = (async () => {
      while (acknowledged < 150) await new Promise((r) => setTimeout(r, 5));
      killed = true;
      await app!.kill9();
    })();
    await Promise.all([killer, ...clients]);

    // Before the kill everything was a 201; after it, the connection drops (status 0).
    const statuses = new Set(sent.map((s) => s.result!.status));
    expect([...statuses].filter((s) => s !== 201 && s !== 0)).toEqual([]);
    const acked = sent.filter((s) => s.result!.status === 201);
    expect(acked.length).toBeGreaterThanOrEqual(150);

    app = await startAppProcess(databaseUrl);

    // Every acknowledged deposit is in the ledger, as acknowledged.
    const stored = await query(databaseUrl, `SELECT id, amount::text, journal_transaction_id FROM deposits WHERE id = ANY ($1::uuid[])`, [acked.map((s) => s.result!.body.id)]);
    expect(stored).toHaveLength(acked.length);
    await expectDepositsConsistent(databaseUrl, cast.escrowId);

    // Retrying everything with the same keys: acknowledged ones answer as the first time;
    // the unanswered ones happen now, once (or answer as committed if they made it before the kill).
    const retries = await Promise.all(
      sent.map((s) => send(app!.url, 'POST', depositPath(), cast.donors[Math.floor(s.i / 10_000) % 4].auth, depositBody(s.i), { 'idempotency-key': s.key })),
    );
    expect(retries.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    for (const [n, s] of sent.entries()) if (s.result!.status === 201) expect(retries[n].body).toEqual(s.result!.body);
    const perKey = await query(
      databaseUrl,
      `SELECT reference, count(*)::int AS n FROM deposits WHERE reference LIKE 'crash load %' GROUP BY reference HAVING count(*) > 1`,
    );
    expect(perKey).toEqual([]);
    const countAfter = (await query(databaseUrl, `SELECT count(*)::int AS n FROM deposits`))[0].n;
    expect(countAfter).toBe(sent.length); // one deposit per key, no more

    await expectDepositsConsistent(databaseUrl, cast.escrowId);
    await expectOneCompleteChain(databaseUrl);
    await expectVerified(app.url, cast.auditor);
  });
});
