/** Where an approver stands now, as AuthService reports it. */
export interface ApproverStanding {
  active: boolean;
  organizationId: string;
  organizationType: string;
}

export interface GivenApproval {
  principalId: string;
  organizationId: string;
}

export interface ApprovalRule {
  requiredApprovals: number;
  distinctOrganizations: boolean;
  requestedBy: string;
  donorOrganizationId: string;
  recipientOrganizationId: string;
}

/**
 * Whether an approval counts now: its admin is still active, of an admin organization that is
 * neither the tranche's donor nor its recipient, and not the requester. (A revoked key does
 * nothing, its standing approvals included.)
 */
export function approvalCounts(approval: GivenApproval, rule: ApprovalRule, standing: ApproverStanding | undefined): boolean {
  return (
    standing !== undefined &&
    standing.active &&
    standing.organizationType === 'admin' &&
    approval.principalId !== rule.requestedBy &&
    approval.organizationId !== rule.donorOrganizationId &&
    approval.organizationId !== rule.recipientOrganizationId
  );
}

export interface ApprovalTally {
  /** The approvals that count, in the order given. */
  counting: GivenApproval[];
  /** How many more are needed (0 when enough): people, or organizations where the tier says so. */
  remaining: number;
  /** Organizations whose admins already count (under distinctOrganizations, they may not approve again). */
  countedOrganizations: Set<string>;
}

/** Counts a request's approvals under the tier it was made with. */
export function tallyApprovals(rule: ApprovalRule, approvals: readonly GivenApproval[], standings: ReadonlyMap<string, ApproverStanding>): ApprovalTally {
  const counting = approvals.filter((a) => approvalCounts(a, rule, standings.get(a.principalId)));
  const countedOrganizations = new Set(counting.map((a) => a.organizationId));
  const have = rule.distinctOrganizations ? countedOrganizations.size : counting.length;
  return { counting, remaining: Math.max(0, rule.requiredApprovals - have), countedOrganizations };
}

/**
 * Why `approver` may not add an approval to this tally, or undefined when it may. Identity
 * rules (admin organization, not a party, not the requester) are the caller's first check; this
 * is what the tally adds: once per admin, and once per organization where the tier says so.
 */
export function repeatedApproval(rule: ApprovalRule, approvals: readonly GivenApproval[], tally: ApprovalTally, approver: GivenApproval): string | undefined {
  if (approvals.some((a) => a.principalId === approver.principalId)) return 'this admin already approved the request';
  if (rule.distinctOrganizations && tally.countedOrganizations.has(approver.organizationId)) {
    return "an admin of this organization already approved, and the request's tier needs approvals from distinct organizations";
  }
  return undefined;
}
