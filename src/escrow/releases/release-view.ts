import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ActiveMember, AuthService } from '../../auth/auth.service';
import { Money } from '../../common/money/money';
import { ApprovalRule, approvalCounts, ApproverStanding, repeatedApproval, tallyApprovals } from './approval-count';
import { ReleaseApprovalRow, ReleaseApprovalsRepository } from './release-approvals.repository';
import { ReleaseRequestRow, ReleaseStatus } from './releases.repository';

export interface ApprovalView {
  principalId: string;
  organizationId: string;
  at: string;
  journalTransactionId: string;
  /** Whether it counts now (its admin still active): shown, so nobody is misled by one that does not. */
  counts: boolean;
}

export interface EligibleApprover {
  principalId: string;
  name: string;
  organizationId: string;
}

export interface ReleaseRequestView {
  id: string;
  trancheId: string;
  escrowAccountId: string;
  amount: string;
  currency: string;
  status: ReleaseStatus;
  requestedBy: string;
  requiredApprovals: number;
  distinctOrganizations: boolean;
  approvals: ApprovalView[];
  /** Approvals still needed (0 once decided): people, or organizations where the tier says so. */
  remainingApprovals: number;
  /** While pending: the admins whose approval would count now (the console's "who still has to approve"). */
  eligibleApprovers: EligibleApprover[];
  /** The admin whose approval moved the money. */
  approvedBy: string | null;
  rejectedBy: string | null;
  reason: string | null;
  journalTransactionId: string | null;
  requestedAt: string;
  decidedAt: string | null;
}

export function approvalRuleOf(row: ReleaseRequestRow): ApprovalRule {
  return {
    requiredApprovals: row.required_approvals,
    distinctOrganizations: row.distinct_organizations,
    requestedBy: row.requested_by,
    donorOrganizationId: row.donor_organization_id,
    recipientOrganizationId: row.recipient_organization_id,
  };
}

export const givenApproval = (a: ReleaseApprovalRow) => ({ principalId: a.principal_id, organizationId: a.organization_id });

/** What a view is judged from: the request's approvals, who stands where now, and (while pending) the active admins. */
export interface ViewInputs {
  approvals: readonly ReleaseApprovalRow[];
  standings: ReadonlyMap<string, ApproverStanding>;
  admins: readonly ActiveMember[];
}

/** A release request as everyone sees it; `inputs` may hold other requests' approvals too. */
export function toReleaseRequestView(row: ReleaseRequestRow, inputs: ViewInputs): ReleaseRequestView {
  const mine = inputs.approvals.filter((a) => a.release_request_id === row.id);
  const rule = approvalRuleOf(row);
  const given = mine.map(givenApproval);
  const tally = tallyApprovals(rule, given, inputs.standings);
  // A request whose maker was revoked can no longer be approved by anyone.
  const open = row.status === 'pending' && inputs.standings.get(row.requested_by)?.active === true;
  const eligible = open
    ? inputs.admins.filter((admin) => {
        const candidate = { principalId: admin.id, organizationId: admin.organizationId };
        const standing = { active: true, organizationId: admin.organizationId, organizationType: admin.organizationType };
        return approvalCounts(candidate, rule, standing) && repeatedApproval(rule, given, tally, candidate) === undefined;
      })
    : [];
  return {
    id: row.id,
    trancheId: row.tranche_id,
    escrowAccountId: row.escrow_account_id,
    amount: Money.of(row.amount, row.currency).toString(),
    currency: row.currency,
    status: row.status,
    requestedBy: row.requested_by,
    requiredApprovals: row.required_approvals,
    distinctOrganizations: row.distinct_organizations,
    approvals: mine.map((a) => ({
      principalId: a.principal_id,
      organizationId: a.organization_id,
      at: a.created_at.toISOString(),
      journalTransactionId: a.journal_transaction_id,
      counts: tally.counting.some((c) => c.principalId === a.principal_id),
    })),
    remainingApprovals: row.status === 'pending' ? tally.remaining : 0,
    eligibleApprovers: eligible.map((a) => ({ principalId: a.id, name: a.name, organizationId: a.organizationId })),
    approvedBy: row.status === 'approved' ? row.decided_by : null,
    rejectedBy: row.status === 'rejected' ? row.decided_by : null,
    reason: row.reason,
    journalTransactionId: row.journal_transaction_id,
    requestedAt: row.created_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
  };
}

/**
 * Release requests as everyone sees them, their approvals judged by who stands where now: the
 * counting rules of approve(), applied to views.
 */
@Injectable()
export class ReleaseViews {
  constructor(
    private readonly approvals: ReleaseApprovalsRepository,
    private readonly identities: AuthService,
  ) {}

  async of(db: EntityManager, rows: readonly ReleaseRequestRow[]): Promise<ReleaseRequestView[]> {
    const approvals = await this.approvals.forRequests(db, rows.map((r) => r.id));
    const pending = rows.filter((r) => r.status === 'pending');
    const people = [...new Set([...approvals.map((a) => a.principal_id), ...pending.map((r) => r.requested_by)])];
    const standings = await this.identities.standings(db, people);
    const admins = await this.adminsFor(db, rows);
    return rows.map((row) => toReleaseRequestView(row, { approvals, standings, admins }));
  }

  /** The active admins, when some request is still pending (its eligible approvers); else none needed. */
  async adminsFor(db: EntityManager, rows: readonly ReleaseRequestRow[]): Promise<ActiveMember[]> {
    return rows.some((r) => r.status === 'pending') ? this.identities.activeMembers(db, 'admin') : [];
  }
}
