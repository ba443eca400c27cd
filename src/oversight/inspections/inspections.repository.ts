import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EscrowScope, ScopeKind, scopeOfColumns, scopeTarget } from '../../escrow/holds/escrow-scope';

export const INSPECTION_OUTCOMES = ['satisfactory', 'concerns', 'violation'] as const;
export type InspectionOutcome = (typeof INSPECTION_OUTCOMES)[number];

export interface InspectionRecord {
  id: string;
  scope: EscrowScope;
  assignedMonitorId: string;
  dueBy: Date;
  announced: boolean;
  nonce: string;
  commitment: string;
  drawId: string | null;
  drawIndex: number | null;
  drawSeed: Buffer | null;
  scheduledBy: string;
  scheduledAt: Date;
  outcome: InspectionOutcome | null;
  comment: string | null;
  evidenceFiles: string[];
  caseId: string | null;
  completedAt: Date | null;
}

interface InspectionRow {
  id: string;
  scope: ScopeKind;
  escrow_account_id: string | null;
  recipient_organization_id: string | null;
  tranche_id: string | null;
  country: string | null;
  assigned_monitor_id: string;
  due_by: Date;
  announced: boolean;
  nonce: string;
  commitment: string;
  draw_id: string | null;
  draw_index: number | null;
  draw_seed: Buffer | null;
  scheduled_by: string;
  scheduled_at: Date;
  outcome: InspectionOutcome | null;
  comment: string | null;
  evidence_files: string[];
  case_id: string | null;
  completed_at: Date | null;
}

const COLUMNS = `i.id, i.scope, i.escrow_account_id, i.recipient_organization_id, i.tranche_id, i.country, i.assigned_monitor_id, i.due_by,
                 i.announced, i.nonce, i.commitment, i.draw_id, i.draw_index, d.seed AS draw_seed, i.scheduled_by, i.scheduled_at,
                 i.outcome, i.comment, i.evidence_files, i.case_id, i.completed_at`;
const FROM = `inspections i LEFT JOIN inspection_draws d ON d.id = i.draw_id`;

const SCOPE_COLUMN: Record<ScopeKind, string> = {
  escrow_account: 'escrow_account_id',
  recipient: 'recipient_organization_id',
  tranche: 'tranche_id',
  country: 'country',
};

@Injectable()
export class InspectionsRepository {
  async insertDraw(db: EntityManager, draw: { id: string; seed: Buffer; drawnBy: string }): Promise<void> {
    await db.query(`INSERT INTO inspection_draws (id, seed, drawn_by) VALUES ($1, $2, $3)`, [draw.id, draw.seed, draw.drawnBy]);
  }

  async insert(
    db: EntityManager,
    i: {
      id: string;
      scope: EscrowScope;
      assignedMonitorId: string;
      dueBy: string;
      announced: boolean;
      nonce: string;
      commitment: string;
      drawId: string | null;
      drawIndex: number | null;
      scheduledBy: string;
      evidenceFiles: readonly string[];
    },
  ): Promise<void> {
    await db.query(
      `INSERT INTO inspections (id, scope, ${SCOPE_COLUMN[i.scope.scope]}, assigned_monitor_id, due_by, announced, nonce, commitment, draw_id, draw_index, scheduled_by, evidence_files)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [i.id, i.scope.scope, scopeTarget(i.scope), i.assignedMonitorId, i.dueBy, i.announced, i.nonce, i.commitment, i.drawId, i.drawIndex, i.scheduledBy, i.evidenceFiles],
    );
  }

  async find(db: EntityManager, id: string, lock = false): Promise<InspectionRecord | undefined> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE i.id = $1${lock ? ' FOR UPDATE OF i' : ''}`, [id]);
    return row && toRecord(row);
  }

  /** Everything `principalId` may see: all to admins; else announced or completed ones, and those assigned to them. */
  async visibleTo(db: EntityManager, principalId: string, isAdmin: boolean): Promise<InspectionRecord[]> {
    const rows: InspectionRow[] = await db.query(
      `SELECT ${COLUMNS} FROM ${FROM}
        WHERE $2 OR i.announced OR i.completed_at IS NOT NULL OR i.assigned_monitor_id = $1
        ORDER BY i.scheduled_at DESC, i.id`,
      [principalId, isAdmin],
    );
    return rows.map(toRecord);
  }

  /**
   * Locks the draw (findings of one draw queue here) and says whether `exceptId` is the last of
   * its inspections without a finding: that finding reveals the draw's seed.
   */
  async lockDrawIsLast(db: EntityManager, drawId: string, exceptId: string): Promise<boolean> {
    await db.query(`SELECT 1 FROM inspection_draws WHERE id = $1 FOR UPDATE`, [drawId]);
    const [{ open }] = await db.query(
      `SELECT count(*)::int AS open FROM inspections WHERE draw_id = $1 AND id <> $2 AND completed_at IS NULL`,
      [drawId, exceptId],
    );
    return open === 0;
  }

  async complete(db: EntityManager, id: string, finding: { outcome: InspectionOutcome; comment: string; evidenceFiles: readonly string[]; caseId: string | null }): Promise<void> {
    await db.query(
      `UPDATE inspections SET outcome = $2, comment = $3, evidence_files = $4, case_id = $5, completed_at = now() WHERE id = $1`,
      // evidence_files: the scheduling's files, then the finding's (the caller merges them).
      [id, finding.outcome, finding.comment, finding.evidenceFiles, finding.caseId],
    );
  }
}

function toRecord(row: InspectionRow): InspectionRecord {
  return {
    id: row.id,
    scope: scopeOfColumns(row),
    assignedMonitorId: row.assigned_monitor_id,
    dueBy: row.due_by,
    announced: row.announced,
    nonce: row.nonce,
    commitment: row.commitment,
    drawId: row.draw_id,
    drawIndex: row.draw_index,
    drawSeed: row.draw_seed,
    scheduledBy: row.scheduled_by,
    scheduledAt: row.scheduled_at,
    outcome: row.outcome,
    comment: row.comment,
    evidenceFiles: row.evidence_files,
    caseId: row.case_id,
    completedAt: row.completed_at,
  };
}
