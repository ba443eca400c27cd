import { randomBytes, randomUUID } from 'node:crypto';
import { baselineSql } from '../../src/database/migrations/sql-files';
import { createEmptyDatabase } from '../support/database';
import { sql } from '../support/ledger';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Upgrade step 003 on escrow data of release 0.1.0: what was released whole has released its
 * amount, what was cancelled returned it, requests were for whole tranches under the
 * one-approval default, an approved request's approval is its decider's, and the running
 * totals start equal to what 0.1.0 derived on every read.
 */
describe('release policy: upgrading release 0.1.0 escrow data', () => {
  const id = () => randomUUID();
  const ids = {
    adminOrg: id(), donorOrg: id(), recipientOrg: id(), maker: id(), checker: id(), donor: id(),
    escrow: id(), closed: id(), released: id(), cancelled: id(), allocated: id(), pending: id(),
    approvedRequest: id(), pendingRequest: id(), rejectedRequest: id(), approvalJournal: id(),
  };
  let url: string;
  let t: TestApp;

  beforeAll(async () => {
    url = await createEmptyDatabase();
    await sql(url, baselineSql());
    const key = () => randomBytes(32);
    await sql(url, `INSERT INTO organizations (id, name, type) VALUES ($1, 'Escrow Office', 'admin'), ($2, 'Fund', 'donor'), ($3, 'Utility', 'recipient')`,
      [ids.adminOrg, ids.donorOrg, ids.recipientOrg]);
    await sql(url, `INSERT INTO principals (id, name, role, organization_id, api_key_hash) VALUES
                      ($1, 'Maker', 'admin', $4, $5), ($2, 'Checker', 'admin', $4, $6), ($3, 'Donor', 'donor', $7, $8)`,
      [ids.maker, ids.checker, ids.donor, ids.adminOrg, key(), key(), ids.donorOrg, key()]);
    await sql(url, `INSERT INTO escrow_accounts (id, name, currency, created_by) VALUES ($1, 'Programme', 'USD', $3), ($2, 'Closed programme', 'USD', $3)`,
      [ids.escrow, ids.closed, ids.maker]);
    await sql(url, `UPDATE escrow_accounts SET status = 'closed' WHERE id = $1`, [ids.closed]);
    await sql(url, `INSERT INTO deposits (id, escrow_account_id, organization_id, principal_id, amount, currency, journal_transaction_id) VALUES
                      ($1, $4, $6, $7, 1000.00, 'USD', $1), ($2, $4, $6, $7, 500.00, 'USD', $2), ($3, $5, $6, $7, 50.00, 'USD', $3)`,
      [id(), id(), id(), ids.escrow, ids.closed, ids.donorOrg, ids.donor]);
    await sql(url, `INSERT INTO refunds (id, escrow_account_id, organization_id, amount, journal_transaction_id) VALUES ($1, $2, $3, 50.00, $1)`,
      [id(), ids.closed, ids.donorOrg]);
    const tranche = (tid: string, amount: string, status: string) =>
      sql(url, `INSERT INTO tranches (id, escrow_account_id, donor_organization_id, recipient_organization_id, category, phase, amount, currency, status)
                VALUES ($1, $2, $3, $4, 'utilities', 1, $5, 'USD', $6)`, [tid, ids.escrow, ids.donorOrg, ids.recipientOrg, amount, status]);
    await tranche(ids.released, '300.00', 'released');
    await tranche(ids.cancelled, '100.00', 'cancelled');
    await tranche(ids.allocated, '200.00', 'allocated');
    await tranche(ids.pending, '150.00', 'release_pending');
    await sql(url, `INSERT INTO release_requests (id, tranche_id, status, requested_by, decided_by, journal_transaction_id, decided_at) VALUES
                      ($1, $4, 'approved', $7, $8, $9, now() - interval '1 day'),
                      ($2, $5, 'pending', $7, NULL, NULL, NULL),
                      ($3, $6, 'rejected', $7, $8, $10, now())`,
      [ids.approvedRequest, ids.pendingRequest, ids.rejectedRequest, ids.released, ids.pending, ids.allocated, ids.maker, ids.checker, ids.approvalJournal, id()]);

    // The service's start-up migrates it (upgrade steps 001, 002, 003).
    t = await startTestApp({ DATABASE_URL: url, DEADLINE_SWEEP_INTERVAL_MS: 0 });
  });
  afterAll(() => t?.close());

  it('gives existing tranches their released and returned amounts, no retention, no deadline', async () => {
    const rows = await sql(url, `SELECT id, status, released_amount::text AS released, returned_amount::text AS returned, retention_percent, retention_amount::text AS retained, release_by
                                   FROM tranches ORDER BY amount`);
    expect(rows).toEqual([
      { id: ids.cancelled, status: 'cancelled', released: '0', returned: '100.00', retention_percent: 0, retained: '0', release_by: null },
      { id: ids.pending, status: 'release_pending', released: '0', returned: '0', retention_percent: 0, retained: '0', release_by: null },
      { id: ids.allocated, status: 'allocated', released: '0', returned: '0', retention_percent: 0, retained: '0', release_by: null },
      { id: ids.released, status: 'released', released: '300.00', returned: '0', retention_percent: 0, retained: '0', release_by: null },
    ]);
  });

  it('makes every request one for the whole tranche under the default tier, the approved one approved by its decider', async () => {
    const requests = await sql(url, `SELECT r.id, r.amount::text AS amount, r.required_approvals, r.distinct_organizations FROM release_requests r ORDER BY r.amount`);
    expect(requests).toEqual([
      { id: ids.pendingRequest, amount: '150.00', required_approvals: 1, distinct_organizations: false },
      { id: ids.rejectedRequest, amount: '200.00', required_approvals: 1, distinct_organizations: false },
      { id: ids.approvedRequest, amount: '300.00', required_approvals: 1, distinct_organizations: false },
    ]);
    const approvals = await sql(url, `SELECT a.release_request_id, a.principal_id, a.organization_id, a.journal_transaction_id, a.created_at = r.decided_at AS at_decision
                                        FROM release_approvals a JOIN release_requests r ON r.id = a.release_request_id`);
    expect(approvals).toEqual([
      { release_request_id: ids.approvedRequest, principal_id: ids.checker, organization_id: ids.adminOrg, journal_transaction_id: ids.approvalJournal, at_decision: true },
    ]);
    const policies = await sql(url, `SELECT approval_tiers, approval_policy_change_id FROM escrow_accounts`);
    expect(policies).toEqual([
      { approval_tiers: [{ minAmount: '0', approvals: 1, distinctOrganizations: false }], approval_policy_change_id: null },
      { approval_tiers: [{ minAmount: '0', approvals: 1, distinctOrganizations: false }], approval_policy_change_id: null },
    ]);
  });

  it('starts the running totals at what 0.1.0 derived, and the API shows them', async () => {
    const auditor = await t.principal('auditor');
    const account = (await t.http().get(`/v1/escrow-accounts/${ids.escrow}`).set(auditor.auth).expect(200)).body;
    expect(account.balances).toEqual({ deposited: '1500.00', allocated: '350.00', released: '300.00', refunded: '0.00', repaid: '0.00', unallocated: '850.00' });
    const closed = (await t.http().get(`/v1/escrow-accounts/${ids.closed}`).set(auditor.auth).expect(200)).body;
    expect(closed.balances).toEqual({ deposited: '50.00', allocated: '0.00', released: '0.00', refunded: '50.00', repaid: '0.00', unallocated: '0.00' });
    const released = (await t.http().get(`/v1/tranches/${ids.released}`).set(auditor.auth).expect(200)).body;
    expect(released).toMatchObject({ status: 'released', releasedAmount: '300.00', remainingAmount: '0.00', retainedAmount: '0.00', releaseBy: null });
    const request = (await t.http().get(`/v1/release-requests/${ids.approvedRequest}`).set(auditor.auth).expect(200)).body;
    expect(request).toMatchObject({ status: 'approved', amount: '300.00', approvedBy: ids.checker, approvals: [{ principalId: ids.checker, counts: true }] });
    const pending = (await t.http().get(`/v1/release-requests/${ids.pendingRequest}`).set(auditor.auth).expect(200)).body;
    expect(pending).toMatchObject({ status: 'pending', amount: '150.00', remainingApprovals: 1 });
    expect(pending.eligibleApprovers.map((a: { principalId: string }) => a.principalId)).toEqual([ids.checker]);
  });
});
