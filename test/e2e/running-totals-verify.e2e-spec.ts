import { TestApp } from '../support/test-app';
import { startTransparencyApp } from '../support/transparency';
import { Cast, createCast, createEscrowAccount, deposit, readyTranche, requestRelease } from '../support/workflow';

/**
 * GET /v1/ledger/verify also checks the running totals (escrow_donor_totals, what the account
 * API and the dashboard show) against escrow's records and the ledger: a total that drifted
 * from the money fails the audit, naming the account and donor.
 */
describe('verify checks the running totals', () => {
  let t: TestApp;
  let cast: Cast;
  let escrowId: string;

  const verify = async () => (await t.http().get('/v1/ledger/verify').set(cast.auditor.auth).expect(200)).body;
  const tamper = (sql: string) => t.dataSource.query(sql, [escrowId, cast.donorA.organizationId]);

  beforeAll(async () => {
    t = await startTransparencyApp({ CHECKPOINT_INTERVAL_MS: 0 });
    cast = await createCast(t);
    escrowId = await createEscrowAccount(t, cast.admin);
    await deposit(t, cast.donorA, escrowId, '1000.00');
    await deposit(t, cast.donorB, escrowId, '40.00');
    const trancheId = await readyTranche(t, cast, escrowId, '300.00');
    const requestId = await requestRelease(t, cast, trancheId);
    await t.http().post(`/v1/release-requests/${requestId}/approve`).set(cast.checker.auth).send({}).expect(200);
  });
  afterAll(() => t.close());

  it('passes on an intact ledger with deposits, an allocation and a release', async () => {
    expect(await verify()).toMatchObject({ ok: true, problem: null });
  });

  it('fails when a stored total no longer sums from the records', async () => {
    await tamper(`UPDATE escrow_donor_totals SET released = released + 0.01 WHERE escrow_account_id = $1 AND organization_id = $2`);
    try {
      const result = await verify();
      expect(result.ok).toBe(false);
      expect(result.firstBrokenSeq).toBeNull();
      expect(result.problem).toContain(`running totals: escrow account ${escrowId}, donor ${cast.donorA.organizationId}`);
      expect(result.problem).toContain('1000/0/300.01/0/0'); // stored: deposited/allocated/released/refunded/repaid
    } finally {
      await tamper(`UPDATE escrow_donor_totals SET released = released - 0.01 WHERE escrow_account_id = $1 AND organization_id = $2`);
    }
    expect((await verify()).ok).toBe(true);
  });

  it('fails when totals and records agree with each other but not with the ledger', async () => {
    // Both sides of the escrow bookkeeping moved by 5.00, the ledger's money did not.
    await tamper(`UPDATE escrow_donor_totals SET deposited = deposited + 5 WHERE escrow_account_id = $1 AND organization_id = $2`);
    await tamper(`UPDATE deposits SET amount = amount + 5 WHERE id = (SELECT id FROM deposits WHERE escrow_account_id = $1 AND organization_id = $2 LIMIT 1)`);
    try {
      const result = await verify();
      expect(result.ok).toBe(false);
      expect(result.problem).toContain(`unallocated 705 by the totals, 700 in ledger account escrow:${escrowId}:unallocated:${cast.donorA.organizationId}`);
    } finally {
      await tamper(`UPDATE deposits SET amount = amount - 5 WHERE id = (SELECT id FROM deposits WHERE escrow_account_id = $1 AND organization_id = $2 LIMIT 1)`);
      await tamper(`UPDATE escrow_donor_totals SET deposited = deposited - 5 WHERE escrow_account_id = $1 AND organization_id = $2`);
    }
    expect((await verify()).ok).toBe(true);
  });
});
