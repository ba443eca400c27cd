import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFound } from '../../common/errors/common-errors';
import { TrancheRow, TrancheStatus } from './tranche.types';

const COLUMNS = `id, escrow_account_id, donor_organization_id, recipient_organization_id, category, phase,
                 amount::text AS amount, currency, status, description, released_amount::text AS released_amount,
                 returned_amount::text AS returned_amount, retention_percent, retention_amount::text AS retention_amount, release_by`;

export type NewTranche = Omit<TrancheRow, 'status' | 'released_amount' | 'returned_amount'>;

@Injectable()
export class TranchesRepository {
  async insert(db: EntityManager, tranche: NewTranche): Promise<TrancheRow> {
    const [row] = await db.query(
      `INSERT INTO tranches (id, escrow_account_id, donor_organization_id, recipient_organization_id, category, phase, amount, currency,
                             description, retention_percent, retention_amount, release_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
      [tranche.id, tranche.escrow_account_id, tranche.donor_organization_id, tranche.recipient_organization_id,
       tranche.category, tranche.phase, tranche.amount, tranche.currency, tranche.description,
       tranche.retention_percent, tranche.retention_amount, tranche.release_by],
    );
    return row;
  }

  async find(db: EntityManager, id: string): Promise<TrancheRow | undefined> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM tranches WHERE id = $1`, [id]);
    return row;
  }

  async findOrFail(db: EntityManager, id: string): Promise<TrancheRow> {
    const row = await this.find(db, id);
    if (!row) throw new NotFound('tranche', id);
    return row;
  }

  /** UPDATE for status changes and releases; SHARE for sign-offs, which must not race a release. */
  async lock(db: EntityManager, id: string, mode: 'share' | 'update'): Promise<TrancheRow> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM tranches WHERE id = $1 FOR ${mode === 'share' ? 'SHARE' : 'UPDATE'}`, [id]);
    if (!row) throw new NotFound('tranche', id);
    return row;
  }

  async listByEscrow(db: EntityManager, escrowAccountId: string): Promise<TrancheRow[]> {
    return db.query(`SELECT ${COLUMNS} FROM tranches WHERE escrow_account_id = $1 ORDER BY phase, created_at, id`, [escrowAccountId]);
  }

  async setStatus(db: EntityManager, id: string, status: TrancheStatus): Promise<void> {
    await db.query(`UPDATE tranches SET status = $2 WHERE id = $1`, [id, status]);
  }

  /**
   * Adds an approved instalment to what was released: the tranche is `released` once nothing
   * remains, else `allocated` again for the next instalment. Returns the new status.
   */
  async addRelease(db: EntityManager, id: string, amount: string): Promise<TrancheStatus> {
    const [[row]] = await db.query(
      `UPDATE tranches SET released_amount = released_amount + $2,
              status = CASE WHEN released_amount + $2 + returned_amount = amount THEN 'released' ELSE 'allocated' END
        WHERE id = $1 RETURNING status`,
      [id, amount],
    );
    return row.status;
  }

  /** Ends an open tranche (cancelled or expired): its remainder counts as returned to the donor. */
  async returnRemainder(db: EntityManager, id: string, status: 'cancelled' | 'expired'): Promise<void> {
    await db.query(`UPDATE tranches SET returned_amount = amount - released_amount, status = $2 WHERE id = $1`, [id, status]);
  }

  /** How many tranches of the account still hold money (allocated or release-pending). */
  async countOpen(db: EntityManager, escrowAccountId: string): Promise<number> {
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM tranches WHERE escrow_account_id = $1 AND status IN ('allocated', 'release_pending')`,
      [escrowAccountId],
    );
    return n;
  }

  /**
   * Whether a tranche of an earlier phase in the same account still holds part of its unretained
   * share (amount - retention) unreleased: released, cancelled and expired tranches are done, and
   * a retained share waiting for its final audit does not hold up later phases.
   */
  async earlierPhaseUnreleased(db: EntityManager, tranche: TrancheRow): Promise<boolean> {
    const [row] = await db.query(
      `SELECT 1 FROM tranches
        WHERE escrow_account_id = $1 AND phase < $2 AND status IN ('allocated', 'release_pending')
          AND released_amount < amount - retention_amount LIMIT 1`,
      [tranche.escrow_account_id, tranche.phase],
    );
    return row !== undefined;
  }

  /** Whether the tranche's deadline has passed by the database's clock, now (not the transaction's start). */
  async pastDeadline(db: EntityManager, tranche: TrancheRow): Promise<boolean> {
    if (tranche.release_by === null) return false;
    const [row] = await db.query(`SELECT release_by <= clock_timestamp() AS past FROM tranches WHERE id = $1`, [tranche.id]);
    return row.past;
  }

  /** Open tranches whose deadline has passed, soonest first (tranches_release_by). */
  async pastDeadlineIds(db: EntityManager, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await db.query(
      `SELECT id FROM tranches
        WHERE release_by IS NOT NULL AND status IN ('allocated', 'release_pending') AND release_by <= clock_timestamp()
        ORDER BY release_by, id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }
}
