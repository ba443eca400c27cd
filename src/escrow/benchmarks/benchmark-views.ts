import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthService } from '../../auth/auth.service';
import { BenchmarkKind, benchmarkStatus, BenchmarkStatus, signoffCounts } from './benchmark-status';
import { BenchmarkRecord, BenchmarksRepository, SignoffRecord } from './benchmarks.repository';

export interface SignoffView extends SignoffRecord {
  /** Whether this decision counts toward the status (see signoffCounts): shown, so nobody is misled by one that does not. */
  counts: boolean;
}

export interface BenchmarkView {
  id: string;
  trancheId: string;
  kind: BenchmarkKind;
  description: string;
  requiredApprovals: number;
  status: BenchmarkStatus;
  signoffs: SignoffView[];
}

/**
 * Benchmarks as everyone sees them, their status derived from the sign-offs that count now: the
 * one place that applies the eligibility rules, for the API, release checks and public reports.
 */
@Injectable()
export class BenchmarkViews {
  constructor(
    private readonly benchmarks: BenchmarksRepository,
    private readonly identities: AuthService,
  ) {}

  async find(db: EntityManager, id: string): Promise<BenchmarkView | undefined> {
    const record = await this.benchmarks.find(db, id);
    return record && (await this.judge(db, [record]))[0];
  }

  async forTranches(db: EntityManager, trancheIds: readonly string[]): Promise<BenchmarkView[]> {
    return this.judge(db, await this.benchmarks.findByTranches(db, trancheIds));
  }

  private async judge(db: EntityManager, records: BenchmarkRecord[]): Promise<BenchmarkView[]> {
    const signers = [...new Set(records.flatMap((r) => r.signoffs.map((s) => s.principalId)))];
    const standings = await this.identities.standings(db, signers);
    return records.map((record) => {
      const signoffs = record.signoffs.map((s) => ({ ...s, counts: !s.voidedBySnapBack && signoffCounts(s, record, standings.get(s.principalId)) }));
      return {
        id: record.id,
        trancheId: record.trancheId,
        kind: record.kind,
        description: record.description,
        requiredApprovals: record.requiredApprovals,
        status: benchmarkStatus(signoffs.filter((s) => s.counts), record.requiredApprovals),
        signoffs,
      };
    });
  }
}
