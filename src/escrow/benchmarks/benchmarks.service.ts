import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/access/principal';
import { Forbidden, InvalidState, NotFound } from '../../common/errors/common-errors';
import { Database } from '../../database/database';
import { EvidenceService } from '../../evidence/evidence.service';
import { LedgerService } from '../../ledger/ledger.service';
import { StatementsService } from '../../statements/statements.service';
import { TranchesRepository } from '../tranches/tranches.repository';
import { BenchmarkView, BenchmarkViews } from './benchmark-views';
import { BenchmarksRepository } from './benchmarks.repository';
import { CreateBenchmarkDto } from './dto/create-benchmark.dto';
import { CreateSignoffDto } from './dto/create-signoff.dto';

const DEFAULT_REQUIRED_APPROVALS = 2;

@Injectable()
export class BenchmarksService {
  constructor(
    private readonly db: Database,
    private readonly benchmarks: BenchmarksRepository,
    private readonly views: BenchmarkViews,
    private readonly tranches: TranchesRepository,
    private readonly ledger: LedgerService,
    private readonly evidence: EvidenceService,
    private readonly statements: StatementsService,
  ) {}

  /** Conditions are fixed before a release is asked for: only while the tranche is allocated. */
  async add(trancheId: string, dto: CreateBenchmarkDto, admin: Principal): Promise<BenchmarkView> {
    const tranche = await this.tranches.lock(this.db.writer, trancheId, 'update');
    if (tranche.status !== 'allocated') {
      throw new InvalidState(`benchmarks can be added only to an allocated tranche; this one is ${tranche.status}`);
    }
    const requiredApprovals = dto.requiredApprovals ?? DEFAULT_REQUIRED_APPROVALS;
    const id = await this.benchmarks.insert(this.db.writer, { trancheId, kind: dto.kind, description: dto.description, requiredApprovals });
    await this.ledger.post(this.db.writer, {
      kind: 'benchmark_added',
      actorPrincipalId: admin.id,
      escrowAccountId: tranche.escrow_account_id,
      refs: { trancheId, benchmarkId: id },
      details: { benchmarkKind: dto.kind, description: dto.description, requiredApprovals },
    });
    return this.get(id);
  }

  /**
   * Records a monitor's decision. The tranche is share-locked, so a sign-off and a release
   * approval (which locks it for update and re-checks the benchmarks) never interleave.
   */
  async signoff(benchmarkId: string, dto: CreateSignoffDto, monitor: Principal): Promise<BenchmarkView> {
    const benchmark = await this.get(benchmarkId);
    // Once the monitor registered a signing key, the decision is its signed statement.
    const signed = await this.statements.verifyStatement(monitor, 'benchmark.signoff', benchmarkId, dto);
    const tranche = await this.tranches.lock(this.db.writer, benchmark.trancheId, 'share');
    if (tranche.status === 'released' || tranche.status === 'cancelled' || tranche.status === 'expired') {
      throw new InvalidState(`the tranche is ${tranche.status}; its benchmarks are closed`);
    }
    // Nobody judges their own money, and only monitoring organizations judge at all.
    if (monitor.organizationType !== 'monitor') {
      throw new Forbidden('sign-offs count only from principals of monitor organizations');
    }
    if (monitor.organizationId === tranche.donor_organization_id || monitor.organizationId === tranche.recipient_organization_id) {
      throw new Forbidden("a monitor of the tranche's donor or recipient organization cannot sign off its benchmarks");
    }
    const evidenceFiles = await this.evidence.assertStored(this.db.writer, dto.evidenceFiles);
    await this.benchmarks.insertSignoff(this.db.writer, {
      benchmarkId,
      principalId: monitor.id,
      organizationId: monitor.organizationId,
      decision: dto.decision,
      evidence: dto.evidence,
      comment: dto.comment,
      evidenceFiles,
    });
    await this.ledger.post(this.db.writer, {
      kind: 'benchmark_signoff',
      actorPrincipalId: monitor.id,
      escrowAccountId: tranche.escrow_account_id,
      refs: { trancheId: tranche.id, benchmarkId, monitorOrganizationId: monitor.organizationId },
      details: { decision: dto.decision, evidence: dto.evidence ?? null, comment: dto.comment ?? null, evidenceFiles, ...signed },
    });
    return this.get(benchmarkId);
  }

  async get(id: string): Promise<BenchmarkView> {
    const benchmark = await this.views.find(this.db.reader, id);
    if (!benchmark) throw new NotFound('benchmark', id);
    return benchmark;
  }
}
