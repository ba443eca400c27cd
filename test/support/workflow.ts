import { Decimal } from '../../src/common/money/money';
import { TestApp, TestPrincipal } from './test-app';

/** A cast for the escrow story: admins, donors, monitors of distinct organizations, recipients. */
export interface Cast {
  admin: TestPrincipal;
  checker: TestPrincipal;
  donorA: TestPrincipal;
  donorB: TestPrincipal;
  monitors: TestPrincipal[];
  auditor: TestPrincipal;
  recipientId: string;
}

export async function createCast(t: TestApp): Promise<Cast> {
  const admin = await t.principal('admin', 'Escrow Office');
  const checker = await t.principal('admin', 'Escrow Office');
  const donorA = await t.principal('donor');
  const donorB = await t.principal('donor');
  const monitors = [await t.principal('monitor'), await t.principal('monitor'), await t.principal('monitor')];
  const auditor = await t.principal('auditor');
  const recipient = await t.http()
    .post('/v1/organizations')
    .set(admin.auth)
    .send({ name: `Water Utility ${Math.random().toString(36).slice(2, 8)}`, type: 'recipient' })
    .expect(201);
  return { admin, checker, donorA, donorB, monitors, auditor, recipientId: recipient.body.id };
}

export async function createEscrowAccount(t: TestApp, admin: TestPrincipal, currency = 'USD'): Promise<string> {
  const res = await t.http().post('/v1/escrow-accounts').set(admin.auth).send({ name: 'Northern reconstruction', currency }).expect(201);
  return res.body.id;
}

export async function deposit(t: TestApp, donor: TestPrincipal, escrowId: string, amount: string): Promise<void> {
  await t.http().post(`/v1/escrow-accounts/${escrowId}/deposits`).set(donor.auth).send({ amount }).expect(201);
}

export async function allocate(
  t: TestApp,
  donor: TestPrincipal,
  escrowId: string,
  tranche: { category?: string; phase?: number; amount: string; recipientOrganizationId: string },
): Promise<string> {
  const res = await t.http()
    .post(`/v1/escrow-accounts/${escrowId}/tranches`)
    .set(donor.auth)
    .send({ category: 'utilities', phase: 1, ...tranche })
    .expect(201);
  return res.body.id;
}

/** Adds both benchmark kinds and has `approvers` monitors approve each; returns the benchmark ids. */
export async function satisfyBenchmarks(t: TestApp, cast: Cast, trancheId: string, approvers = 2): Promise<string[]> {
  const ids: string[] = [];
  for (const kind of ['humanitarian_access', 'anti_corruption']) {
    const res = await t.http()
      .post(`/v1/tranches/${trancheId}/benchmarks`)
      .set(cast.admin.auth)
      .send({ kind, description: `${kind} confirmed` })
      .expect(201);
    ids.push(res.body.id);
    for (const monitor of cast.monitors.slice(0, approvers)) {
      await t.http().post(`/v1/benchmarks/${res.body.id}/signoffs`).set(monitor.auth).send({ decision: 'approve', evidence: 'site visit' }).expect(201);
    }
  }
  return ids;
}

/** A tranche ready for release: funded, benchmarks met. */
export async function readyTranche(t: TestApp, cast: Cast, escrowId: string, amount = '100.00', phase = 1): Promise<string> {
  const trancheId = await allocate(t, cast.donorA, escrowId, { amount, phase, recipientOrganizationId: cast.recipientId });
  await satisfyBenchmarks(t, cast, trancheId);
  return trancheId;
}

/** Asks for the release of a tranche as `cast.admin` (the maker); returns the request id. */
export async function requestRelease(t: TestApp, cast: Cast, trancheId: string): Promise<string> {
  const res = await t.http().post(`/v1/tranches/${trancheId}/release-requests`).set(cast.admin.auth).send({}).expect(201);
  return res.body.id;
}

/** A funded account with one tranche waiting for its checker: `amount` deposited and allocated. */
export async function pendingRelease(
  t: TestApp,
  cast: Cast,
  amount = '100.00',
  currency = 'USD',
): Promise<{ escrowId: string; trancheId: string; requestId: string }> {
  const escrowId = await createEscrowAccount(t, cast.admin, currency);
  await deposit(t, cast.donorA, escrowId, amount);
  const trancheId = await readyTranche(t, cast, escrowId, amount);
  const requestId = await requestRelease(t, cast, trancheId);
  return { escrowId, trancheId, requestId };
}

/** `n` more admins of the escrow office: checkers who are not the requester. */
export async function moreAdmins(t: TestApp, n: number): Promise<TestPrincipal[]> {
  const admins: TestPrincipal[] = [];
  for (let i = 0; i < n; i++) admins.push(await t.principal('admin', 'Escrow Office'));
  return admins;
}

const COUNTED_TABLES = [
  'journal_transactions', 'journal_entries', 'ledger_accounts', 'escrow_accounts', 'deposits', 'refunds', 'tranches',
  'benchmarks', 'benchmark_signoffs', 'release_requests', 'organizations', 'principals', 'idempotency_keys',
  // Oversight and evidence.
  'release_holds', 'signoff_snapbacks', 'repayments', 'evidence_files', 'reports', 'report_messages', 'violation_cases',
  'case_reports', 'case_findings', 'case_recoveries', 'inspection_draws', 'inspections',
  'release_approvals', 'approval_policy_changes', 'escrow_donor_totals',
] as const;

/** Row counts of every table a request could write, plus the escrow and tranche statuses: "nothing written" is equality. */
export async function databaseState(t: TestApp): Promise<Record<string, unknown>> {
  const [counts] = await t.dataSource.query(
    `SELECT ${COUNTED_TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
  );
  const [statuses] = await t.dataSource.query(
    `SELECT (SELECT string_agg(id || '=' || status, ',' ORDER BY id) FROM escrow_accounts) AS escrow_statuses,
            (SELECT string_agg(id || '=' || status || ':' || released_amount || ':' || returned_amount, ',' ORDER BY id) FROM tranches) AS tranche_statuses,
            (SELECT string_agg(id || '=' || status || ':' || approval_tiers::text, ',' ORDER BY id) FROM escrow_accounts) AS escrow_policies,
            (SELECT string_agg(escrow_account_id || ':' || organization_id || '=' || deposited || '/' || allocated || '/' || released || '/' || refunded || '/' || repaid, ','
                               ORDER BY escrow_account_id, organization_id) FROM escrow_donor_totals) AS donor_totals,
            (SELECT string_agg(code || '=' || balance, ',' ORDER BY code) FROM ledger_accounts) AS balances`,
  );
  return { ...counts, ...statuses };
}

export interface JournalItem {
  seq: number;
  id: string;
  kind: string;
  actorPrincipalId: string | null;
  body: { escrowAccountId: string | null; refs: Record<string, string>; details: Record<string, unknown> };
  entries: { account: string; amount: string; currency: string; balanceAfter: string }[];
}

/** The whole journal through the API, page by page. */
export async function readJournal(t: TestApp, reader: TestPrincipal): Promise<JournalItem[]> {
  const items: JournalItem[] = [];
  for (let afterSeq = 0; ; ) {
    const res = await t.http().get(`/v1/ledger/transactions?afterSeq=${afterSeq}&limit=1000`).set(reader.auth).expect(200);
    items.push(...res.body.items);
    if (res.body.nextAfterSeq === null) return items;
    afterSeq = res.body.nextAfterSeq;
  }
}

/** Ledger balances by account code, through the API. */
export async function ledgerBalances(t: TestApp, reader: TestPrincipal): Promise<Map<string, Decimal>> {
  const res = await t.http().get('/v1/ledger/accounts').set(reader.auth).expect(200);
  return new Map(res.body.map((a: { code: string; balance: string }) => [a.code, new Decimal(a.balance)]));
}

/**
 * What must hold after any race: the sealed chain verifies; no escrow, tranche or recipient
 * balance is negative, now or after any entry; and each account's API figures agree with the
 * ledger (a donor's unallocated with `escrow:<id>:unallocated:<org>`, allocated with the
 * tranches' accounts).
 */
export async function expectLedgerConsistent(t: TestApp, reader: TestPrincipal, escrowIds: string[]): Promise<void> {
  await t.seal();
  const verify = await t.http().get('/v1/ledger/verify').set(reader.auth).expect(200);
  expect(verify.body).toMatchObject({ ok: true, firstBrokenSeq: null, problem: null });
  expect(verify.body.sealed).toBe(verify.body.transactions);

  const balances = await ledgerBalances(t, reader);
  for (const [code, balance] of balances) {
    if (!code.startsWith('donor:')) expect({ code, negative: balance.isNegative() }).toEqual({ code, negative: false });
  }
  for (const item of await readJournal(t, reader)) {
    for (const entry of item.entries) {
      if (!entry.account.startsWith('donor:')) expect({ seq: item.seq, ...entry, negative: new Decimal(entry.balanceAfter).isNegative() }).toMatchObject({ negative: false });
    }
  }

  for (const escrowId of escrowIds) {
    const account = (await t.http().get(`/v1/escrow-accounts/${escrowId}`).set(reader.auth).expect(200)).body;
    for (const donor of account.donors as { organizationId: string; unallocated: string }[]) {
      const ledger = balances.get(`escrow:${escrowId}:unallocated:${donor.organizationId}`) ?? new Decimal(0);
      expect({ donor: donor.organizationId, unallocated: ledger.toFixed() }).toEqual({
        donor: donor.organizationId,
        unallocated: new Decimal(donor.unallocated).toFixed(),
      });
    }
    const trancheTotal = [...balances]
      .filter(([code]) => code.startsWith(`escrow:${escrowId}:tranche:`))
      .reduce((sum, [, balance]) => sum.plus(balance), new Decimal(0));
    expect({ escrowId, allocated: trancheTotal.toFixed() }).toEqual({ escrowId, allocated: new Decimal(account.balances.allocated).toFixed() });

    // Each tranche: released + remaining + returned = amount, its ledger account holds the
    // remaining amount, and the account's released figure is the sum of the releasedAmounts.
    const tranches = (await t.http().get(`/v1/escrow-accounts/${escrowId}/tranches`).set(reader.auth).expect(200)).body as {
      id: string; amount: string; releasedAmount: string; remainingAmount: string; returnedAmount: string;
    }[];
    let released = new Decimal(0);
    for (const tranche of tranches) {
      const held = balances.get(`escrow:${escrowId}:tranche:${tranche.id}`) ?? new Decimal(0);
      const sum = new Decimal(tranche.releasedAmount).plus(tranche.remainingAmount).plus(tranche.returnedAmount);
      expect({ tranche: tranche.id, sum: sum.toFixed(), held: held.toFixed() }).toEqual({
        tranche: tranche.id,
        sum: new Decimal(tranche.amount).toFixed(),
        held: new Decimal(tranche.remainingAmount).toFixed(),
      });
      released = released.plus(tranche.releasedAmount);
    }
    expect({ escrowId, released: released.toFixed() }).toEqual({ escrowId, released: new Decimal(account.balances.released).toFixed() });
  }
}
