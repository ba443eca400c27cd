import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { EscrowBalances, EscrowStatus } from '../../escrow/accounts/account.types';
import type { CategoryPhaseTotal, TrancheCounts } from '../../escrow/escrow-summary';
import { EscrowReadModel } from '../../escrow/escrow-read-model';
import { CheckpointService } from '../../attestation/checkpoints/checkpoint.service';
import type { SignedTreeHead } from '../../attestation/checkpoints/signed-tree-head';
import { OversightCounts, OversightReadService } from '../../oversight/oversight-read.service';
import type { WitnessStatus } from '../../attestation/witnessing/witnessed-checkpoints';
import type { Watermark } from '../public-snapshot/public-snapshot.service';

export interface DashboardAccount {
  id: string;
  name: string;
  currency: string;
  country: string | null;
  status: EscrowStatus;
  balances: EscrowBalances;
  trancheCounts: TrancheCounts;
  byCategoryPhase: CategoryPhaseTotal[];
}

export interface DashboardView {
  generatedAt: string;
  ledger: { transactions: number; sealed: number; headHash: string | null };
  checkpoint: SignedTreeHead | null;
  /** The same checkpoint under the name the dashboard used before the summary (kept for its readers). */
  latestCheckpoint: SignedTreeHead | null;
  /** Reports received and cases by status: counts only, nothing of their content. */
  oversight: OversightCounts;
  /** How many of the log's witnesses cosigned the latest checkpoint (attestation's WitnessStatus). */
  witnesses: WitnessStatus;
  escrowAccounts: DashboardAccount[];
}

/**
 * The public dashboard's read model (GET /v1/public/dashboard): a summary whose size does not
 * grow with the number of tranches (those are paged: GET /v1/public/escrow-accounts/:id/tranches).
 * Balances are the escrow API's running totals and the tranche figures are summed by the escrow
 * read model in SQL, so the page can never disagree with the API. Runs inside the caller's
 * snapshot: a handful of queries for all accounts, not one per account.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly escrow: EscrowReadModel,
    private readonly checkpoints: CheckpointService,
    private readonly oversight: OversightReadService,
  ) {}

  async build(db: EntityManager, at: Watermark): Promise<DashboardView> {
    const accounts = await this.escrow.summaries(db);
    const checkpoint = (await this.checkpoints.latest(db)) ?? null;
    return {
      generatedAt: new Date().toISOString(),
      ledger: { transactions: at.sealed + at.unsealed, sealed: at.sealed, headHash: at.headHash },
      checkpoint,
      latestCheckpoint: checkpoint,
      oversight: await this.oversight.counts(db),
      witnesses: await this.checkpoints.witnessStatus(db),
      escrowAccounts: accounts.map((account) => ({
        id: account.id,
        name: account.name,
        currency: account.currency,
        country: account.country,
        status: account.status,
        balances: account.balances,
        trancheCounts: account.trancheCounts,
        byCategoryPhase: account.byCategoryPhase,
      })),
    };
  }
}
