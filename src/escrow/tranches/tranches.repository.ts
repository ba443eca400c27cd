import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFound } from '../../common/errors/common-errors';
import { TrancheRow, TrancheStatus } from './tranche.types';

const COLUMNS = `id, escrow_account_id, donor_organization_id, recipient_organization_id, category, phase,
                 amount::text AS amount, currency, status, description`;

@Injectable()
export class TranchesRepository {
  async insert(db: EntityManager, tranche: Omit<TrancheRow, 'status'>): Promise<TrancheRow> {
    const [row] = await db.query(
      `INSERT INTO tranches (id, escrow_account_id, donor_organization_id, recipient_organization_id, category, phase, amount, currency, description)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [tranche.id, tranche.escrow_account_id, tranche.donor_organization_id, tranche.recipient_organization_id,
       tranche.category, tranche.phase, tranche.amount, tranche.currency, tranche.description],
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

  /** How many tranches of the account still hold money (allocated or release-pending). */
  async countOpen(db: EntityManager, escrowAccountId: string): Promise<number> {
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM tranches WHERE escrow_account_id = $1 AND status IN ('allocated', 'release_pending')`,
      [escrowAccountId],
    );
    return n;
  }

  /** Whether a tranche of an earlier phase in the same account is neither released nor cancelled. */
  async earlierPhaseUnreleased(db: EntityManager, tranche: TrancheRow): Promise<boolean> {
    const [row] = await db.query(
      `SELECT 1 FROM tranches
        WHERE escrow_account_id = $1 AND phase < $2 AND status NOT IN ('released', 'cancelled') LIMIT 1`,
      [tranche.escrow_account_id, tranche.phase],
    );
    return row !== undefined;
  }
}
