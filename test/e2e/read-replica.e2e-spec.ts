import { join } from 'node:path';
import { CheckpointService } from '../../src/attestation/checkpoints/checkpoint.service';
import { eventually } from '../support/processes';
import { ReplicaPair, startReplicaPair } from '../support/replica-pair';
import { startTestApp, TestApp, TestPrincipal } from '../support/test-app';
import { createEscrowAccount } from '../support/workflow';

/**
 * DATABASE_READ_URL against a real streaming replica (API.md, "Read replicas"): an embedded
 * primary and a hot standby of its own (whatever DATABASE_URL the suite runs on). Replay paused
 * on the standby tells the two apart: what reads the replica stays behind, what reads the
 * primary (the write's own answer, authenticated reads, authentication) is current.
 */
describe('read replica', () => {
  let pair: ReplicaPair;
  let t: TestApp;
  let admin: TestPrincipal;
  let donor: TestPrincipal;
  let auditor: TestPrincipal;
  let escrowId: string;

  const config = () => ({
    DATABASE_URL: pair.primary.url,
    DATABASE_READ_URL: pair.replica.url,
    DATA_DIR: join(pair.dir, 'app'),
  });
  const deposited = async (app: TestApp = t): Promise<string | undefined> => {
    const res = await app.http().get('/v1/public/dashboard').expect(200);
    return (res.body.escrowAccounts as { id: string; balances: { deposited: string } }[]).find((a) => a.id === escrowId)?.balances.deposited;
  };
  const health = async (app: TestApp = t) => (await app.http().get('/health').expect(200)).body;
  const ledgerIds = async (): Promise<string[]> =>
    (await t.http().get('/v1/ledger/transactions?limit=1000').set(auditor.auth).expect(200)).body.items.map((i: { id: string }) => i.id);
  const exportedIds = async (): Promise<string[]> =>
    (await t.http().get('/v1/ledger/export?format=ndjson').set(auditor.auth).expect(200)).text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line).id);
  const donorBalance = async (): Promise<string | undefined> =>
    ((await t.http().get('/v1/ledger/accounts').set(auditor.auth).expect(200)).body as { code: string; balance: string }[]).find(
      (a) => a.code === `donor:${donor.organizationId}:USD`,
    )?.balance;
  const primaryTransactions = async () => Number((await pair.primary.query<{ n: string }>(`SELECT count(*) AS n FROM journal_transactions`))[0].n);

  beforeAll(async () => {
    pair = await startReplicaPair();
    t = await startTestApp(config());
    admin = await t.principal('admin');
    donor = await t.principal('donor');
    auditor = await t.principal('auditor');
    escrowId = await createEscrowAccount(t, admin);
    await t.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set(donor.auth).send({ amount: '100.00' }).expect(201);
    await t.seal();
    await t.app.get(CheckpointService).produce({ force: true });
    await pair.caughtUp();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await pair?.stop();
  });

  it('is a hot standby, and everything it holds came from the primary', async () => {
    expect((await pair.replica.query<{ r: boolean }>(`SELECT pg_is_in_recovery() AS r`))[0].r).toBe(true);
    expect((await pair.primary.query<{ r: boolean }>(`SELECT pg_is_in_recovery() AS r`))[0].r).toBe(false);
    expect(await deposited()).toBe('100.00');
    expect(await health()).toMatchObject({ status: 'ok', replica: { status: 'up' }, replicaLagSeconds: expect.any(Number) });
  });

  it('with replay paused: public documents, ledger reads, export and verify stay behind; the write, authenticated reads and revocation are current', async () => {
    const checkpointBefore = (await t.http().get('/v1/public/checkpoints/latest').expect(200)).body.treeSize as number;
    const secondAuditor = await t.principal('auditor');
    await pair.caughtUp();
    await t.http().get('/v1/ledger/transactions?limit=1').set(secondAuditor.auth).expect(200); // its key is cached now
    const verifiedBefore = (await t.http().get('/v1/ledger/verify').set(auditor.auth).expect(200)).body;
    expect(verifiedBefore).toMatchObject({ ok: true, transactions: await primaryTransactions() });

    await pair.pauseReplay();
    try {
      const write = await t.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set(donor.auth).send({ amount: '25.00' }).expect(201);
      const transactionId = write.body.journalTransactionId as string;
      await t.seal();
      const signed = await t.app.get(CheckpointService).produce({ force: true });
      expect(signed!.treeSize).toBeGreaterThan(checkpointBefore);

      // The primary: the write's own answer, and the authenticated escrow read.
      expect(write.body).toMatchObject({ amount: '25.00', escrowAccountId: escrowId });
      const account = await t.http().get(`/v1/escrow-accounts/${escrowId}`).set(donor.auth).expect(200);
      expect(account.body.balances.deposited).toBe('125.00');

      // The replica: every routed read is as it was before the pause.
      expect(await deposited()).toBe('100.00');
      expect((await t.http().get('/v1/public/checkpoints/latest').expect(200)).body.treeSize).toBe(checkpointBefore);
      expect((await t.http().get('/checkpoint').expect(200)).text.split('\n')[1]).toBe(String(checkpointBefore));
      expect(await ledgerIds()).not.toContain(transactionId);
      expect(await exportedIds()).not.toContain(transactionId);
      expect(await donorBalance()).toBe('-100.00');
      const verifiedDuring = (await t.http().get('/v1/ledger/verify').set(auditor.auth).expect(200)).body;
      expect(verifiedDuring).toMatchObject({ ok: true, transactions: verifiedBefore.transactions });
      expect(await primaryTransactions()).toBeGreaterThan(verifiedBefore.transactions);

      // Revocation holds at once although the replica still has the key active: authentication
      // reads the primary, also for routes whose data comes from the replica.
      await t.http().post(`/v1/principals/${secondAuditor.id}/revoke`).set(admin.auth).send({ reason: 'left' }).expect(204);
      await t.http().get('/v1/ledger/transactions?limit=1').set(secondAuditor.auth).expect(401);
      const [onReplica] = await pair.replica.query<{ status: string }>(`SELECT status FROM principals WHERE id = $1`, [secondAuditor.id]);
      expect(onReplica.status).toBe('active');

      // The lag is a number, and grows while replay stands still behind a write.
      const first = (await health()).replicaLagSeconds;
      expect(first).toEqual(expect.any(Number));
      expect(first).toBeGreaterThanOrEqual(0);
      await eventually(async () => (await health()).replicaLagSeconds > first, 'the reported lag to grow');
    } finally {
      await pair.resumeReplay();
    }

    // Replayed: every routed read catches up, within a bound.
    await eventually(async () => (await deposited()) === '125.00', 'the dashboard to show the deposit');
    const last = await primaryTransactions();
    await eventually(async () => (await ledgerIds()).length === last, 'the ledger page to show every transaction');
    expect(await exportedIds()).toHaveLength(last);
    expect(await donorBalance()).toBe('-125.00');
    expect((await t.http().get('/v1/ledger/verify').set(auditor.auth).expect(200)).body).toMatchObject({ ok: true, transactions: last });
    expect((await t.http().get('/v1/public/checkpoints/latest').expect(200)).body.treeSize).toBeGreaterThan(checkpointBefore);
    // Idle and caught up: no lag, however long ago the last transaction was.
    await eventually(async () => (await health()).replicaLagSeconds === 0, 'the lag to return to 0');
  }, 120_000);

  it('with the replica away: replica reads answer 503 at once, writes, authenticated reads and health carry on; an app started meanwhile joins it when it is back', async () => {
    await pair.replica.stop();
    let late: TestApp | undefined;
    try {
      for (const path of ['/v1/public/dashboard', '/v1/public/iati.xml', '/v1/public/checkpoints/latest', '/checkpoint']) {
        const res = await t.http().get(path).expect(503);
        expect(res.body).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
      }
      await t.http().get('/v1/ledger/transactions').set(auditor.auth).expect(503);
      await t.http().get('/v1/ledger/verify').set(auditor.auth).expect(503);
      expect(await health()).toMatchObject({ status: 'ok', replica: { status: 'down' }, replicaLagSeconds: null });

      await t.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set(donor.auth).send({ amount: '5.00' }).expect(201);
      expect((await t.http().get(`/v1/escrow-accounts/${escrowId}`).set(donor.auth).expect(200)).body.balances.deposited).toBe('130.00');

      // A replica that is away at start-up does not stop the service.
      late = await startTestApp(config());
      await late.http().get('/v1/public/dashboard').expect(503);
      expect(await health(late)).toMatchObject({ status: 'ok', replica: { status: 'down' }, replicaLagSeconds: null });
    } finally {
      await pair.replica.start();
    }
    try {
      await eventually(async () => (await deposited()) === '130.00', 'the dashboard to come back with the deposit');
      await eventually(async () => (await deposited(late!)) === '130.00', 'the late app to reach the replica');
      expect(await health(late!)).toMatchObject({ replica: { status: 'up' }, replicaLagSeconds: expect.any(Number) });
    } finally {
      await late?.close();
    }
  }, 120_000);

  it('with the replica frozen (nothing answers): replica reads answer 503 within the pool\'s bounds, never hang; health answers with the replica down', async () => {
    // A statement timeout of 1 s: the client gives up on an unanswered query after 2 s.
    const bounded = await startTestApp({ ...config(), DB_STATEMENT_TIMEOUT_MS: 1000 });
    try {
      expect(await deposited(bounded)).toBe('130.00'); // a pooled replica connection is open
      pair.replica.freeze();
      try {
        // Twice: once on the open connection (query timeout), once more waiting for a new one (connect timeout).
        for (const path of ['/v1/public/dashboard', '/checkpoint', '/v1/public/dashboard']) {
          const res = await bounded.http().get(path).timeout(20_000).expect(503);
          expect(res.body).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
        }
        const res = await bounded.http().get('/health').timeout(20_000).expect(200);
        expect(res.body).toMatchObject({ status: 'ok', replica: { status: 'down' }, replicaLagSeconds: null });
        await bounded.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set(donor.auth).send({ amount: '1.00' }).timeout(20_000).expect(201);
      } finally {
        pair.replica.thaw();
      }
      await eventually(async () => (await deposited(bounded)) === '131.00', 'the thawed replica to serve again');
    } finally {
      await bounded.close();
    }
  }, 120_000);
});
