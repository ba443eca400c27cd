import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EscrowRuleViolation } from '../escrow-errors';
import { pgError } from '../../database/database-errors';

export interface ReleaseApprovalRow {
  release_request_id: string;
  principal_id: string;
  organization_id: string;
  journal_transaction_id: string;
  created_at: Date;
}

const COLUMNS = 'release_request_id, principal_id, organization_id, journal_transaction_id, created_at';

/** Approvals of release requests, in the order they were given (append-only). */
@Injectable()
export class ReleaseApprovalsRepository {
  async insert(db: EntityManager, approval: Omit<ReleaseApprovalRow, 'created_at'>): Promise<ReleaseApprovalRow> {
    const [row] = await db
      .query(
        `INSERT INTO release_approvals (release_request_id, principal_id, organization_id, journal_transaction_id) VALUES ($1, $2, $3, $4)
         RETURNING ${COLUMNS}`,
        [approval.release_request_id, approval.principal_id, approval.organization_id, approval.journal_transaction_id],
      )
      .catch((error: unknown) => {
        // Reached only if the check under the tranche's lock were bypassed: the constraint still holds.
        if (pgError(error)?.constraint === 'release_approvals_once') throw new EscrowRuleViolation('ALREADY_APPROVED', 'this admin already approved the request');
        throw error;
      });
    return row;
  }

  async forRequests(db: EntityManager, requestIds: readonly string[]): Promise<ReleaseApprovalRow[]> {
    if (requestIds.length === 0) return [];
    return db.query(`SELECT ${COLUMNS} FROM release_approvals WHERE release_request_id = ANY ($1) ORDER BY id`, [requestIds]);
  }
}
