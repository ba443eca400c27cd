import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DatabaseModule } from '../database/database.module';
import { LedgerModule } from '../ledger/ledger.module';
import { StatementsModule } from '../statements/statements.module';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsRepository } from './accounts/accounts.repository';
import { AccountsService } from './accounts/accounts.service';
import { BenchmarkViews } from './benchmarks/benchmark-views';
import { BenchmarksController } from './benchmarks/benchmarks.controller';
import { BenchmarksRepository } from './benchmarks/benchmarks.repository';
import { BenchmarksService } from './benchmarks/benchmarks.service';
import { EscrowReadModel } from './escrow-read-model';
import { ReleaseRules } from './releases/release-rules';
import { ReleasesController } from './releases/releases.controller';
import { ReleasesRepository } from './releases/releases.repository';
import { ReleasesService } from './releases/releases.service';
import { TranchesController } from './tranches/tranches.controller';
import { TranchesRepository } from './tranches/tranches.repository';
import { TranchesService } from './tranches/tranches.service';

/**
 * The escrow domain: accounts and deposits, tranches, benchmarks and sign-offs, releases. One
 * module because its rules cross those records at every step (a release re-checks the account,
 * the tranche, its benchmarks and the phase order under one set of locks); its repositories
 * stay inside, and other modules see only the services it exports.
 */
@Module({
  imports: [DatabaseModule, LedgerModule, AuthModule, StatementsModule],
  controllers: [AccountsController, TranchesController, BenchmarksController, ReleasesController],
  providers: [
    AccountsRepository,
    AccountsService,
    TranchesRepository,
    TranchesService,
    BenchmarksRepository,
    BenchmarkViews,
    BenchmarksService,
    ReleasesRepository,
    ReleaseRules,
    ReleasesService,
    EscrowReadModel,
  ],
  exports: [AccountsService, TranchesService, BenchmarksService, ReleasesService, EscrowReadModel],
})
export class EscrowModule {}
