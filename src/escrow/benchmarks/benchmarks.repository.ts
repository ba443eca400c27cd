import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BenchmarkKind, Decision } from './benchmark-status';

export interface SignoffRecord {
  principalId: string;
  organizationId: string;
  decision: Decision;
  evidence: string | null;
  comment: string | null;
  evidenceFiles: string[];
  at: string;
  /** Given before a verified violation case in the tranche's scope: no longer counts (snap-back). */
  voidedBySnapBack: boolean;
}

/** A benchmark with each monitor's latest sign-off, and the tranche parties its eligibility rules need. */
export interface BenchmarkRecord {
  id: string;
  trancheId: string;
  kind: BenchmarkKind;
  description: string;
  requiredApprovals: number;
  donorOrganizationId: string;
  recipientOrganizationId: string;
  signoffs: SignoffRecord[];
}

interface BenchmarkRow {
  id: string;
  tranche_id: string;
  kind: BenchmarkKind;
  description: string;
  required_approvals: number;
  donor_organization_id: string;
  recipient_organization_id: string;
  signoffs: SignoffRecord[] | null;
}

/**
 * Benchmarks with their current sign-offs, in one query. A monitor's new decision replaces its
 * previous one, so only each monitor's latest is listed (oldest first); every decision ever
 * made stays in the ledger's journal.
 */
const BENCHMARKS_SQL = `
  SELECT b.id, b.tranche_id, b.kind, b.description, b.required_approvals,
         t.donor_organization_id, t.recipient_organization_id,
         (SELECT json_agg(json_build_object('principalId', s.principal_id, 'organizationId', s.organization_id,
                                            'decision', s.decision, 'evidence', s.evidence, 'comment', s.comment,
                                            'evidenceFiles', s.evidence_files, 'at', s.created_at,
                                            'voidedBySnapBack', s.id <= coalesce(sb.signoffs_void_through, 0)) ORDER BY s.id)
            FROM (SELECT DISTINCT ON (principal_id) * FROM benchmark_signoffs
                   WHERE benchmark_id = b.id ORDER BY principal_id, id DESC) s) AS signoffs
    FROM benchmarks b JOIN tranches t ON t.id = b.tranche_id
    -- Snap-back (35-escrow-holds.sql): sign-offs up to this id were given before a verified violation.
    LEFT JOIN signoff_snapbacks sb ON sb.tranche_id = b.tranche_id`;

@Injectable()
export class BenchmarksRepository {
  async insert(db: EntityManager, benchmark: { trancheId: string; kind: BenchmarkKind; description: string; requiredApprovals: number }): Promise<string> {
    const [row] = await db.query(
      `INSERT INTO benchmarks (tranche_id, kind, description, required_approvals) VALUES ($1, $2, $3, $4) RETURNING id`,
      [benchmark.trancheId, benchmark.kind, benchmark.description, benchmark.requiredApprovals],
    );
    return row.id;
  }

  async find(db: EntityManager, id: string): Promise<BenchmarkRecord | undefined> {
    const [row] = await db.query(`${BENCHMARKS_SQL} WHERE b.id = $1`, [id]);
    return row && toRecord(row);
  }

  async findByTranches(db: EntityManager, trancheIds: readonly string[]): Promise<BenchmarkRecord[]> {
    const rows: BenchmarkRow[] = await db.query(`${BENCHMARKS_SQL} WHERE b.tranche_id = ANY ($1) ORDER BY b.created_at, b.id`, [trancheIds]);
    return rows.map(toRecord);
  }

  async insertSignoff(
    db: EntityManager,
    signoff: { benchmarkId: string; principalId: string; organizationId: string; decision: Decision; evidence?: string; comment?: string; evidenceFiles: readonly string[] },
  ): Promise<void> {
    await db.query(
      `INSERT INTO benchmark_signoffs (benchmark_id, principal_id, organization_id, decision, evidence, comment, evidence_files)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [signoff.benchmarkId, signoff.principalId, signoff.organizationId, signoff.decision, signoff.evidence ?? null, signoff.comment ?? null, signoff.evidenceFiles],
    );
  }
}

function toRecord(row: BenchmarkRow): BenchmarkRecord {
  return {
    id: row.id,
    trancheId: row.tranche_id,
    kind: row.kind,
    description: row.description,
    requiredApprovals: row.required_approvals,
    donorOrganizationId: row.donor_organization_id,
    recipientOrganizationId: row.recipient_organization_id,
    signoffs: (row.signoffs ?? []).map((s) => ({ ...s, at: new Date(s.at).toISOString() })),
  };
}
