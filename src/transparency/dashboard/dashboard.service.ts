import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BenchmarksRepository } from '../../benchmarks/benchmarks.repository';
import type { BenchmarkKind, BenchmarkStatus } from '../../benchmarks/benchmark-status';
import { formatAmount } from '../../common/money/money';
import { EscrowRepository } from '../../escrow/escrow.repository';
import { groupBy } from '../../common/group-by';
import { toEscrowAccountView } from '../../escrow/escrow-view';
import type { EscrowBalances, EscrowStatus } from '../../escrow/escrow.types';
import type { TrancheCategory, TrancheStatus } from '../../tranches/tranche.types';
import { CheckpointService } from '../checkpoints/checkpoint.service';
import type { SignedTreeHead } from '../checkpoints/signed-tree-head';
import type { Watermark } from '../public-snapshot/public-snapshot.service';

export interface DashboardTranche {
  id: string;
  category: TrancheCategory;
  phase: number;
  amount: string;
  status: TrancheStatus;
  /** The recipient organization's name. */
  recipient: string;
  benchmarks: { kind: BenchmarkKind; status: BenchmarkStatus }[];
}

export interface DashboardAccount {
  id: string;
  name: string;
  currency: string;
  country: string | null;
  status: EscrowStatus;
  balances: EscrowBalances;
  tranches: DashboardTranche[];
}

export interface DashboardView {
  generatedAt: string;
  ledger: { transactions: number; sealed: number; headHash: string | null };
  latestCheckpoint: SignedTreeHead | null;
  escrowAccounts: DashboardAccount[];
}

interface TrancheRow {
  id: string;
  escrow_account_id: string;
  category: TrancheCategory;
  phase: number;
  amount: string;
  currency: string;
  status: TrancheStatus;
  recipient: string;
}

/**
 * The public dashboard's read model (GET /v1/public/dashboard). Figures come from the same
 * code as the escrow API (EscrowRepository.donorTotals, toEscrowAccountView) and benchmark
 * status from the benchmarks module's own derivation, so the page can never disagree with them.
 * Runs inside the caller's snapshot: a handful of queries for all accounts, not one per account.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly escrowAccounts: EscrowRepository,
    private readonly benchmarks: BenchmarksRepository,
    private readonly checkpoints: CheckpointService,
  ) {}

  async build(db: EntityManager, at: Watermark): Promise<DashboardView> {
    const accounts = await this.escrowAccounts.findAll(db);
    const ids = accounts.map((a) => a.id);
    const donorRows = await this.escrowAccounts.donorTotals(db, ids);
    const trancheRows: TrancheRow[] = await db.query(
      `SELECT t.id, t.escrow_account_id, t.category, t.phase, t.amount::text AS amount, t.currency, t.status, o.name AS recipient
         FROM tranches t JOIN organizations o ON o.id = t.recipient_organization_id
        WHERE t.escrow_account_id = ANY ($1)
        ORDER BY t.phase, t.created_at, t.id`,
      [ids],
    );
    const latestCheckpoint = await this.checkpoints.latest(db);
    const benchmarks = await this.benchmarks.findByTranches(db, trancheRows.map((t) => t.id));

    const donorsOf = groupBy(donorRows, (r) => r.escrow_account_id);
    const tranchesOf = groupBy(trancheRows, (t) => t.escrow_account_id);
    const benchmarksOf = groupBy(benchmarks, (b) => b.trancheId);
    return {
      generatedAt: new Date().toISOString(),
      ledger: { transactions: at.sealed + at.unsealed, sealed: at.sealed, headHash: at.headHash },
      latestCheckpoint: latestCheckpoint ?? null,
      escrowAccounts: accounts.map((account) => {
        const view = toEscrowAccountView(account, donorsOf.get(account.id) ?? []);
        return {
          id: account.id,
          name: account.name,
          currency: account.currency,
          country: account.country,
          status: account.status,
          balances: view.balances,
          tranches: (tranchesOf.get(account.id) ?? []).map((t) => ({
              id: t.id,
              category: t.category,
              phase: t.phase,
              amount: formatAmount(t.amount, t.currency),
              status: t.status,
              recipient: t.recipient,
              benchmarks: (benchmarksOf.get(t.id) ?? []).map((b) => ({ kind: b.kind, status: b.status })),
          })),
        };
      }),
    };
  }
}
