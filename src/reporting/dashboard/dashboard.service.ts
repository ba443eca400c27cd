import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthService } from '../../auth/auth.service';
import { groupBy } from '../../common/group-by';
import { formatAmount } from '../../common/money/money';
import type { EscrowBalances, EscrowStatus } from '../../escrow/accounts/account.types';
import type { BenchmarkKind, BenchmarkStatus } from '../../escrow/benchmarks/benchmark-status';
import { EscrowReadModel } from '../../escrow/escrow-read-model';
import type { TrancheCategory, TrancheStatus } from '../../escrow/tranches/tranche.types';
import { CheckpointService } from '../../attestation/checkpoints/checkpoint.service';
import type { SignedTreeHead } from '../../attestation/checkpoints/signed-tree-head';
import type { WitnessStatus } from '../../attestation/witnessing/witnessed-checkpoints';
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
  /** How many of the log's witnesses cosigned the latest checkpoint (attestation's WitnessStatus). */
  witnesses: WitnessStatus;
  escrowAccounts: DashboardAccount[];
}

/**
 * The public dashboard's read model (GET /v1/public/dashboard). Figures come from the same
 * code as the escrow API (through its read model) and benchmark status from the escrow domain's
 * own derivation, so the page can never disagree with them.
 * Runs inside the caller's snapshot: a handful of queries for all accounts, not one per account.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly escrow: EscrowReadModel,
    private readonly identity: AuthService,
    private readonly checkpoints: CheckpointService,
  ) {}

  async build(db: EntityManager, at: Watermark): Promise<DashboardView> {
    const { accounts, tranches } = await this.escrow.report(db);
    const names = await this.identity.organizationNames(db, [...new Set(tranches.map((t) => t.recipientOrganizationId))]);
    const latestCheckpoint = await this.checkpoints.latest(db);
    const tranchesOf = groupBy(tranches, (t) => t.escrowAccountId);
    return {
      generatedAt: new Date().toISOString(),
      ledger: { transactions: at.sealed + at.unsealed, sealed: at.sealed, headHash: at.headHash },
      latestCheckpoint: latestCheckpoint ?? null,
      witnesses: await this.checkpoints.witnessStatus(db),
      escrowAccounts: accounts.map((account) => ({
        id: account.id,
        name: account.name,
        currency: account.currency,
        country: account.country,
        status: account.status,
        balances: account.balances,
        tranches: (tranchesOf.get(account.id) ?? []).map((t) => ({
          id: t.id,
          category: t.category,
          phase: t.phase,
          amount: formatAmount(t.amount, t.currency),
          status: t.status,
          recipient: names.get(t.recipientOrganizationId) ?? t.recipientOrganizationId,
          benchmarks: t.benchmarks.map((b) => ({ kind: b.kind, status: b.status })),
        })),
      })),
    };
  }
}
