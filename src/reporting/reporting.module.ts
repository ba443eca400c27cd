import { Module } from '@nestjs/common';
import { AttestationModule } from '../attestation/attestation.module';
import { AuthModule } from '../auth/auth.module';
import { DatabaseModule } from '../database/database.module';
import { EscrowModule } from '../escrow/escrow.module';
import { LedgerModule } from '../ledger/ledger.module';
import { OversightModule } from '../oversight/oversight.module';
import { DashboardPageController } from './dashboard/dashboard-page.controller';
import { DashboardService } from './dashboard/dashboard.service';
import { PageAssets } from './dashboard/page-assets';
import { IatiService } from './iati/iati.service';
import { PublicDocumentsController } from './public-documents.controller';
import { PublicSnapshotService } from './public-snapshot/public-snapshot.service';
import { PublicTranchesController } from './tranche-pages/public-tranches.controller';
import { TranchePagesService } from './tranche-pages/tranche-pages.service';

/**
 * Public reporting: the dashboard (page and JSON) and the IATI export, built from one
 * consistent snapshot and cached per ledger state. Everything here is public (no key) and
 * read-only. Shows the latest checkpoint (AttestationModule); nothing depends on it.
 */
@Module({
  imports: [DatabaseModule, LedgerModule, AuthModule, EscrowModule, AttestationModule, OversightModule],
  controllers: [PublicDocumentsController, PublicTranchesController, DashboardPageController],
  providers: [PublicSnapshotService, DashboardService, TranchePagesService, IatiService, PageAssets],
})
export class ReportingModule {}
