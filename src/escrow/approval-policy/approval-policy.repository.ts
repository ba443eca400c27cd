import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFound } from '../../common/errors/common-errors';
import { ApprovalTier } from './approval-tiers';

export type PolicyChangeStatus = 'pending' | 'approved' | 'rejected';

export interface PolicyChangeRow {
  id: string;
  escrow_account_id: string;
  tiers: ApprovalTier[];
  status: PolicyChangeStatus;
  proposed_by: string;
  decided_by: string | null;
  reason: string | null;
  created_at: Date;
  decided_at: Date | null;
}

const COLUMNS = 'id, escrow_account_id, tiers, status, proposed_by, decided_by, reason, created_at, decided_at';

@Injectable()
export class ApprovalPolicyRepository {
  async insert(db: EntityManager, change: { escrowAccountId: string; tiers: ApprovalTier[]; proposedBy: string }): Promise<PolicyChangeRow> {
    const [row] = await db.query(
      `INSERT INTO approval_policy_changes (escrow_account_id, tiers, proposed_by) VALUES ($1, $2::jsonb, $3) RETURNING ${COLUMNS}`,
      [change.escrowAccountId, JSON.stringify(change.tiers), change.proposedBy],
    );
    return row;
  }

  async findOrFail(db: EntityManager, id: string): Promise<PolicyChangeRow> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM approval_policy_changes WHERE id = $1`, [id]);
    if (!row) throw new NotFound('approval policy change', id);
    return row;
  }

  async lock(db: EntityManager, id: string): Promise<PolicyChangeRow> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM approval_policy_changes WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) throw new NotFound('approval policy change', id);
    return row;
  }

  async pendingOf(db: EntityManager, escrowAccountId: string): Promise<PolicyChangeRow[]> {
    return db.query(
      `SELECT ${COLUMNS} FROM approval_policy_changes WHERE escrow_account_id = $1 AND status = 'pending' ORDER BY created_at, id`,
      [escrowAccountId],
    );
  }

  async decide(db: EntityManager, id: string, decision: { status: 'approved' | 'rejected'; decidedBy: string; reason?: string }): Promise<void> {
    await db.query(`UPDATE approval_policy_changes SET status = $2, decided_by = $3, reason = $4, decided_at = now() WHERE id = $1`, [
      id,
      decision.status,
      decision.decidedBy,
      decision.reason ?? null,
    ]);
  }
}
