import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DatabaseModule } from '../database/database.module';
import { EscrowModule } from '../escrow/escrow.module';
import { EvidenceModule } from '../evidence/evidence.module';
import { LedgerModule } from '../ledger/ledger.module';
import { StatementsModule } from '../statements/statements.module';
import { CasesController } from './cases/cases.controller';
import { CasesRepository } from './cases/cases.repository';
import { CasesService } from './cases/cases.service';
import { RecoveriesService } from './cases/recoveries.service';
import { InspectionsController } from './inspections/inspections.controller';
import { InspectionsRepository } from './inspections/inspections.repository';
import { InspectionsService } from './inspections/inspections.service';
import { OversightReadService } from './oversight-read.service';
import { MonitorReportsController } from './reports/monitor-reports.controller';
import { PublicReportsController } from './reports/public-reports.controller';
import { ReportCipher } from './reports/report-cipher';
import { ReportRateLimitGuard } from './reports/report-rate-limit.guard';
import { ReportsRepository } from './reports/reports.repository';
import { ReportsService } from './reports/reports.service';

/**
 * The monitoring office's tools: whistleblower reports, violation cases decided by a quorum of
 * monitor organizations, recovery, snap inspections. Sits above escrow and asks it, through its
 * exported services, to hold releases, snap sign-offs back and post repayments; escrow never
 * imports this module. Exports the counts public reporting shows and, for the console's pages,
 * the services its own controllers call.
 */
@Module({
  imports: [DatabaseModule, LedgerModule, AuthModule, EvidenceModule, EscrowModule, StatementsModule],
  controllers: [PublicReportsController, MonitorReportsController, CasesController, InspectionsController],
  providers: [
    ReportCipher,
    ReportsRepository,
    ReportsService,
    ReportRateLimitGuard,
    CasesRepository,
    CasesService,
    RecoveriesService,
    InspectionsRepository,
    InspectionsService,
    OversightReadService,
  ],
  // The console's pages call the services the API's controllers call.
  exports: [OversightReadService, ReportsService, CasesService, RecoveriesService, InspectionsService],
})
export class OversightModule {}
