import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EscrowScope, ScopeKind, scopeOfColumns, scopeTarget } from '../../escrow/holds/escrow-scope';
import { CaseDecision, CaseStatus } from './case-quorum';

export interface CaseRecord {
  id: string;
  scope: EscrowScope;
  allegation: string;
  evidenceFiles: string[];
  status: CaseStatus;
  requiredVerifications: number;
  openedBy: string;
  inspectionId: string | null;
  openedAt: Date;
  verifiedThroughFinding: number | null;
  verifiedAt: Date | null;
  decidedAt: Date | null;
  reportIds: string[];
}

export interface FindingRecord {
  id: number;
  principalId: string;
  organizationId: string;
  decision: CaseDecision;
  comment: string | null;
  evidenceFiles: string[];
  at: Date;
}

export interface RecoveryTotals {
  trancheId: string;
  currency: string;
  claimed: string;
}

interface CaseRow {
  id: string;
  scope: ScopeKind;
  escrow_account_id: string | null;
  recipient_organization_id: string | null;
  tranche_id: string | null;
  country: string | null;
  allegation: string;
  evidence_files: string[];
  status: CaseStatus;
  required_verifications: number;
  opened_by: string;
  inspection_id: string | null;
  opened_at: Date;
  verified_through_finding: string | null;
  verified_at: Date | null;
  decided_at: Date | null;
  report_ids: string[];
}

const CASE = `c.id, c.scope, c.escrow_account_id, c.recipient_organization_id, c.tranche_id, c.country, c.allegation, c.evidence_files,
              c.status, c.required_verifications, c.opened_by, c.inspection_id, c.opened_at, c.verified_through_finding::text AS verified_through_finding,
              c.verified_at, c.decided_at,
              (SELECT coalesce(array_agg(r.report_id ORDER BY r.report_id), '{}') FROM case_reports r WHERE r.case_id = c.id) AS report_ids`;

const SCOPE_COLUMN: Record<ScopeKind, string> = {
  escrow_account: 'escrow_account_id',
  recipient: 'recipient_organization_id',
  tranche: 'tranche_id',
  country: 'country',
};

@Injectable()
export class CasesRepository {
  async insert(
    db: EntityManager,
    c: { id: string; scope: EscrowScope; allegation: string; evidenceFiles: readonly string[]; requiredVerifications: number; openedBy: string; inspectionId: string | null; reportIds: readonly string[] },
  ): Promise<void> {
    await db.query(
      `INSERT INTO violation_cases (id, scope, ${SCOPE_COLUMN[c.scope.scope]}, allegation, evidence_files, required_verifications, opened_by, inspection_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [c.id, c.scope.scope, scopeTarget(c.scope), c.allegation, c.evidenceFiles, c.requiredVerifications, c.openedBy, c.inspectionId],
    );
    if (c.reportIds.length > 0) {
      await db.query(`INSERT INTO case_reports (case_id, report_id) SELECT $1, unnest($2::uuid[])`, [c.id, c.reportIds]);
    }
  }

  async find(db: EntityManager, id: string, lock = false): Promise<CaseRecord | undefined> {
    const [row] = await db.query(`SELECT ${CASE} FROM violation_cases c WHERE c.id = $1${lock ? ' FOR UPDATE OF c' : ''}`, [id]);
    return row && toRecord(row);
  }

  async list(db: EntityManager): Promise<CaseRecord[]> {
    const rows: CaseRow[] = await db.query(`SELECT ${CASE} FROM violation_cases c ORDER BY c.opened_at DESC, c.id`);
    return rows.map(toRecord);
  }

  async findings(db: EntityManager, caseIds: readonly string[]): Promise<Map<string, FindingRecord[]>> {
    const rows: (FindingRecord & { caseId: string })[] = await db.query(
      `SELECT id::int AS id, case_id AS "caseId", principal_id AS "principalId", organization_id AS "organizationId", decision, comment,
              evidence_files AS "evidenceFiles", created_at AS at
         FROM case_findings WHERE case_id = ANY ($1) ORDER BY id`,
      [caseIds],
    );
    const byCase = new Map<string, FindingRecord[]>(caseIds.map((id) => [id, []]));
    for (const { caseId, ...finding } of rows) byCase.get(caseId)!.push(finding);
    return byCase;
  }

  async insertFinding(
    db: EntityManager,
    f: { caseId: string; principalId: string; organizationId: string; decision: CaseDecision; comment: string | null; evidenceFiles: readonly string[] },
  ): Promise<number> {
    const [row] = await db.query(
      `INSERT INTO case_findings (case_id, principal_id, organization_id, decision, comment, evidence_files)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::int AS id`,
      [f.caseId, f.principalId, f.organizationId, f.decision, f.comment, f.evidenceFiles],
    );
    return row.id;
  }

  async setStatus(db: EntityManager, id: string, status: CaseStatus, verifiedThroughFinding?: number): Promise<void> {
    await db.query(
      `UPDATE violation_cases
          SET status = $2,
              verified_through_finding = coalesce($3, verified_through_finding),
              verified_at = CASE WHEN $2 = 'verified' THEN now() ELSE verified_at END,
              decided_at = CASE WHEN $2 IN ('dismissed', 'resolved') THEN now() ELSE decided_at END
        WHERE id = $1`,
      [id, status, verifiedThroughFinding ?? null],
    );
  }

  async countByStatus(db: EntityManager): Promise<Record<CaseStatus, number>> {
    const rows: { status: CaseStatus; n: number }[] = await db.query(`SELECT status, count(*)::int AS n FROM violation_cases GROUP BY status`);
    const counts: Record<CaseStatus, number> = { alleged: 0, verified: 0, dismissed: 0, resolved: 0 };
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  async insertRecovery(
    db: EntityManager,
    r: { id: string; caseId: string; trancheId: string; amount: string; currency: string; claimedBy: string; journalTransactionId: string },
  ): Promise<void> {
    await db.query(
      `INSERT INTO case_recoveries (id, case_id, tranche_id, amount, currency, claimed_by, journal_transaction_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [r.id, r.caseId, r.trancheId, r.amount, r.currency, r.claimedBy, r.journalTransactionId],
    );
  }

  /** Claimed on a tranche over every case (a tranche's money is claimed once, whoever asks). */
  async claimedOnTranche(db: EntityManager, trancheId: string): Promise<string> {
    const [{ claimed }] = await db.query(`SELECT coalesce(sum(amount), 0)::text AS claimed FROM case_recoveries WHERE tranche_id = $1`, [trancheId]);
    return claimed;
  }

  /** Claimed under one case, per tranche. */
  async claimsOfCase(db: EntityManager, caseId: string): Promise<RecoveryTotals[]> {
    return db.query(
      `SELECT tranche_id AS "trancheId", currency, sum(amount)::text AS claimed FROM case_recoveries WHERE case_id = $1 GROUP BY tranche_id, currency ORDER BY tranche_id`,
      [caseId],
    );
  }
}

function toRecord(row: CaseRow): CaseRecord {
  return {
    id: row.id,
    scope: scopeOfColumns(row),
    allegation: row.allegation,
    evidenceFiles: row.evidence_files,
    status: row.status,
    requiredVerifications: row.required_verifications,
    openedBy: row.opened_by,
    inspectionId: row.inspection_id,
    openedAt: row.opened_at,
    verifiedThroughFinding: row.verified_through_finding === null ? null : Number(row.verified_through_finding),
    verifiedAt: row.verified_at,
    decidedAt: row.decided_at,
    reportIds: row.report_ids,
  };
}
