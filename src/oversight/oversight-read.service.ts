import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CaseStatus } from './cases/case-quorum';
import { CasesRepository } from './cases/cases.repository';
import { ReportsService } from './reports/reports.service';

/** What the public sees of oversight: that reports arrive, and where cases stand. Counts only. */
export interface OversightCounts {
  reportsReceived: number;
  cases: Record<CaseStatus, number>;
}

/** For public reporting (the dashboard), in the caller's snapshot. */
@Injectable()
export class OversightReadService {
  constructor(
    private readonly reports: ReportsService,
    private readonly cases: CasesRepository,
  ) {}

  async counts(db: EntityManager): Promise<OversightCounts> {
    return { reportsReceived: await this.reports.count(db), cases: await this.cases.countByStatus(db) };
  }
}
