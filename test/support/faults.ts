import { Client } from 'pg';
import { eventually, insertPrincipal, ProcessPrincipal, send } from './processes';

/** The people of a fault test: two admins (maker, checker), donors, two monitors, an auditor, a recipient. */
export interface FaultCast {
  admin: ProcessPrincipal;
  checker: ProcessPrincipal;
  donors: ProcessPrincipal[];
  monitors: ProcessPrincipal[];
  auditor: ProcessPrincipal;
  recipientId: string;
  escrowId: string;
}

export async function createFaultCast(databaseUrl: string, appUrl: string, donors = 4): Promise<FaultCast> {
  const admin = await insertPrincipal(databaseUrl, 'admin', 'Escrow Office');
  const checker = await insertPrincipal(databaseUrl, 'admin', 'Escrow Office');
  const auditor = await insertPrincipal(databaseUrl, 'auditor', 'Audit Office');
  const cast: FaultCast = {
    admin,
    checker,
    auditor,
    donors: [],
    monitors: [await insertPrincipal(databaseUrl, 'monitor', 'Monitors A'), await insertPrincipal(databaseUrl, 'monitor', 'Monitors B')],
    recipientId: '',
    escrowId: '',
  };
  for (let i = 0; i < donors; i++) cast.donors.push(await insertPrincipal(databaseUrl, 'donor', `Donor ${i}`));
  cast.recipientId = (await ok(send(appUrl, 'POST', '/v1/organizations', admin.auth, { name: 'Water Utility', type: 'recipient' }))).id;
  cast.escrowId = (await ok(send(appUrl, 'POST', '/v1/escrow-accounts', admin.auth, { name: 'Northern reconstruction', currency: 'USD' }))).id;
  return cast;
}

export async function ok(pending: ReturnType<typeof send>): Promise<any> {
  const res = await pending;
  if (res.status < 200 || res.status >= 300) throw new Error(`expected 2xx, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A tranche with both benchmarks met (quorum 1), allocated by donor 0. */
export async function readyTranche(appUrl: string, cast: FaultCast, amount: string): Promise<string> {
  const tranche = await ok(send(appUrl, 'POST', `/v1/escrow-accounts/${cast.escrowId}/tranches`, cast.donors[0].auth, {
    category: 'utilities', phase: 1, amount, recipientOrganizationId: cast.recipientId,
  }));
  for (const [i, kind] of ['humanitarian_access', 'anti_corruption'].entries()) {
    const benchmark = await ok(send(appUrl, 'POST', `/v1/tranches/${tranche.id}/benchmarks`, cast.admin.auth, { kind, description: 'verified', requiredApprovals: 1 }));
    await ok(send(appUrl, 'POST', `/v1/benchmarks/${benchmark.id}/signoffs`, cast.monitors[i].auth, { decision: 'approve' }));
  }
  return tranche.id;
}

export async function query<Row = any>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Waits until the sealers (of whichever instances run) have chained every journal transaction,
 * then checks that the chain is one gap-free sequence, every transaction in it once.
 */
export async function expectOneCompleteChain(databaseUrl: string): Promise<number> {
  let total = 0;
  await eventually(async () => {
    const [row] = await query(databaseUrl, `SELECT (SELECT count(*) FROM journal_transactions)::int AS t, (SELECT count(*) FROM journal_chain)::int AS c`);
    total = row.t;
    return row.t === row.c;
  }, 'the sealer to chain every transaction');
  const [chain] = await query(
    databaseUrl,
    `SELECT count(*)::int AS links, coalesce(max(chain_index), -1)::int AS top, count(DISTINCT transaction_seq)::int AS distinct_txs FROM journal_chain`,
  );
  if (chain.links !== total || chain.top !== total - 1 || chain.distinct_txs !== total) {
    throw new Error(`the chain is not one gap-free sequence: ${JSON.stringify({ total, ...chain })}`);
  }
  return total;
}

/** GET /v1/ledger/verify must pass with every transaction sealed. */
export async function expectVerified(appUrl: string, auditor: ProcessPrincipal): Promise<void> {
  const res = await send(appUrl, 'GET', '/v1/ledger/verify', auditor.auth);
  if (res.status !== 200 || res.body.ok !== true || res.body.sealed !== res.body.transactions) {
    throw new Error(`verify: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/**
 * Deposits as recorded by the service: every deposits row must have its journal transaction and
 * every deposit transaction its row (nothing half-written), and each donor's unallocated ledger
 * balance must equal its deposits less its tranches.
 */
export async function expectDepositsConsistent(databaseUrl: string, escrowId: string): Promise<void> {
  const orphans = await query(
    databaseUrl,
    `SELECT d.id FROM deposits d LEFT JOIN journal_transactions t ON t.id = d.journal_transaction_id WHERE t.id IS NULL
     UNION ALL
     SELECT t.id FROM journal_transactions t LEFT JOIN deposits d ON d.journal_transaction_id = t.id WHERE t.kind = 'deposit' AND d.id IS NULL`,
  );
  if (orphans.length > 0) throw new Error(`half-written deposits: ${JSON.stringify(orphans)}`);
  const mismatched = await query(
    databaseUrl,
    `SELECT a.code, a.balance::text AS ledger, (d.deposited - coalesce(t.allocated, 0))::text AS expected
       FROM (SELECT organization_id, sum(amount) AS deposited FROM deposits WHERE escrow_account_id = $1 GROUP BY organization_id) d
       LEFT JOIN (SELECT donor_organization_id, sum(amount) AS allocated FROM tranches
                   WHERE escrow_account_id = $1 AND status <> 'cancelled' GROUP BY donor_organization_id) t
              ON t.donor_organization_id = d.organization_id
       JOIN ledger_accounts a ON a.code = 'escrow:' || $1 || ':unallocated:' || d.organization_id
      WHERE a.balance <> d.deposited - coalesce(t.allocated, 0)`,
    [escrowId],
  );
  if (mismatched.length > 0) throw new Error(`ledger and deposits disagree: ${JSON.stringify(mismatched)}`);
  const pendingKeys = await query(databaseUrl, `SELECT key_hash FROM idempotency_keys WHERE status_code = 0`);
  if (pendingKeys.length > 0) throw new Error(`idempotency keys committed without their response: ${JSON.stringify(pendingKeys)}`);
}
