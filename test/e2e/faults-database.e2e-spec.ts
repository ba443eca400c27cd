import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../support/database';
import { createFaultCast, expectDepositsConsistent, expectOneCompleteChain, expectVerified, FaultCast, query } from '../support/faults';
import { AppProcess, EmbeddedServerProcess, eventually, freePort, HttpResult, send, startAppProcess, startEmbeddedServerProcess } from '../support/processes';

interface Sent {
  key: string;
  i: number;
  donor: number;
  result?: HttpResult;
}

/**
 * Deposits from `clients` concurrent clients, each with its own idempotency key, until `done()`.
 * Every answer is recorded; `send` throws if one never comes (a hang fails the test).
 */
function depositLoad(url: string, cast: FaultCast, clients: number, done: () => boolean) {
  const sent: Sent[] = [];
  const counts = { ok: 0, unavailable: 0 };
  const finished = Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let n = 0; !done() && sent.length < 5000; n++) { // bounded, whatever happens
        const entry: Sent = { key: `db-${c}-${n}`, i: c * 100_000 + n, donor: c % cast.donors.length };
        sent.push(entry);
        entry.result = await send(url, 'POST', `/v1/escrow-accounts/${cast.escrowId}/deposits`, cast.donors[entry.donor].auth, body(entry), { 'idempotency-key': entry.key });
        if (entry.result.status === 0) throw new Error(`the app is unreachable: ${entry.result.body}`);
        if (entry.result.status === 201) counts.ok++;
        if (entry.result.status === 503) {
          counts.unavailable++;
          await new Promise((r) => setTimeout(r, 20)); // a client backs off a little
        }
      }
    }),
  );
  return { sent, counts, finished };
}

const body = (s: Sent) => ({ amount: `${1 + (s.i % 17)}.10`, reference: `db load ${s.i}` });

/** Waits for `condition`; fails at once if the load failed (so a dead process fails the test). */
async function until(condition: () => boolean, load?: { finished: Promise<unknown> }): Promise<void> {
  let failure: unknown;
  void load?.finished.catch((error) => (failure = error ?? new Error('load failed')));
  while (!condition()) {
    if (failure) throw failure;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Runs a test body; a failure carries the end of the app's log, and the load always stops. */
async function withAppLog(app: () => AppProcess | undefined, stopLoad: () => void, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- the app's log ---\n${app()?.output().slice(-4000) ?? ''}`);
  } finally {
    stopLoad();
  }
}

/** After the outage: retrying every request with its key creates each deposit exactly once. */
async function expectRetriesExactlyOnce(appUrl: string, databaseUrl: string, cast: FaultCast, sent: Sent[]): Promise<void> {
  const retries = await Promise.all(
    sent.map((s) => send(appUrl, 'POST', `/v1/escrow-accounts/${cast.escrowId}/deposits`, cast.donors[s.donor].auth, body(s), { 'idempotency-key': s.key })),
  );
  expect(retries.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
  for (const [n, s] of sent.entries()) if (s.result!.status === 201) expect(retries[n].body).toEqual(s.result!.body);
  const [{ n }] = await query(databaseUrl, `SELECT count(*)::int AS n FROM deposits WHERE reference LIKE 'db load %'`);
  expect(n).toBe(sent.length);
  await expectDepositsConsistent(databaseUrl, cast.escrowId);
}

describe('the database going away under load', () => {
  describe('its connections killed with pg_terminate_backend', () => {
    let databaseUrl: string;
    let app: AppProcess;
    let cast: FaultCast;

    beforeAll(async () => {
      databaseUrl = await createTestDatabase();
      app = await startAppProcess(databaseUrl, { DB_POOL_SIZE: '6' });
      cast = await createFaultCast(databaseUrl, app.url);
    });
    afterAll(() => app?.stop());

    it('fails requests in flight with 503, recovers without a restart, loses and duplicates nothing', async () => {
      let stop = false;
      await withAppLog(() => app, () => (stop = true), async () => {
        const load = depositLoad(app.url, cast, 6, () => stop);
        await until(() => load.counts.ok >= 60, load);
        let terminated = 0;
        for (let round = 0; round < 3; round++) {
          const killed = await query(databaseUrl, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
          terminated += killed.length;
          await new Promise((r) => setTimeout(r, 30));
        }
        const okAtKill = load.counts.ok;
        await until(() => load.counts.ok >= okAtKill + 60, load); // the same process serves again
        stop = true;
        await load.finished;

        expect(terminated).toBeGreaterThan(0);
        const statuses = new Set(load.sent.map((s) => s.result!.status));
        expect([...statuses].filter((s) => s !== 201 && s !== 503)).toEqual([]);
        for (const s of load.sent.filter((x) => x.result!.status === 503)) expect(s.result!.body).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });

        const acked = load.sent.filter((s) => s.result!.status === 201).map((s) => s.result!.body.id);
        expect(await query(databaseUrl, `SELECT id FROM deposits WHERE id = ANY ($1::uuid[])`, [acked])).toHaveLength(acked.length);
        await expectRetriesExactlyOnce(app.url, databaseUrl, cast, load.sent);
        await expectOneCompleteChain(databaseUrl);
        await expectVerified(app.url, cast.auditor);
      });
    });
  });

  describe('the embedded server stopped and started again', () => {
    let dir: string;
    let port: number;
    let server: EmbeddedServerProcess | undefined;
    let app: AppProcess | undefined;
    let cast: FaultCast;

    beforeAll(async () => {
      // A server of this test's own, so stopping it disturbs no other test.
      dir = mkdtempSync(join(tmpdir(), 'aid-escrow-fault-'));
      chmodSync(dir, 0o755);
      port = await freePort();
      server = await startEmbeddedServerProcess(dir, port);
      app = await startAppProcess(server.url, { DB_POOL_SIZE: '6' });
      cast = await createFaultCast(server.url, app.url);
    }, 120_000);
    afterAll(async () => {
      await app?.stop();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers 503 while it is down, serves again once it is back, without a restart', async () => {
      const url = server!.url;
      let stop = false;
      await withAppLog(() => app, () => (stop = true), async () => {
        const load = depositLoad(app!.url, cast, 4, () => stop);
        await until(() => load.counts.ok >= 40, load);
        await server!.stop();
        server = undefined;

        // Down: requests fail fast with 503 (the pool's connect timeout), health says so too.
        const unavailableBefore = load.counts.unavailable;
        await until(() => load.counts.unavailable >= unavailableBefore + 4, load);
        const health = await send(app!.url, 'GET', '/health');
        expect(health.status).toBe(503);

        server = await startEmbeddedServerProcess(dir, port);
        expect(server.url).toBe(url);
        const okAtRestart = load.counts.ok;
        await until(() => load.counts.ok >= okAtRestart + 40, load);
        stop = true;
        await load.finished;
        await eventually(async () => (await send(app!.url, 'GET', '/health')).status === 200, 'health to recover');

        const statuses = new Set(load.sent.map((s) => s.result!.status));
        expect([...statuses].filter((s) => s !== 201 && s !== 503)).toEqual([]);
        const acked = load.sent.filter((s) => s.result!.status === 201).map((s) => s.result!.body.id);
        expect(await query(url, `SELECT id FROM deposits WHERE id = ANY ($1::uuid[])`, [acked])).toHaveLength(acked.length);
        await expectRetriesExactlyOnce(app!.url, url, cast, load.sent);
        await expectOneCompleteChain(url);
        await expectVerified(app!.url, cast.auditor);
      });
    });
  });
});
