import { ReleaseRequestRow, ReleaseStatus } from './releases.repository';

export interface ReleaseRequestView {
  id: string;
  trancheId: string;
  status: ReleaseStatus;
  requestedBy: string;
  approvedBy: string | null;
  rejectedBy: string | null;
  reason: string | null;
  journalTransactionId: string | null;
  requestedAt: string;
  decidedAt: string | null;
}

export function toReleaseRequestView(row: ReleaseRequestRow): ReleaseRequestView {
  return {
    id: row.id,
    trancheId: row.tranche_id,
    status: row.status,
    requestedBy: row.requested_by,
    approvedBy: row.status === 'approved' ? row.decided_by : null,
    rejectedBy: row.status === 'rejected' ? row.decided_by : null,
    reason: row.reason,
    journalTransactionId: row.journal_transaction_id,
    requestedAt: row.created_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
  };
}
