import { Injectable } from '@nestjs/common';
import { AuthService } from '../../auth/auth.service';
import { Principal } from '../../common/access/principal';
import { Forbidden, FourEyesViolation, InvalidState } from '../../common/errors/common-errors';
import { Money } from '../../common/money/money';
import { parseAmount } from '../../common/money/parse-amount';
import { Database } from '../../database/database';
import { LedgerAccounts } from '../../ledger/ledger-accounts';
import { transfer } from '../../ledger/ledger-event';
import { LedgerService } from '../../ledger/ledger.service';
import { StatementsService } from '../../statements/statements.service';
import { EscrowAccountRow } from '../accounts/account.types';
import { AccountsRepository } from '../accounts/accounts.repository';
import { DonorTotalsRepository } from '../accounts/donor-totals.repository';
import { tierFor } from '../approval-policy/approval-tiers';
import { EscrowRuleViolation } from '../escrow-errors';
import { TrancheRow } from '../tranches/tranche.types';
import { TranchesRepository } from '../tranches/tranches.repository';
import { ApproverStanding, repeatedApproval, tallyApprovals } from './approval-count';
import { ApproveReleaseDto } from './dto/approve-release.dto';
import { CreateReleaseRequestDto } from './dto/create-release-request.dto';
import { ReleaseApprovalsRepository } from './release-approvals.repository';
import { ReleaseRules } from './release-rules';
import { approvalRuleOf, givenApproval, ReleaseRequestView, ReleaseViews, toReleaseRequestView } from './release-view';
import { ReleasesRepository, ReleaseStatus } from './releases.repository';

/**
 * Maker and checkers. An admin requests an instalment of a tranche; as many other admins as the
 * account's tier asked when the request was made approve it; the last approval moves the money.
 * Locks are always taken account → tranche → request, so every path that touches the same rows
 * queues in the same order (no deadlocks): approvals of one request run one at a time, each
 * re-checking every rule, and exactly one of any number of racing last approvals moves the money.
 */
@Injectable()
export class ReleasesService {
  constructor(
    private readonly db: Database,
    private readonly releases: ReleasesRepository,
    private readonly approvals: ReleaseApprovalsRepository,
    private readonly views: ReleaseViews,
    private readonly tranches: TranchesRepository,
    private readonly escrowAccounts: AccountsRepository,
    private readonly totals: DonorTotalsRepository,
    private readonly rules: ReleaseRules,
    private readonly ledger: LedgerService,
    private readonly identities: AuthService,
    private readonly statements: StatementsService,
  ) {}

  /**
   * The request takes its tier from the policy in force now (read under the account's share lock,
   * so a policy change commits wholly before or after it) and keeps it.
   */
  async request(trancheId: string, dto: CreateReleaseRequestDto, admin: Principal): Promise<ReleaseRequestView> {
    const { account, tranche } = await this.lockTranche(trancheId);
    const asked = dto.amount === undefined ? undefined : parseAmount(dto.amount, tranche.currency);
    const { amount } = await this.rules.assertReleasable(this.db.writer, { account, tranche, amount: asked });
    const tier = tierFor(account.approval_tiers, amount);
    const request = await this.releases.insert(this.db.writer, {
      trancheId,
      requestedBy: admin.id,
      amount: amount.toString(),
      requiredApprovals: tier.approvals,
      distinctOrganizations: tier.distinctOrganizations,
    });
    await this.tranches.setStatus(this.db.writer, trancheId, 'release_pending');
    await this.ledger.post(this.db.writer, {
      kind: 'release_requested',
      actorPrincipalId: admin.id,
      escrowAccountId: account.id,
      refs: { trancheId, releaseRequestId: request.id },
      details: {
        amount: amount.toString(),
        currency: tranche.currency,
        requiredApprovals: tier.approvals,
        distinctOrganizations: tier.distinctOrganizations,
      },
    });
    // No approvals yet, and the requester is this (active) admin: only the eligible admins are read.
    return toReleaseRequestView(request, {
      approvals: [],
      standings: new Map([[admin.id, standingOf(admin)]]),
      admins: await this.views.adminsFor(this.db.writer, [request]),
    });
  }

  /**
   * A checker's approval: by an eligible admin other than the requester, once. Each approval is a
   * journal transaction; the last one needed (`release_approved`) moves the instalment to the
   * recipient, the others (`release_approval`) are counted.
   */
  async approve(requestId: string, dto: ApproveReleaseDto, admin: Principal): Promise<ReleaseRequestView> {
    const unlocked = await this.releases.findOrFail(this.db.writer, requestId);
    if (unlocked.requested_by === admin.id) throw new FourEyesViolation('the release must be approved by an admin other than the requester');
    // Once the admin registered a signing key, the approval is its signed statement (API.md, "Signed statements").
    const signed = await this.statements.verifyStatement(admin, 'release.approve', requestId, dto);
    const account = await this.escrowAccounts.lock(this.db.writer, unlocked.escrow_account_id, 'share');
    const tranche = await this.tranches.lock(this.db.writer, unlocked.tranche_id, 'update');
    const request = await this.releases.lock(this.db.writer, requestId);
    const { amount } = await this.rules.assertReleasable(this.db.writer, {
      account,
      tranche,
      request,
      amount: Money.of(request.amount, request.currency),
    });
    const approvals = await this.approvals.forRequests(this.db.writer, [requestId]);
    const standings: Map<string, ApproverStanding> = await this.identities.standings(this.db.writer, [request.requested_by, ...approvals.map((a) => a.principal_id)]);
    assertEligibleApprover(admin, tranche, standings.get(request.requested_by));

    const rule = approvalRuleOf(request);
    const given = approvals.map(givenApproval);
    const mine = { principalId: admin.id, organizationId: admin.organizationId };
    const repeated = repeatedApproval(rule, given, tallyApprovals(rule, given, standings), mine);
    if (repeated) throw new EscrowRuleViolation('ALREADY_APPROVED', repeated);
    standings.set(admin.id, standingOf(admin));
    const after = tallyApprovals(rule, [...given, mine], standings);
    const refs = { trancheId: tranche.id, releaseRequestId: requestId, requestedBy: request.requested_by };

    if (after.remaining > 0) {
      const posted = await this.ledger.post(this.db.writer, {
        kind: 'release_approval',
        actorPrincipalId: admin.id,
        escrowAccountId: account.id,
        refs,
        details: { approvalsCounted: after.counting.length, requiredApprovals: rule.requiredApprovals, distinctOrganizations: rule.distinctOrganizations, ...signed },
      });
      const approval = await this.approvals.insert(this.db.writer, { ...this.approvalOf(requestId, admin), journal_transaction_id: posted.id });
      return toReleaseRequestView(request, { approvals: [...approvals, approval], standings, admins: await this.views.adminsFor(this.db.writer, [request]) });
    }

    const posted = await this.ledger.post(this.db.writer, {
      kind: 'release_approved',
      actorPrincipalId: admin.id,
      escrowAccountId: account.id,
      refs: { ...refs, recipientOrganizationId: tranche.recipient_organization_id },
      // A whole-tranche release under the default tier keeps the journal body it always had.
      details: {
        ...(amount.equals(Money.of(tranche.amount, tranche.currency)) && rule.requiredApprovals === 1 ? {} : { amount: amount.toString(), approvalsCounted: after.counting.length }),
        ...signed,
      },
      postings: transfer(
        LedgerAccounts.tranche(account.id, tranche.id, tranche.currency),
        LedgerAccounts.recipient(tranche.recipient_organization_id, tranche.currency),
        amount,
      ),
    });
    const approval = await this.approvals.insert(this.db.writer, { ...this.approvalOf(requestId, admin), journal_transaction_id: posted.id });
    await this.tranches.addRelease(this.db.writer, tranche.id, amount.toString());
    const decided = await this.releases.decide(this.db.writer, requestId, { status: 'approved', decidedBy: admin.id, journalTransactionId: posted.id });
    await this.totals.change(this.db.writer, account.id, tranche.donor_organization_id, { allocated: amount.negated(), released: amount });
    return toReleaseRequestView({ ...request, ...decided }, { approvals: [...approvals, approval], standings, admins: [] });
  }

  /** Any admin, the requester included (a withdrawal), sends the tranche back to allocated. */
  async reject(requestId: string, reason: string, admin: Principal): Promise<ReleaseRequestView> {
    const unlocked = await this.releases.findOrFail(this.db.writer, requestId);
    const { account, tranche } = await this.lockTranche(unlocked.tranche_id);
    const request = await this.releases.lock(this.db.writer, requestId);
    if (request.status !== 'pending') throw new InvalidState(`the release request is already ${request.status}`);
    await this.tranches.setStatus(this.db.writer, tranche.id, 'allocated');
    const posted = await this.ledger.post(this.db.writer, {
      kind: 'release_rejected',
      actorPrincipalId: admin.id,
      escrowAccountId: account.id,
      refs: { trancheId: tranche.id, releaseRequestId: requestId },
      details: { reason },
    });
    await this.releases.decide(this.db.writer, requestId, { status: 'rejected', decidedBy: admin.id, reason, journalTransactionId: posted.id });
    return this.get(requestId);
  }

  async get(id: string): Promise<ReleaseRequestView> {
    const [view] = await this.views.of(this.db.reader, [await this.releases.findOrFail(this.db.reader, id)]);
    return view;
  }

  private approvalOf(requestId: string, admin: Principal) {
    return { release_request_id: requestId, principal_id: admin.id, organization_id: admin.organizationId };
  }

  /** Release requests by status and/or tranche, newest first (the console's queues and histories). */
  async list(filter: { status?: ReleaseStatus; trancheIds?: readonly string[]; limit?: number } = {}): Promise<ReleaseRequestView[]> {
    return this.views.of(this.db.reader, await this.releases.newest(this.db.reader, filter));
  }

  private async lockTranche(trancheId: string): Promise<{ account: EscrowAccountRow; tranche: TrancheRow }> {
    const unlocked = await this.tranches.findOrFail(this.db.writer, trancheId);
    const account = await this.escrowAccounts.lock(this.db.writer, unlocked.escrow_account_id, 'share');
    const tranche = await this.tranches.lock(this.db.writer, trancheId, 'update');
    return { account, tranche };
  }
}

/**
 * The checker counts as a second person only as an admin of an admin organization that is
 * neither the tranche's donor nor its recipient; and a request whose maker has since been
 * revoked moves nothing (a revoked key does nothing, its pending requests included).
 */
function assertEligibleApprover(admin: Principal, tranche: TrancheRow, requester: ApproverStanding | undefined): void {
  if (admin.organizationType !== 'admin') throw new Forbidden('release approvals count only from admins of an admin organization');
  if (admin.organizationId === tranche.donor_organization_id || admin.organizationId === tranche.recipient_organization_id) {
    throw new Forbidden("an admin of the tranche's donor or recipient organization cannot approve its release");
  }
  if (!requester?.active) throw new InvalidState("the requester's key was revoked: this request can no longer be approved");
}

/** The acting principal's standing: active (UnitOfWork checked it under a share lock). */
function standingOf(principal: Principal): ApproverStanding {
  return { active: true, organizationId: principal.organizationId, organizationType: principal.organizationType };
}
