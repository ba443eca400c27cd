import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/principal';
import { NotFound, RuleViolation } from '../common/errors/api-errors';
import { TransactionContext } from '../common/transaction/transaction-context';
import { LedgerService } from '../ledger/ledger.service';
import { TranchesRepository } from '../tranches/tranches.repository';
import { BenchmarkView, BenchmarksRepository } from './benchmarks.repository';
import { CreateBenchmarkDto } from './dto/create-benchmark.dto';
import { CreateSignoffDto } from './dto/create-signoff.dto';

const DEFAULT_REQUIRED_APPROVALS = 2;

@Injectable()
export class BenchmarksService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly benchmarks: BenchmarksRepository,
    private readonly tranches: TranchesRepository,
    private readonly ledger: LedgerService,
  ) {}

  /** Conditions are fixed before a release is asked for: only while the tranche is allocated. */
  async add(trancheId: string, dto: CreateBenchmarkDto, admin: Principal): Promise<BenchmarkView> {
    const tranche = await this.tranches.lock(this.tx.manager, trancheId, 'update');
    if (tranche.status !== 'allocated') {
      throw new RuleViolation('INVALID_STATE', `benchmarks can be added only to an allocated tranche; this one is ${tranche.status}`);
    }
    const requiredApprovals = dto.requiredApprovals ?? DEFAULT_REQUIRED_APPROVALS;
    const id = await this.benchmarks.insert(this.tx.manager, { trancheId, kind: dto.kind, description: dto.description, requiredApprovals });
    await this.ledger.post(this.tx.manager, {
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
    const tranche = await this.tranches.lock(this.tx.manager, benchmark.trancheId, 'share');
    if (tranche.status === 'released' || tranche.status === 'cancelled') {
      throw new RuleViolation('INVALID_STATE', `the tranche is ${tranche.status}; its benchmarks are closed`);
    }
    await this.benchmarks.insertSignoff(this.tx.manager, {
      benchmarkId,
      principalId: monitor.id,
      organizationId: monitor.organizationId,
      decision: dto.decision,
      evidence: dto.evidence,
      comment: dto.comment,
    });
    await this.ledger.post(this.tx.manager, {
      kind: 'benchmark_signoff',
      actorPrincipalId: monitor.id,
      escrowAccountId: tranche.escrow_account_id,
      refs: { trancheId: tranche.id, benchmarkId, monitorOrganizationId: monitor.organizationId },
      details: { decision: dto.decision, evidence: dto.evidence ?? null, comment: dto.comment ?? null },
    });
    return this.get(benchmarkId);
  }

  async get(id: string): Promise<BenchmarkView> {
    const benchmark = await this.benchmarks.find(this.tx.manager, id);
    if (!benchmark) throw new NotFound('benchmark', id);
    return benchmark;
  }
}
