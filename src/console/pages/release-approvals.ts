import type { Principal } from '../../common/access/principal';
import type { ReleaseRequestView } from '../../escrow/releases/release-view';
import type { Directory } from './console-reads.service';

/**
 * Who approved a release request and who still must, in words, from the request's own view:
 * its tier (requiredApprovals, distinctOrganizations, copied when it was made), the approvals
 * that count now, and the admins whose approval would count (eligibleApprovers).
 */
export interface ApprovalProgress {
  given: { principalId: string; name: string }[];
  needed: number;
  /** "0 of 1 given", "approved by Grace". */
  summary: string;
  /** Who may still approve, in words; null once decided. */
  stillNeeded: string | null;
}

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five'];

export function approvalProgress(request: ReleaseRequestView, directory: Directory): ApprovalProgress {
  const given = request.approvals.filter((a) => a.counts).map((a) => ({ principalId: a.principalId, name: directory.principal(a.principalId) }));
  const needed = request.requiredApprovals;
  const names = given.map((g) => g.name).join(', ');
  if (request.status === 'approved') return { given, needed, summary: `approved by ${names}`, stillNeeded: null };
  if (request.status === 'rejected') {
    const summary = request.rejectedBy ? `rejected by ${directory.principal(request.rejectedBy)}` : `rejected: ${request.reason ?? 'no reason given'}`;
    return { given, needed, summary, stillNeeded: null };
  }
  const more = request.remainingApprovals;
  const who = `${NUMBER_WORDS[more] ?? more} administrator${more === 1 ? '' : 's'} other than ${directory.principal(request.requestedBy)}`;
  const distinct = request.distinctOrganizations && needed > 1 ? ', each of an organization that has not approved yet' : '';
  const eligible = request.eligibleApprovers.map((a) => a.name).join(', ');
  return {
    given,
    needed,
    summary: `${needed - more} of ${needed} given`,
    stillNeeded:
      `${who}${distinct}, of an administrators' organization that is neither the donor nor the recipient` +
      (eligible ? ` (eligible now: ${eligible})` : ' (nobody is eligible now)'),
  };
}

/** Whether this admin is shown an approve control: only where the approval would count (never on their own request). */
export function mayApprove(request: ReleaseRequestView, admin: Principal): boolean {
  return request.status === 'pending' && admin.role === 'admin' && request.eligibleApprovers.some((a) => a.principalId === admin.id);
}
