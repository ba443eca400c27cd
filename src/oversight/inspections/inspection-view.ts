import { ScopeKind, scopeIds } from '../../escrow/holds/escrow-scope';
import { scopeView } from '../scope-input';
import { InspectionPreimage } from './commitment';
import { InspectionOutcome, InspectionRecord } from './inspections.repository';

export interface InspectionView {
  id: string;
  scope: ScopeKind;
  escrowAccountId: string | null;
  recipientOrganizationId: string | null;
  trancheId: string | null;
  country: string | null;
  assignedMonitorId: string;
  dueBy: string;
  announced: boolean;
  status: 'scheduled' | 'completed';
  overdue: boolean;
  /** The journal's commitment; `revealed` is its preimage, shown once the finding is in. */
  commitment: string;
  revealed: InspectionPreimage | null;
  drawId: string | null;
  drawIndex: number | null;
  scheduledBy: string;
  scheduledAt: string;
  outcome: InspectionOutcome | null;
  comment: string | null;
  evidenceFiles: string[];
  caseId: string | null;
  completedAt: string | null;
}

/** The object the commitment hashes (commitment.ts). */
export function preimageOf(inspection: Pick<InspectionRecord, 'id' | 'scope' | 'assignedMonitorId' | 'dueBy' | 'nonce'>): InspectionPreimage {
  return {
    id: inspection.id,
    scope: inspection.scope.scope,
    ids: scopeIds(inspection.scope),
    assignedMonitorId: inspection.assignedMonitorId,
    dueBy: inspection.dueBy.toISOString(),
    nonce: inspection.nonce,
  };
}

export function toInspectionView(i: InspectionRecord, now = new Date()): InspectionView {
  const completed = i.completedAt !== null;
  return {
    id: i.id,
    ...scopeView(i.scope),
    assignedMonitorId: i.assignedMonitorId,
    dueBy: i.dueBy.toISOString(),
    announced: i.announced,
    status: completed ? 'completed' : 'scheduled',
    overdue: !completed && i.dueBy < now,
    commitment: i.commitment,
    revealed: completed ? preimageOf(i) : null,
    drawId: i.drawId,
    drawIndex: i.drawIndex,
    scheduledBy: i.scheduledBy,
    scheduledAt: i.scheduledAt.toISOString(),
    outcome: i.outcome,
    comment: i.comment,
    evidenceFiles: i.evidenceFiles,
    caseId: i.caseId,
    completedAt: i.completedAt?.toISOString() ?? null,
  };
}
