import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFound } from '../../common/errors/common-errors';

export const RELEASE_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

export interface ReleaseRequestRow {
  id: string;
  tranche_id: string;
  status: ReleaseStatus;
  requested_by: string;
  /** Null for a request the deadline sweeper rejected. */
  decided_by: string | null;
  reason: string | null;
  journal_transaction_id: string | null;
  created_at: Date;
  decided_at: Date | null;
  amount: string;
  required_approvals: number;
  distinct_organizations: boolean;
  /** Joined from the tranche, for views and eligibility. */
  escrow_account_id: string;
  currency: string;
  donor_organization_id: string;
  recipient_organization_id: string;
}

const COLUMNS = `r.id, r.tranche_id, r.status, r.requested_by, r.decided_by, r.reason, r.journal_transaction_id, r.created_at,
                 r.decided_at, r.amount::text AS amount, r.required_approvals, r.distinct_organizations,
                 t.escrow_account_id, t.currency, t.donor_organization_id, t.recipient_organization_id`;
const FROM = `release_requests r JOIN tranches t ON t.id = r.tranche_id`;

export interface ReleaseListFilter {
  status?: ReleaseStatus;
  escrowAccountId?: string;
  trancheId?: string;
  /** Only requests this admin could approve, as far as SQL can tell (not the requester, not a party, not yet approved by them). */
  approvableBy?: { principalId: string; organizationId: string };
  /** Keyset paging: requests after this one, in (created_at, id) order. */
  afterId?: string;
  limit: number;
}

@Injectable()
export class ReleasesRepository {
  async insert(
    db: EntityManager,
    request: { trancheId: string; requestedBy: string; amount: string; requiredApprovals: number; distinctOrganizations: boolean },
  ): Promise<ReleaseRequestRow> {
    const [row] = await db.query(
      `WITH r AS (INSERT INTO release_requests (tranche_id, requested_by, amount, required_approvals, distinct_organizations)
                  VALUES ($1, $2, $3, $4, $5) RETURNING *)
       SELECT ${COLUMNS} FROM r JOIN tranches t ON t.id = r.tranche_id`,
      [request.trancheId, request.requestedBy, request.amount, request.requiredApprovals, request.distinctOrganizations],
    );
    return row;
  }

  async find(db: EntityManager, id: string): Promise<ReleaseRequestRow | undefined> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.id = $1`, [id]);
    return row;
  }

  async findOrFail(db: EntityManager, id: string): Promise<ReleaseRequestRow> {
    const row = await this.find(db, id);
    if (!row) throw new NotFound('release request', id);
    return row;
  }

  /** Requests by status and/or tranche, newest first (the console's queues and histories). */
  async newest(db: EntityManager, filter: { status?: ReleaseStatus; trancheIds?: readonly string[]; limit?: number }): Promise<ReleaseRequestRow[]> {
    return db.query(
      `SELECT ${COLUMNS} FROM ${FROM}
        WHERE ($1::text IS NULL OR r.status = $1) AND ($2::uuid[] IS NULL OR r.tranche_id = ANY ($2))
        ORDER BY r.created_at DESC, r.id LIMIT $3`,
      [filter.status ?? null, filter.trancheIds ?? null, filter.limit ?? 500],
    );
  }

  async lock(db: EntityManager, id: string): Promise<ReleaseRequestRow> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.id = $1 FOR UPDATE OF r`, [id]);
    if (!row) throw new NotFound('release request', id);
    return row;
  }

  /** The tranche's pending request, locked (at most one: release_requests_one_pending). */
  async lockPendingOf(db: EntityManager, trancheId: string): Promise<ReleaseRequestRow | undefined> {
    const [row] = await db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.tranche_id = $1 AND r.status = 'pending' FOR UPDATE OF r`, [trancheId]);
    return row;
  }

  async decide(
    db: EntityManager,
    id: string,
    decision: { status: 'approved' | 'rejected'; decidedBy: string | null; reason?: string; journalTransactionId?: string },
  ): Promise<Pick<ReleaseRequestRow, 'status' | 'decided_by' | 'reason' | 'journal_transaction_id' | 'decided_at'>> {
    const [[row]] = await db.query(
      `UPDATE release_requests
          SET status = $2, decided_by = $3, reason = $4, journal_transaction_id = $5, decided_at = now()
        WHERE id = $1 RETURNING status, decided_by, reason, journal_transaction_id, decided_at`,
      [id, decision.status, decision.decidedBy, decision.reason ?? null, decision.journalTransactionId ?? null],
    );
    return row;
  }

  /** A page of requests, oldest first (GET /v1/release-requests and its approval queue). */
  async page(db: EntityManager, filter: ReleaseListFilter): Promise<ReleaseRequestRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.status) where.push(`r.status = ${param(filter.status)}`);
    if (filter.escrowAccountId) where.push(`t.escrow_account_id = ${param(filter.escrowAccountId)}`);
    if (filter.trancheId) where.push(`r.tranche_id = ${param(filter.trancheId)}`);
    if (filter.approvableBy) {
      const me = param(filter.approvableBy.principalId);
      const org = param(filter.approvableBy.organizationId);
      where.push(`r.requested_by <> ${me}`, `t.donor_organization_id <> ${org}`, `t.recipient_organization_id <> ${org}`,
        `NOT EXISTS (SELECT 1 FROM release_approvals a WHERE a.release_request_id = r.id AND a.principal_id = ${me})`);
    }
    if (filter.afterId) {
      where.push(`(r.created_at, r.id) > (SELECT created_at, id FROM release_requests WHERE id = ${param(filter.afterId)})`);
    }
    return db.query(
      `SELECT ${COLUMNS} FROM ${FROM} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY r.created_at, r.id LIMIT ${param(filter.limit)}`,
      params,
    );
  }
}
