import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BenchmarkKind, benchmarkStatus, BenchmarkStatus, Decision } from './benchmark-status';

export interface SignoffView {
  principalId: string;
  organizationId: string;
  decision: Decision;
  evidence: string | null;
  comment: string | null;
  at: string;
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

interface BenchmarkRow {
  id: string;
  tranche_id: string;
  kind: BenchmarkKind;
  description: string;
  required_approvals: number;
  signoffs: { principalId: string; organizationId: string; decision: Decision; evidence: string | null; comment: string | null; at: string }[] | null;
}

/**
 * Benchmarks with their current sign-offs and derived status, in one query. A monitor's new
 * decision replaces its previous one, so only each monitor's latest is listed (oldest first);
 * every decision ever made stays in the ledger's journal.
 */
const BENCHMARKS_SQL = `
  SELECT b.id, b.tranche_id, b.kind, b.description, b.required_approvals,
         (SELECT json_agg(json_build_object('principalId', s.principal_id, 'organizationId', s.organization_id,
                                            'decision', s.decision, 'evidence', s.evidence, 'comment', s.comment,
                                            'at', s.created_at) ORDER BY s.id)
            FROM (SELECT DISTINCT ON (principal_id) * FROM benchmark_signoffs
                   WHERE benchmark_id = b.id ORDER BY principal_id, id DESC) s) AS signoffs
    FROM benchmarks b`;

@Injectable()
export class BenchmarksRepository {
  async insert(db: EntityManager, benchmark: { trancheId: string; kind: BenchmarkKind; description: string; requiredApprovals: number }): Promise<string> {
    const [row] = await db.query(
      `INSERT INTO benchmarks (tranche_id, kind, description, required_approvals) VALUES ($1, $2, $3, $4) RETURNING id`,
      [benchmark.trancheId, benchmark.kind, benchmark.description, benchmark.requiredApprovals],
    );
    return row.id;
  }

  async find(db: EntityManager, id: string): Promise<BenchmarkView | undefined> {
    const [row] = await db.query(`${BENCHMARKS_SQL} WHERE b.id = $1`, [id]);
    return row && toView(row);
  }

  async findByTranches(db: EntityManager, trancheIds: string[]): Promise<BenchmarkView[]> {
    const rows: BenchmarkRow[] = await db.query(`${BENCHMARKS_SQL} WHERE b.tranche_id = ANY ($1) ORDER BY b.created_at, b.id`, [trancheIds]);
    return rows.map(toView);
  }

  async insertSignoff(
    db: EntityManager,
    signoff: { benchmarkId: string; principalId: string; organizationId: string; decision: Decision; evidence?: string; comment?: string },
  ): Promise<void> {
    await db.query(
      `INSERT INTO benchmark_signoffs (benchmark_id, principal_id, organization_id, decision, evidence, comment)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [signoff.benchmarkId, signoff.principalId, signoff.organizationId, signoff.decision, signoff.evidence ?? null, signoff.comment ?? null],
    );
  }
}

function toView(row: BenchmarkRow): BenchmarkView {
  const signoffs = (row.signoffs ?? []).map((s) => ({ ...s, at: new Date(s.at).toISOString() }));
  return {
    id: row.id,
    trancheId: row.tranche_id,
    kind: row.kind,
    description: row.description,
    requiredApprovals: row.required_approvals,
    status: benchmarkStatus(signoffs, row.required_approvals),
    signoffs,
  };
}
