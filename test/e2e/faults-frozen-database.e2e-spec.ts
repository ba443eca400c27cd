import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFaultCast, FaultCast, query } from '../support/faults';
import { AppProcess, EmbeddedServerProcess, eventually, freePort, send, startAppProcess, startEmbeddedServerProcess } from '../support/processes';

/**
 * A database that is stuck rather than gone (SIGSTOP: a hung server, a network black hole): its
 * connections stay open and nothing answers, so the server's own statement timeout never fires.
 * Every request must still be answered within the client-side bounds, and the service must
 * serve again by itself once the database moves.
 */
describe('a frozen database', () => {
  let dir: string;
  let server: EmbeddedServerProcess | undefined;
  let app: AppProcess | undefined;
  let cast: FaultCast;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aid-escrow-frozen-'));
    chmodSync(dir, 0o755);
    server = await startEmbeddedServerProcess(dir, await freePort());
    // 1 s statement timeout: the client gives up on any query 2 s after sending it.
    app = await startAppProcess(server.url, { DB_POOL_SIZE: '4', DB_STATEMENT_TIMEOUT_MS: '1000', AUTH_CACHE_TTL_MS: '0' });
    cast = await createFaultCast(server.url, app.url);
  }, 120_000);
  afterAll(async () => {
    server?.thaw();
    await app?.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 within bounded time while frozen, and 200 again after, without a restart', async () => {
    const deposit = (n: number) =>
      send(app!.url, 'POST', `/v1/escrow-accounts/${cast.escrowId}/deposits`, cast.donors[0].auth, { amount: '5.00', reference: `frozen ${n}` }, { 'idempotency-key': `frozen-${n}` }, 20_000);
    expect((await deposit(0)).status).toBe(201);
    // Every pooled connection open and idle: frozen, a request gets one at once and then waits
    // on a server that never answers (no connect timeout can save it).
    const warm = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(() => send(app!.url, 'GET', '/v1/escrow-accounts', cast.auditor.auth)));
    expect(warm.map((r) => r.status)).toEqual(Array(8).fill(200));

    server!.freeze();
    try {
      const timed = async <T>(work: () => Promise<T>) => {
        const started = Date.now();
        const result = await work();
        return { result, ms: Date.now() - started };
      };
      // More requests than pooled connections: some wait for a connection, some for an answer.
      const [health, ...others] = await Promise.all([
        timed(() => send(app!.url, 'GET', '/health', undefined, undefined, {}, 20_000)),
        ...[1, 2, 3, 4, 5, 6].map((n) => timed(() => deposit(n))),
        timed(() => send(app!.url, 'GET', `/v1/escrow-accounts/${cast.escrowId}`, cast.auditor.auth, undefined, {}, 20_000)),
      ]);
      expect(health.result.status).toBe(503);
      expect(health.ms).toBeLessThan(5_000);
      for (const { result, ms } of others) {
        // 401 is what a key lookup that cannot reach the database must not become: it is 503.
        expect({ status: result.status, code: (result.body as { code?: string })?.code }).toEqual({ status: 503, code: 'DATABASE_UNAVAILABLE' });
        expect(ms).toBeLessThan(15_000); // a pool wait (5 s) plus a query bound (2 s), twice at most
      }
    } finally {
      server!.thaw();
    }

    await eventually(async () => (await send(app!.url, 'GET', '/health')).status === 200, 'health to recover');
    await eventually(async () => (await deposit(7)).status === 201, 'a deposit to succeed again');
    // Nothing answered 503 was half-written: each frozen deposit is there whole, or not at all.
    const rows = await query(server!.url, `SELECT reference FROM deposits WHERE reference LIKE 'frozen %' ORDER BY reference`);
    const [{ orphans }] = await query(
      server!.url,
      `SELECT count(*)::int AS orphans FROM journal_transactions t LEFT JOIN deposits d ON d.journal_transaction_id = t.id WHERE t.kind = 'deposit' AND d.id IS NULL`,
    );
    expect(orphans).toBe(0);
    expect(rows.map((r) => r.reference)).toEqual(expect.arrayContaining(['frozen 0', 'frozen 7']));
  }, 90_000);
});
