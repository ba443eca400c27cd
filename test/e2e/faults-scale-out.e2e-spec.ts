import { createTestDatabase } from '../support/database';
import { createFaultCast, expectDepositsConsistent, expectOneCompleteChain, expectVerified, FaultCast, ok, query, readyTranche } from '../support/faults';
import { AppProcess, send, startAppProcess } from '../support/processes';

/**
 * Two service processes (`node dist/main.js`) on one database, each with its own pool, caches
 * and sealer, under concurrent load split between them.
 */
describe('two app processes on one database', () => {
  let databaseUrl: string;
  let apps: AppProcess[] = [];
  let cast: FaultCast;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    apps = await Promise.all([startAppProcess(databaseUrl), startAppProcess(databaseUrl)]);
    cast = await createFaultCast(databaseUrl, apps[0].url);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
  });

  const on = (i: number) => apps[i % 2].url;

  it('loses no deposit, releases each tranche once, and keeps one gap-free chain that verifies', async () => {
    // Funds for the tranches, then the tranches, made ready through both processes.
    await ok(send(on(1), 'POST', `/v1/escrow-accounts/${cast.escrowId}/deposits`, cast.donors[0].auth, { amount: '1000.00' }));
    const tranches: string[] = [];
    for (let i = 0; i < 6; i++) tranches.push(await readyTranche(on(i), cast, '25.00'));
    const requests = await Promise.all(
      tranches.map(async (id, i) => (await ok(send(on(i), 'POST', `/v1/tranches/${id}/release-requests`, cast.admin.auth, {}))).id as string),
    );

    // At once: 160 deposits from four donors, and six approvals racing for every request.
    const deposits = Array.from({ length: 160 }, (_, i) =>
      send(on(i), 'POST', `/v1/escrow-accounts/${cast.escrowId}/deposits`, cast.donors[i % 4].auth, { amount: `${1 + (i % 7)}.25` }, { 'idempotency-key': `deposit-${i}` }),
    );
    const approvals = requests.flatMap((requestId) =>
      Array.from({ length: 6 }, (_, i) => send(on(i), 'POST', `/v1/release-requests/${requestId}/approve`, cast.checker.auth, {})),
    );
    const [depositResults, approvalResults] = await Promise.all([Promise.all(deposits), Promise.all(approvals)]);

    expect(depositResults.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    const statuses = approvalResults.map((r) => (r.status === 200 ? '200' : `${r.status} ${r.body?.code}`));
    expect(statuses.filter((s) => s === '200')).toHaveLength(requests.length);
    expect(statuses.filter((s) => s !== '200' && s !== '409 INVALID_STATE')).toEqual([]);

    // No lost deposit: each acknowledged one is in the ledger, once.
    const ids = depositResults.map((r) => r.body.id);
    const stored = await query(databaseUrl, `SELECT id FROM deposits WHERE id = ANY ($1::uuid[])`, [ids]);
    expect(stored).toHaveLength(160);
    await expectDepositsConsistent(databaseUrl, cast.escrowId);

    // No double release: one release_approved per request, and the recipient got each tranche once.
    const released = await query(
      databaseUrl,
      `SELECT body::jsonb -> 'refs' ->> 'releaseRequestId' AS request, count(*)::int AS n
         FROM journal_transactions WHERE kind = 'release_approved' GROUP BY 1`,
    );
    expect(released.map((r) => r.n)).toEqual(requests.map(() => 1));
    const [recipient] = await query(databaseUrl, `SELECT balance::text FROM ledger_accounts WHERE code = $1`, [`recipient:${cast.recipientId}:USD`]);
    expect(recipient.balance).toBe('150.00');

    // Both sealers ran; the chain is still one sequence, and the ledger verifies from either process.
    const total = await expectOneCompleteChain(databaseUrl);
    expect(total).toBeGreaterThan(160 + 6 * 6);
    await expectVerified(on(0), cast.auditor);
    await expectVerified(on(1), cast.auditor);
  });

  it('replays an idempotent deposit from the other process instead of repeating it', async () => {
    const body = { amount: '3.00', reference: 'retry across instances' };
    const first = await send(on(0), 'POST', `/v1/escrow-accounts/${cast.escrowId}/deposits`, cast.donors[1].auth, body, { 'idempotency-key': 'cross-1' });
    const again = await send(on(1), 'POST', `/v1/escrow-accounts/${cast.escrowId}/deposits`, cast.donors[1].auth, body, { 'idempotency-key': 'cross-1' });
    expect(first.status).toBe(201);
    expect(again).toEqual(first);
    expect(await query(databaseUrl, `SELECT 1 FROM deposits WHERE reference = 'retry across instances'`)).toHaveLength(1);
  });
});
