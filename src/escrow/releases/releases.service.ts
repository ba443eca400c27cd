import { Injectable } from '@nestjs/common';
import { AuthService } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { Forbidden, FourEyesViolation, InvalidState } from '../../common/errors/common-errors';
import { Money } from '../../common/money/money';
import { Database } from '../../database/database';
import { LedgerAccounts } from '../../ledger/ledger-accounts';
import { transfer } from '../../ledger/ledger-event';
import { LedgerService } from '../../ledger/ledger.service';
import { EscrowAccountRow } from '../accounts/account.types';
import { AccountsRepository } from '../accounts/accounts.repository';
import { TrancheRow } from '../tranches/tranche.types';
import { TranchesRepository } from '../tranches/tranches.repository';
import { ReleaseRules } from './release-rules';
import { ReleaseRequestView, toReleaseRequestView } from './release-view';
import { ReleasesRepository, ReleaseStatus } from './releases.repository';

/**
 * Maker–checker releases. Locks are always taken account → tranche → request, so every path
 * that touches the same rows queues in the same order (no deadlocks), and approval re-checks
 * every rule while holding them.
 */
@Injectable()
export class ReleasesService {
  constructor(
    private readonly db: Database,
    private readonly releases: ReleasesRepository,
    private readonly tranches: TranchesRepository,
    private readonly escrowAccounts: AccountsRepository,
    private readonly rules: ReleaseRules,
    private readonly ledger: LedgerService,
    private readonly identities: AuthService,
  ) {}

  async request(trancheId: string, admin: Principal): Promise<ReleaseRequestView> {
    const { account, tranche } = await this.lockTranche(trancheId);
    await this.rules.assertReleasable(this.db.writer, account, tranche, 'allocated');
    const request = await this.releases.insert(this.db.writer, trancheId, admin.id);
    await this.tranches.setStatus(this.db.writer, trancheId, 'release_pending');
    await this.ledger.post(this.db.writer, {
      kind: 'release_requested',
      actorPrincipalId: admin.id,
      escrowAccountId: account.id,
      refs: { trancheId, releaseRequestId: request.id },
      details: { amount: tranche.amount, currency: tranche.currency },
    });
    return toReleaseRequestView(request);
  }

  /** The checker: another admin. Exactly one of any number of racing approvals wins. */
  async approve(requestId: string, admin: Principal): Promise<ReleaseRequestView> {
    const unlocked = await this.releases.findOrFail(this.db.writer, requestId);
    if (unlocked.requested_by === admin.id) throw new FourEyesViolation('the release must be approved by an admin other than the requester');
    const { account, tranche } = await this.lockTranche(unlocked.tranche_id);
    const request = await this.releases.lock(this.db.writer, requestId);
    if (request.status !== 'pending') throw new InvalidState(`the release request is already ${request.status}`);
    await this.assertEligibleApprover(admin, tranche, request.requested_by);
    await this.rules.assertReleasable(this.db.writer, account, tranche, 'release_pending');

    const posted = await this.ledger.post(this.db.writer, {
      kind: 'release_approved',
      actorPrincipalId: admin.id,
      escrowAccountId: account.id,
      refs: { trancheId: tranche.id, releaseRequestId: requestId, recipientOrganizationId: tranche.recipient_organization_id, requestedBy: request.requested_by },
      postings: transfer(
        LedgerAccounts.tranche(account.id, tranche.id, tranche.currency),
        LedgerAccounts.recipient(tranche.recipient_organization_id, tranche.currency),
        Money.of(tranche.amount, tranche.currency),
      ),
    });
    await this.tranches.setStatus(this.db.writer, tranche.id, 'released');
    const decided = await this.releases.decide(this.db.writer, requestId, { status: 'approved', decidedBy: admin.id, journalTransactionId: posted.id });
    return toReleaseRequestView(decided);
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
    return toReleaseRequestView(
      await this.releases.decide(this.db.writer, requestId, { status: 'rejected', decidedBy: admin.id, reason, journalTransactionId: posted.id }),
    );
  }

  /**
   * The checker counts as a second person only as an admin of an admin organization that is
   * neither the tranche's donor nor its recipient; and a request whose maker has since been
   * revoked moves nothing (a revoked key does nothing, its pending requests included).
   */
  private async assertEligibleApprover(admin: Principal, tranche: TrancheRow, requestedBy: string): Promise<void> {
    if (admin.organizationType !== 'admin') throw new Forbidden('release approvals count only from admins of an admin organization');
    if (admin.organizationId === tranche.donor_organization_id || admin.organizationId === tranche.recipient_organization_id) {
      throw new Forbidden("an admin of the tranche's donor or recipient organization cannot approve its release");
    }
    const requester = (await this.identities.standings(this.db.writer, [requestedBy])).get(requestedBy);
    if (!requester?.active) throw new InvalidState("the requester's key was revoked: this request can no longer be approved");
  }

  async get(id: string): Promise<ReleaseRequestView> {
    return toReleaseRequestView(await this.releases.findOrFail(this.db.reader, id));
  }

  /** Release requests by status and/or tranche, newest first. */
  async list(filter: { status?: ReleaseStatus; trancheIds?: readonly string[]; limit?: number } = {}): Promise<ReleaseRequestView[]> {
    return (await this.releases.list(this.db.reader, filter)).map(toReleaseRequestView);
  }

  private async lockTranche(trancheId: string): Promise<{ account: EscrowAccountRow; tranche: TrancheRow }> {
    const unlocked = await this.tranches.findOrFail(this.db.writer, trancheId);
    const account = await this.escrowAccounts.lock(this.db.writer, unlocked.escrow_account_id, 'share');
    const tranche = await this.tranches.lock(this.db.writer, trancheId, 'update');
    return { account, tranche };
  }
}
