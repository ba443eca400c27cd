import { Client } from 'pg';
import { DeadlineSweeperService } from '../../src/escrow/deadlines/deadline-sweeper.service';
import { superuserClient } from '../support/database';
import { approveRequest, askInstalment, getRequest, getTranche, outcomes, policyTranche, releaseInstalment, setApprovalPolicy } from '../support/release-policy';
import { startTestApp, TestApp } from '../support/test-app';
import { Cast, createCast, createEscrowAccount, databaseState, deposit, expectLedgerConsistent, ledgerBalances, moreAdmins, readJournal } from '../support/workflow';

/**
 * API.md, "Release policy", expiry: past releaseBy nothing more is released, decided by the
 * database's clock in the release's own transaction; a sweeper (one instance of many) returns
 * the remainder to the donor within a minute.
 */
describe('release deadlines', () => {
  let t: TestApp;
  let cast: Cast;
  const escrowIds: string[] = [];

  beforeAll(async () => {
    // No background sweeping here: the tests call the sweeper, so what they see is the rule, not its timing.
    t = await startTestApp({ DEADLINE_SWEEP_INTERVAL_MS: 0 });
    cast = await createCast(t);
  });
  afterAll(() => t.close());

  const newAccount = async () => {
    const id = await createEscrowAccount(t, cast.admin);
    escrowIds.push(id);
    await deposit(t, cast.donorA, id, '1000.00');
    return id;
  };
  /** An instant `ms` from now by the database's clock. */
  const inMs = async (ms: number): Promise<string> => {
    const [{ at }] = await t.dataSource.query(`SELECT clock_timestamp() + make_interval(secs => $1::float8 / 1000) AS at`, [ms]);
    return (at as Date).toISOString();
  };
  const untilPast = async (instant: string) => {
    for (;;) {
      const [{ past }] = await t.dataSource.query(`SELECT $1::timestamptz < clock_timestamp() AS past`, [instant]);
      if (past) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const sweep = () => t.app.get(DeadlineSweeperService).sweep();
  const inAnHour = () => inMs(3_600_000);
  /**
   * Brings a tranche's deadline to `ms` from now (negative: just passed), by the database's clock.
   * Tranches are made through the API with a deadline an hour ahead and moved here only when the
   * timing matters, so a slow, shared machine cannot make a setup step miss the deadline.
   */
  const moveDeadline = async (trancheId: string, ms: number): Promise<string> => {
    const [[row]] = await t.dataSource.query(MOVE_DEADLINE, [trancheId, ms]);
    return (row.release_by as Date).toISOString();
  };
  const conflict = async (send: () => PromiseLike<{ status: number; body: { code?: string } }>, code: string) => {
    const before = await databaseState(t);
    const res = await send();
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code });
    expect(await databaseState(t)).toEqual(before);
  };

  it('past releaseBy, requests and approvals get TRANCHE_EXPIRED before any sweep; the sweep returns the remainder', async () => {
    const escrowId = await newAccount();
    const trancheId = await policyTranche(t, cast, escrowId, { amount: '100.00', releaseBy: await inAnHour() });
    await releaseInstalment(t, cast, trancheId, '30.00');
    const pending = (await askInstalment(t, cast.admin, trancheId, '20.00').expect(201)).body;
    const releaseBy = await moveDeadline(trancheId, -1);
    await untilPast(releaseBy);

    // The sweeper has not run: the deadline alone refuses.
    expect((await getTranche(t, cast.auditor, trancheId)).status).toBe('release_pending');
    await conflict(() => approveRequest(t, cast.checker, pending.id), 'TRANCHE_EXPIRED');
    await t.http().post(`/v1/release-requests/${pending.id}/reject`).set(cast.admin.auth).send({ reason: 'late' }).expect(200);
    await conflict(() => askInstalment(t, cast.admin, trancheId, '1.00'), 'TRANCHE_EXPIRED');
    const again = (await t.dataSource.query(`SELECT count(*)::int AS n FROM release_requests WHERE tranche_id = $1`, [trancheId]))[0].n;
    expect(again).toBe(2);

    const unallocatedBefore = (await ledgerBalances(t, cast.auditor)).get(`escrow:${escrowId}:unallocated:${cast.donorA.organizationId}`)!;
    expect(await sweep()).toBe(1);
    expect(await getTranche(t, cast.auditor, trancheId)).toMatchObject({
      status: 'expired',
      releasedAmount: '30.00',
      remainingAmount: '0.00',
      returnedAmount: '70.00',
    });
    const unallocatedAfter = (await ledgerBalances(t, cast.auditor)).get(`escrow:${escrowId}:unallocated:${cast.donorA.organizationId}`)!;
    expect(unallocatedAfter.minus(unallocatedBefore).toFixed()).toBe('70');
    const balances = (await t.http().get(`/v1/escrow-accounts/${escrowId}`).set(cast.auditor.auth).expect(200)).body.balances;
    expect(balances).toMatchObject({ deposited: '1000.00', allocated: '0.00', released: '30.00', unallocated: '970.00' });

    const [expired] = (await readJournal(t, cast.auditor)).filter((i) => i.kind === 'tranche_expired' && i.body.refs.trancheId === trancheId);
    expect(expired).toMatchObject({ actorPrincipalId: null, body: { details: { releaseBy, releasedAmount: '30.00', returnedAmount: '70.00' } } });
    expect(expired.entries.map((e) => [e.account, e.amount]).sort()).toEqual([
      [`escrow:${escrowId}:tranche:${trancheId}`, '-70.00'],
      [`escrow:${escrowId}:unallocated:${cast.donorA.organizationId}`, '70.00'],
    ]);
    // Expired first, whatever else: a request, an approval of the decided request, a cancellation.
    await conflict(() => askInstalment(t, cast.admin, trancheId), 'TRANCHE_EXPIRED');
    await conflict(() => approveRequest(t, cast.checker, pending.id), 'TRANCHE_EXPIRED');
    await conflict(() => t.http().post(`/v1/tranches/${trancheId}/cancel`).set(cast.admin.auth).send({ reason: 'x' }), 'INVALID_STATE');
    expect(await sweep()).toBe(0);
  });

  it('the sweep rejects a pending request, and leaves tranches without a deadline or before it alone', async () => {
    const escrowId = await newAccount();
    const due = await policyTranche(t, cast, escrowId, { amount: '10.00', releaseBy: await inAnHour() });
    const later = await policyTranche(t, cast, escrowId, { amount: '10.00', releaseBy: await inAnHour() });
    const none = await policyTranche(t, cast, escrowId, { amount: '10.00' });
    const pending = (await askInstalment(t, cast.admin, due).expect(201)).body;
    await untilPast(await moveDeadline(due, -1));
    expect(await sweep()).toBe(1);
    expect(await getRequest(t, cast.auditor, pending.id)).toMatchObject({ status: 'rejected', rejectedBy: null, reason: expect.stringContaining('expired'), remainingApprovals: 0 });
    expect((await getTranche(t, cast.auditor, due)).status).toBe('expired');
    for (const id of [later, none]) expect((await getTranche(t, cast.auditor, id)).status).toBe('allocated');
    await releaseInstalment(t, cast, later);
  });

  it('an approval that waited on a lock until past the deadline is refused: the clock is read under the lock, not at the transaction’s start', async () => {
    const escrowId = await newAccount();
    const trancheId = await policyTranche(t, cast, escrowId, { amount: '10.00', releaseBy: await inAnHour() });
    const pending = (await askInstalment(t, cast.admin, trancheId).expect(201)).body;
    const holder: Client = await superuserClient(t.url);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM tranches WHERE id = $1 FOR SHARE', [trancheId]);
      const approval = approveRequest(t, cast.checker, pending.id).then((r) => r);
      const startedAt = await waitForLockWait(holder);
      // The deadline comes only now, after the approval's transaction began: a check against
      // now() (the transaction's start) would let it through.
      const releaseBy = ((await holder.query(MOVE_DEADLINE, [trancheId, 200])).rows[0].release_by as Date).toISOString();
      expect(startedAt.getTime()).toBeLessThan(new Date(releaseBy).getTime());
      await untilPast(releaseBy);
      await holder.query('COMMIT');
      const res = await approval;
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'TRANCHE_EXPIRED' });
    } finally {
      await holder.end();
    }
    expect((await getTranche(t, cast.auditor, trancheId)).releasedAmount).toBe('0.00');
  });

  it('approvals racing the deadline: the instalment moves before it, or not at all; the sweep returns exactly the rest', async () => {
    const escrowId = await newAccount();
    await setApprovalPolicy(t, escrowId, [{ minAmount: '0', approvals: 2 }], cast.admin, cast.checker);
    const checkers = [cast.checker, ...(await moreAdmins(t, 3))];
    const seen = { released: 0, refused: 0 };
    for (let round = 0; round < 4; round++) {
      const trancheId = await policyTranche(t, cast, escrowId, { amount: '40.00', releaseBy: await inAnHour() });
      const pending = (await askInstalment(t, cast.admin, trancheId, '25.00').expect(201)).body;
      const releaseBy = await moveDeadline(trancheId, 700);
      // Four approvals from distinct admins, spread across the deadline (a different spread each round).
      const shots = [];
      await new Promise((r) => setTimeout(r, 350 + round * 60));
      for (const checker of checkers) {
        shots.push(approveRequest(t, checker, pending.id).then((r) => r));
        await new Promise((r) => setTimeout(r, 90));
      }
      const results = outcomes(await Promise.all(shots));
      expect(results.filter((r) => !['200', '409 TRANCHE_EXPIRED', '409 INVALID_STATE'].includes(r))).toEqual([]);
      await untilPast(releaseBy);
      await sweep();
      const tranche = await getTranche(t, cast.auditor, trancheId);
      const request = await getRequest(t, cast.auditor, pending.id);
      // Every approval that counted was given before the deadline, by the database's clock.
      for (const approval of request.approvals) expect(new Date(approval.at).getTime()).toBeLessThan(new Date(releaseBy).getTime());
      if (request.approvals.length === 2) {
        seen.released++;
        expect({ ok: results.filter((r) => r === '200').length, request: request.status, tranche }).toMatchObject({
          ok: 2,
          request: 'approved',
          tranche: { status: 'expired', releasedAmount: '25.00', returnedAmount: '15.00' },
        });
      } else {
        seen.refused++;
        expect({ ok: results.filter((r) => r === '200').length, request: request.status, tranche }).toMatchObject({
          ok: request.approvals.length,
          request: 'rejected',
          tranche: { status: 'expired', releasedAmount: '0.00', returnedAmount: '40.00' },
        });
      }
    }
    expect(seen.released + seen.refused).toBe(4);
  });

  it('one instance of several sweeps each tranche: expired once, journaled once', async () => {
    const other = await startTestApp({ DATABASE_URL: t.url, DEADLINE_SWEEP_INTERVAL_MS: 0 });
    try {
      const escrowId = await newAccount();
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await policyTranche(t, cast, escrowId, { amount: '5.00', releaseBy: await inAnHour(), ready: false }));
      expect(await sweep()).toBe(0); // nothing else is due
      for (const id of ids) await untilPast(await moveDeadline(id, -1));
      const counts = await Promise.all([sweep(), other.app.get(DeadlineSweeperService).sweep(), sweep(), other.app.get(DeadlineSweeperService).sweep()]);
      // A sweeper that finds another one working stops; whatever is left is swept next time.
      const rest = await sweep();
      expect(counts.reduce((a, b) => a + b, 0) + rest).toBe(6);
      const journal = (await readJournal(t, cast.auditor)).filter((i) => i.kind === 'tranche_expired' && ids.includes(i.body.refs.trancheId));
      expect(journal.map((i) => i.body.refs.trancheId).sort()).toEqual([...ids].sort());
    } finally {
      await other.close();
    }
  });

  it('with the background sweeper on, an expired tranche is returned within its interval', async () => {
    const swept = await startTestApp({ DATABASE_URL: t.url, DEADLINE_SWEEP_INTERVAL_MS: 100 });
    try {
      const escrowId = await newAccount();
      const trancheId = await policyTranche(t, cast, escrowId, { amount: '5.00', releaseBy: await inAnHour(), ready: false });
      await untilPast(await moveDeadline(trancheId, 100));
      const deadline = Date.now() + 10_000;
      while ((await getTranche(t, cast.auditor, trancheId)).status !== 'expired') {
        if (Date.now() > deadline) throw new Error('not swept within 10 s');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await swept.close();
    }
  });

  it('leaves a ledger that verifies and agrees with every account and tranche', async () => {
    await expectLedgerConsistent(t, cast.auditor, escrowIds);
  });
});

const MOVE_DEADLINE = `UPDATE tranches SET release_by = clock_timestamp() + make_interval(secs => $2::float8 / 1000) WHERE id = $1 RETURNING release_by`;

/**
 * Until a session other than `holder` waits for a lock (the approval behind `holder`'s); returns
 * that transaction's start. Read with pg_stat_clear_snapshot: inside a transaction,
 * pg_stat_activity is otherwise the picture taken at its first read.
 */
async function waitForLockWait(holder: Client): Promise<Date> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
    await holder.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await holder.query(
      `SELECT xact_start FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
    );
    if (rows.length === 1) return rows[0].xact_start;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the approval never waited for the lock');
}
