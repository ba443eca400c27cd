import { Injectable } from '@nestjs/common';
import { AuthService } from '../../auth/auth.service';
import { Principal } from '../../common/access/principal';
import { FourEyesViolation, InvalidState, NotFound } from '../../common/errors/common-errors';
import { Database } from '../../database/database';
import { LedgerService } from '../../ledger/ledger.service';
import { assertNotClosed } from '../accounts/account-rules';
import { AccountsRepository } from '../accounts/accounts.repository';
import { ApprovalPolicyRepository, PolicyChangeRow, PolicyChangeStatus } from './approval-policy.repository';
import { ApprovalTier, validatedTiers } from './approval-tiers';
import { ProposeApprovalPolicyDto } from './dto/propose-approval-policy.dto';

export interface PolicyChangeView {
  id: string;
  escrowAccountId: string;
  tiers: ApprovalTier[];
  status: PolicyChangeStatus;
  proposedBy: string;
  decidedBy: string | null;
  reason: string | null;
  proposedAt: string;
  decidedAt: string | null;
}

export interface ApprovalPolicyView {
  escrowAccountId: string;
  /** In force: release requests made now take their tier from these. */
  tiers: ApprovalTier[];
  /** The approved change that set them; null while the default applies. */
  changeId: string | null;
  /** Proposed, awaiting a second admin. */
  pendingChanges: PolicyChangeView[];
}

/**
 * Approval tiers per escrow account, changed four-eyes: one admin proposes, another approves,
 * and the account's tiers change in that approval's transaction, under the account's UPDATE
 * lock. Release requests read the tiers under a SHARE lock of the same row, so each request
 * commits wholly before a change (old tiers) or after it (new tiers), never in between.
 */
@Injectable()
export class ApprovalPolicyService {
  constructor(
    private readonly db: Database,
    private readonly changes: ApprovalPolicyRepository,
    private readonly accounts: AccountsRepository,
    private readonly identities: AuthService,
    private readonly ledger: LedgerService,
  ) {}

  async get(escrowAccountId: string): Promise<ApprovalPolicyView> {
    const account = await this.accounts.find(this.db.reader, escrowAccountId);
    if (!account) throw new NotFound('escrow account', escrowAccountId);
    return {
      escrowAccountId,
      tiers: account.approval_tiers,
      changeId: account.approval_policy_change_id,
      pendingChanges: (await this.changes.pendingOf(this.db.reader, escrowAccountId)).map(toPolicyChangeView),
    };
  }

  async propose(escrowAccountId: string, dto: ProposeApprovalPolicyDto, admin: Principal): Promise<PolicyChangeView> {
    const account = await this.accounts.lock(this.db.writer, escrowAccountId, 'share');
    const tiers = validatedTiers(dto.tiers, account.currency);
    assertNotClosed(account);
    const change = await this.changes.insert(this.db.writer, { escrowAccountId, tiers, proposedBy: admin.id });
    await this.ledger.post(this.db.writer, {
      kind: 'approval_policy_proposed',
      actorPrincipalId: admin.id,
      escrowAccountId,
      refs: { approvalPolicyChangeId: change.id },
      details: { tiers: tiers.map((t) => ({ ...t })) },
    });
    return toPolicyChangeView(change);
  }

  /** By an admin other than the proposer (403 FOUR_EYES); the new tiers apply to requests made afterwards. */
  async approve(changeId: string, admin: Principal): Promise<PolicyChangeView> {
    const unlocked = await this.changes.findOrFail(this.db.writer, changeId);
    if (unlocked.proposed_by === admin.id) throw new FourEyesViolation('an approval policy change must be approved by an admin other than its proposer');
    const account = await this.accounts.lock(this.db.writer, unlocked.escrow_account_id, 'update');
    const change = await this.changes.lock(this.db.writer, changeId);
    assertNotClosed(account);
    if (change.status !== 'pending') throw new InvalidState(`the approval policy change is already ${change.status}`);
    const proposer = (await this.identities.standings(this.db.writer, [change.proposed_by])).get(change.proposed_by);
    if (!proposer?.active) throw new InvalidState("the proposer's key was revoked: this change can no longer be approved");

    await this.accounts.setApprovalPolicy(this.db.writer, account.id, change.tiers, change.id);
    await this.changes.decide(this.db.writer, changeId, { status: 'approved', decidedBy: admin.id });
    await this.ledger.post(this.db.writer, {
      kind: 'approval_policy_approved',
      actorPrincipalId: admin.id,
      escrowAccountId: account.id,
      refs: { approvalPolicyChangeId: changeId, proposedBy: change.proposed_by },
      details: { tiers: change.tiers.map((t) => ({ ...t })), previousTiers: account.approval_tiers.map((t) => ({ ...t })) },
    });
    return this.view(changeId);
  }

  /** Any admin, the proposer included (a withdrawal). */
  async reject(changeId: string, reason: string, admin: Principal): Promise<PolicyChangeView> {
    const unlocked = await this.changes.findOrFail(this.db.writer, changeId);
    await this.accounts.lock(this.db.writer, unlocked.escrow_account_id, 'share');
    const change = await this.changes.lock(this.db.writer, changeId);
    if (change.status !== 'pending') throw new InvalidState(`the approval policy change is already ${change.status}`);
    await this.changes.decide(this.db.writer, changeId, { status: 'rejected', decidedBy: admin.id, reason });
    await this.ledger.post(this.db.writer, {
      kind: 'approval_policy_rejected',
      actorPrincipalId: admin.id,
      escrowAccountId: change.escrow_account_id,
      refs: { approvalPolicyChangeId: changeId },
      details: { reason },
    });
    return this.view(changeId);
  }

  async view(changeId: string): Promise<PolicyChangeView> {
    return toPolicyChangeView(await this.changes.findOrFail(this.db.reader, changeId));
  }
}

function toPolicyChangeView(row: PolicyChangeRow): PolicyChangeView {
  return {
    id: row.id,
    escrowAccountId: row.escrow_account_id,
    tiers: row.tiers,
    status: row.status,
    proposedBy: row.proposed_by,
    decidedBy: row.decided_by,
    reason: row.reason,
    proposedAt: row.created_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
  };
}
