import type { Principal } from '../../auth/principal';
import type { ReleaseRequestView } from '../../escrow/releases/release-view';
import type { Directory } from './console-reads.service';

/**
 * Who approved a release request and who still must, in words. Today's policy: one approval by
 * an admin other than the requester, of an admin organization that is neither the tranche's
 * donor nor its recipient. The release-policy work (tiers, several approvers) replaces the
 * rule here and in nothing else the pages draw.
 */
export interface ApprovalProgress {
  given: { principalId: string; name: string }[];
  needed: number;
  /** "0 of 1 given", "approved by Grace". */
  summary: string;
  /** Who may still approve, in words; null once decided. */
  stillNeeded: string | null;
}

export function approvalProgress(request: ReleaseRequestView, directory: Directory): ApprovalProgress {
  const given = request.approvedBy ? [{ principalId: request.approvedBy, name: directory.principal(request.approvedBy) }] : [];
  if (request.status === 'approved') return { given, needed: 1, summary: `approved by ${given[0].name}`, stillNeeded: null };
  if (request.status === 'rejected') return { given, needed: 1, summary: `rejected by ${directory.principal(request.rejectedBy)}`, stillNeeded: null };
  return {
    given,
    needed: 1,
    summary: '0 of 1 given',
    stillNeeded: `one administrator other than ${directory.principal(request.requestedBy)}, of an administrators' organization that is neither the donor nor the recipient`,
  };
}

/** Whether this admin is shown an approve control: never on their own request (four eyes). */
export function mayApprove(request: ReleaseRequestView, admin: Principal): boolean {
  return request.status === 'pending' && request.requestedBy !== admin.id && admin.role === 'admin';
}
