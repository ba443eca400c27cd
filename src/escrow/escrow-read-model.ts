import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { groupBy } from '../common/group-by';
import { toEscrowAccountView } from './accounts/account-view';
import { EscrowAccountView } from './accounts/account.types';
import { AccountsRepository } from './accounts/accounts.repository';
import { DonorTotalsRepository } from './accounts/donor-totals.repository';
import { BenchmarkView, BenchmarkViews } from './benchmarks/benchmark-views';
import { formatAmount } from '../common/money/money';
import { AccountTrancheSummary, TrancheKey, TranchePage } from './escrow-summary';
import { TRANCHE_STATUSES, TrancheCategory, TrancheRow, TrancheStatus } from './tranches/tranche.types';

/** A money movement into or out of an account, for public reports. */
export interface AccountMovement {
  id: string;
  escrowAccountId: string;
  organizationId: string;
  amount: string;
  at: Date;
}

/** A tranche as public reports show it: what, for whom, and where it stands. */
export interface ReportedTranche {
  id: string;
  escrowAccountId: string;
  donorOrganizationId: string;
  recipientOrganizationId: string;
  category: TrancheCategory;
  phase: number;
  amount: string;
  currency: string;
  status: TrancheStatus;
  /** Paid out so far, in instalments (each in `releases`). */
  releasedAmount: string;
  /** Given back to the donor by a cancellation or an expiry. */
  returnedAmount: string;
  createdAt: Date;
  /** When the last instalment was approved. */
  releasedAt: Date | null;
  /** Each approved instalment, oldest first. */
  releases: { releaseRequestId: string; amount: string; at: Date }[];
  benchmarks: BenchmarkView[];
}

export interface EscrowReport {
  accounts: (EscrowAccountView & { createdAtDate: Date })[];
  tranches: ReportedTranche[];
  deposits: AccountMovement[];
  refunds: AccountMovement[];
}

/**
 * What public reporting (dashboard, IATI) reads of the escrow domain, in the caller's snapshot:
 * a handful of queries for all accounts, not one per account. Figures come from the same code
 * as the escrow API, so a report can never disagree with it.
 */
@Injectable()
export class EscrowReadModel {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly totals: DonorTotalsRepository,
    private readonly benchmarks: BenchmarkViews,
  ) {}

  /**
   * Every account with its balances (the running totals) and its tranches summed by status and
   * by category and phase in SQL: the answer's size and cost grow with accounts, categories and
   * phases, not with tranches. Three queries however many accounts; in the caller's snapshot.
   */
  async summaries(db: EntityManager): Promise<(EscrowAccountView & AccountTrancheSummary)[]> {
    const accounts = await this.accounts.findAll(db);
    const ids = accounts.map((a) => a.id);
    const donorTotals = groupBy(await this.totals.forAccounts(db, ids), (r) => r.escrow_account_id);
    const counts: { escrow_account_id: string; status: TrancheStatus; n: number }[] = await db.query(
      `SELECT escrow_account_id, status, count(*)::int AS n FROM tranches
        WHERE escrow_account_id = ANY ($1) GROUP BY escrow_account_id, status`,
      [ids],
    );
    const sums: { escrow_account_id: string; category: TrancheCategory; phase: number; amount: string; released: string }[] = await db.query(
      `SELECT escrow_account_id, category, phase,
              sum(amount - returned_amount)::text AS amount, sum(released_amount)::text AS released
         FROM tranches WHERE escrow_account_id = ANY ($1)
        GROUP BY escrow_account_id, phase, category ORDER BY escrow_account_id, phase, category`,
      [ids],
    );
    const countsOf = groupBy(counts, (r) => r.escrow_account_id);
    const sumsOf = groupBy(sums, (r) => r.escrow_account_id);
    return accounts.map((a) => {
      const trancheCounts = Object.fromEntries(TRANCHE_STATUSES.map((s) => [s, 0])) as Record<TrancheStatus, number>;
      for (const row of countsOf.get(a.id) ?? []) trancheCounts[row.status] = row.n;
      return {
        ...toEscrowAccountView(a, donorTotals.get(a.id) ?? []),
        trancheCounts,
        byCategoryPhase: (sumsOf.get(a.id) ?? []).map((r) => ({
          category: r.category,
          phase: r.phase,
          amount: formatAmount(r.amount, a.currency),
          released: formatAmount(r.released, a.currency),
        })),
      };
    });
  }

  /**
   * One page of an account's tranches in (phase, category, id) order, starting after `after`:
   * keyset paging on the index tranches_escrow_page, so page 1,000 costs what page 1 does and a
   * tranche made while someone pages never shifts or repeats the others. Undefined when the
   * account does not exist.
   */
  async tranchePage(db: EntityManager, escrowAccountId: string, after: TrancheKey | null, limit: number): Promise<TranchePage | undefined> {
    const account = await this.accounts.find(db, escrowAccountId);
    if (!account) return undefined;
    const columns = `SELECT id, category, phase, amount::text AS amount, released_amount::text AS released_amount, status,
                            recipient_organization_id FROM tranches WHERE escrow_account_id = $1`;
    // One row more than asked tells whether another page follows.
    const rows: PageRow[] = after
      ? await db.query(`${columns} AND (phase, category, id) > ($2, $3, $4) ORDER BY phase, category, id LIMIT $5`, [
          escrowAccountId,
          after.phase,
          after.category,
          after.id,
          limit + 1,
        ])
      : await db.query(`${columns} ORDER BY phase, category, id LIMIT $2`, [escrowAccountId, limit + 1]);
    const shown = rows.slice(0, limit);
    const benchmarksOf = groupBy(await this.benchmarks.forTranches(db, shown.map((t) => t.id)), (b) => b.trancheId);
    const last = shown.at(-1);
    return {
      items: shown.map((t) => ({
        id: t.id,
        category: t.category,
        phase: t.phase,
        amount: formatAmount(t.amount, account.currency),
        releasedAmount: formatAmount(t.released_amount, account.currency),
        status: t.status,
        recipientOrganizationId: t.recipient_organization_id,
        benchmarks: (benchmarksOf.get(t.id) ?? []).map((b) => ({ kind: b.kind, status: b.status })),
      })),
      next: rows.length > limit && last ? { phase: last.phase, category: last.category, id: last.id } : null,
    };
  }

  async report(db: EntityManager): Promise<EscrowReport> {
    const accounts = await this.accounts.findAll(db);
    const ids = accounts.map((a) => a.id);
    const donorTotals = groupBy(await this.totals.forAccounts(db, ids), (r) => r.escrow_account_id);
    const tranches: TrancheReportRow[] = await db.query(
      `SELECT t.id, t.escrow_account_id, t.donor_organization_id, t.recipient_organization_id, t.category, t.phase,
              t.amount::text AS amount, t.currency, t.status, t.description, t.created_at,
              t.released_amount::text AS released_amount, t.returned_amount::text AS returned_amount
         FROM tranches t WHERE t.escrow_account_id = ANY ($1) ORDER BY t.phase, t.created_at, t.id`,
      [ids],
    );
    const releases: { tranche_id: string; id: string; amount: string; decided_at: Date }[] = await db.query(
      `SELECT q.tranche_id, q.id, q.amount::text AS amount, q.decided_at
         FROM release_requests q JOIN tranches t ON t.id = q.tranche_id
        WHERE t.escrow_account_id = ANY ($1) AND q.status = 'approved' ORDER BY q.decided_at, q.id`,
      [ids],
    );
    const releasesOf = groupBy(releases, (r) => r.tranche_id);
    const benchmarksOf = groupBy(await this.benchmarks.forTranches(db, tranches.map((t) => t.id)), (b) => b.trancheId);
    const movements = (table: 'deposits' | 'refunds') =>
      db.query(
        `SELECT id, escrow_account_id AS "escrowAccountId", organization_id AS "organizationId", amount::text AS amount, created_at AS at
           FROM ${table} WHERE escrow_account_id = ANY ($1) ORDER BY created_at, id`,
        [ids],
      ) as Promise<AccountMovement[]>;
    return {
      accounts: accounts.map((a) => ({ ...toEscrowAccountView(a, donorTotals.get(a.id) ?? []), createdAtDate: a.created_at })),
      tranches: tranches.map((t) => ({
        id: t.id,
        escrowAccountId: t.escrow_account_id,
        donorOrganizationId: t.donor_organization_id,
        recipientOrganizationId: t.recipient_organization_id,
        category: t.category,
        phase: t.phase,
        amount: t.amount,
        currency: t.currency,
        status: t.status,
        releasedAmount: t.released_amount,
        returnedAmount: t.returned_amount,
        createdAt: t.created_at,
        releasedAt: releasesOf.get(t.id)?.at(-1)?.decided_at ?? null,
        releases: (releasesOf.get(t.id) ?? []).map((r) => ({ releaseRequestId: r.id, amount: r.amount, at: r.decided_at })),
        benchmarks: benchmarksOf.get(t.id) ?? [],
      })),
      deposits: await movements('deposits'),
      refunds: await movements('refunds'),
    };
  }
}

interface PageRow {
  id: string;
  category: TrancheCategory;
  phase: number;
  amount: string;
  released_amount: string;
  status: TrancheStatus;
  recipient_organization_id: string;
}

/** A tranche's row with what reports add: when it was made. */
interface TrancheReportRow extends TrancheRow {
  created_at: Date;
}
