import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFound } from '../../common/errors/common-errors';

export type ReleaseStatus = 'pending' | 'approved' | 'rejected';

export interface ReleaseRequestRow {
  id: string;
  tranche_id: string;
  status: ReleaseStatus;
  requested_by: string;
  decided_by: string | null;
  reason: string | null;
  journal_transaction_id: string | null;
  created_at: Date;
  decided_at: Date | null;
}

const COLUMNS = 'id, tranche_id, status, requested_by, decided_by, reason, journal_transaction_id, created_at, decided_at';

@Injectable()
export class ReleasesRepository {
  async insert(db: EntityManager, trancheId: string, requestedBy: string): Promise<ReleaseRequestRow> {
    const [row] = await db.query(
      `INSERT INTO release_requests (tranche_id, requested_by) VALUES ($1, $2) RETURNING ${COLUMNS}`,
      [trancheId, requestedBy],
    );
    return row;
  }

  async findOrFail(db: EntityManager, id: string): Promise<ReleaseRequestRow> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM release_requests WHERE id = $1`, [id]);
    if (!row) throw new NotFound('release request', id);
    return row;
  }

  /** Requests by status and/or tranche, newest first (the console's queues and histories). */
  async list(db: EntityManager, filter: { status?: ReleaseStatus; trancheIds?: readonly string[]; limit?: number }): Promise<ReleaseRequestRow[]> {
    return db.query(
      `SELECT ${COLUMNS} FROM release_requests
        WHERE ($1::text IS NULL OR status = $1) AND ($2::uuid[] IS NULL OR tranche_id = ANY ($2))
        ORDER BY created_at DESC, id LIMIT $3`,
      [filter.status ?? null, filter.trancheIds ?? null, filter.limit ?? 500],
    );
  }

  async lock(db: EntityManager, id: string): Promise<ReleaseRequestRow> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM release_requests WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) throw new NotFound('release request', id);
    return row;
  }

  async decide(
    db: EntityManager,
    id: string,
    decision: { status: 'approved' | 'rejected'; decidedBy: string; reason?: string; journalTransactionId?: string },
  ): Promise<ReleaseRequestRow> {
    const [[row]] = await db.query(
      `UPDATE release_requests
          SET status = $2, decided_by = $3, reason = $4, journal_transaction_id = $5, decided_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, decision.status, decision.decidedBy, decision.reason ?? null, decision.journalTransactionId ?? null],
    );
    return row;
  }
}
