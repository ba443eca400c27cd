import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CommandsModule } from '../commands/commands.module';
import { DatabaseModule } from '../database/database.module';
import { EvidenceModule } from '../evidence/evidence.module';
import { LedgerModule } from '../ledger/ledger.module';
import { StatementsModule } from '../statements/statements.module';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsRepository } from './accounts/accounts.repository';
import { AccountsService } from './accounts/accounts.service';
import { DepositBatcher } from './accounts/deposit-batcher';
import { DonorTotalsRepository } from './accounts/donor-totals.repository';
import { ApprovalPolicyController } from './approval-policy/approval-policy.controller';
import { ApprovalPolicyRepository } from './approval-policy/approval-policy.repository';
import { ApprovalPolicyService } from './approval-policy/approval-policy.service';
import { BenchmarkViews } from './benchmarks/benchmark-views';
import { BenchmarksController } from './benchmarks/benchmarks.controller';
import { BenchmarksRepository } from './benchmarks/benchmarks.repository';
import { BenchmarksService } from './benchmarks/benchmarks.service';
import { DeadlineSweeperService } from './deadlines/deadline-sweeper.service';
import { EscrowReadModel } from './escrow-read-model';
import { EscrowScopeReader } from './holds/escrow-scope-reader';
import { HoldChecks } from './holds/hold-checks';
import { HoldsRepository } from './holds/holds.repository';
import { RecoveryLedgerService } from './holds/recovery-ledger.service';
import { ReleaseHoldsService } from './holds/release-holds.service';
import { RepaymentsRepository } from './holds/repayments.repository';
import { ReleaseApprovalsRepository } from './releases/release-approvals.repository';
import { ReleaseQueueService } from './releases/release-queue.service';
import { ReleaseRules } from './releases/release-rules';
import { ReleaseViews } from './releases/release-view';
import { ReleasesController } from './releases/releases.controller';
import { ReleasesRepository } from './releases/releases.repository';
import { ReleasesService } from './releases/releases.service';
import { TranchesController } from './tranches/tranches.controller';
import { TranchesRepository } from './tranches/tranches.repository';
import { TranchesService } from './tranches/tranches.service';
import { RunningTotalsCheckModule } from './checks/running-totals-check.module';

/**
 * The escrow domain: accounts and deposits, tranches, benchmarks and sign-offs, releases and
 * their approval policy, deadlines. One
 * module because its rules cross those records at every step (a release re-checks the account,
 * the tranche, its benchmarks and the phase order under one set of locks); its repositories
 * stay inside, and other modules see only the services it exports.
 */
@Module({
  imports: [DatabaseModule, LedgerModule, AuthModule, CommandsModule, EvidenceModule, StatementsModule, RunningTotalsCheckModule],
  controllers: [AccountsController, TranchesController, BenchmarksController, ReleasesController, ApprovalPolicyController],
  providers: [
    AccountsRepository,
    DonorTotalsRepository,
    DepositBatcher,
    AccountsService,
    TranchesRepository,
    TranchesService,
    BenchmarksRepository,
    BenchmarkViews,
    BenchmarksService,
    ReleasesRepository,
    ReleaseApprovalsRepository,
    ReleaseViews,
    ReleaseRules,
    ReleasesService,
    ReleaseQueueService,
    ApprovalPolicyRepository,
    ApprovalPolicyService,
    DeadlineSweeperService,
    EscrowReadModel,
    // What oversight asks of escrow (holds, snap-back, recovery): src/escrow/holds.
    HoldsRepository,
    HoldChecks,
    ReleaseHoldsService,
    EscrowScopeReader,
    RepaymentsRepository,
    RecoveryLedgerService,
  ],
  exports: [
    AccountsService,
    TranchesService,
    BenchmarksService,
    ReleasesService,
    ReleaseQueueService,
    ApprovalPolicyService,
    EscrowReadModel,
    // What oversight asks of escrow: src/escrow/holds.
    ReleaseHoldsService,
    EscrowScopeReader,
    RecoveryLedgerService,
  ],
})
export class EscrowModule {}
