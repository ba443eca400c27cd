import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database';
import { LedgerService } from '../../ledger/ledger.service';
import { AccountsRepository } from '../accounts/accounts.repository';
import { ReleasesRepository } from '../releases/releases.repository';
import { TranchesRepository } from '../tranches/tranches.repository';
import { EscrowScope, scopeIds } from './escrow-scope';
import { HoldsRepository } from './holds.repository';

export interface PlacedHold {
  holdId: string;
  /** Accounts this hold suspended (those already suspended or closed stay as they were). */
  suspendedAccounts: string[];
  rejectedReleaseRequests: string[];
  /** Unreleased tranches whose sign-offs so far stopped counting. */
  snappedBackTranches: string[];
}

/**
 * How oversight stops money without escrow knowing of cases: a hold per verified case over a
 * scope, placed and lifted in the caller's transaction (a case finding's). Placing one, in that
 * same transaction: suspends the accounts of an account or country scope, rejects the scope's
 * pending release requests, voids the sign-offs given so far on its unreleased tranches
 * (snap-back), and blocks new requests and approvals there (HoldChecks, the first rule of the
 * release gate). Locks follow the releases' order, account → tranche → request, so a racing
 * approval either committed before, or waits and is refused.
 */
@Injectable()
export class ReleaseHoldsService {
  constructor(
    private readonly db: Database,
    private readonly holds: HoldsRepository,
    private readonly accounts: AccountsRepository,
    private readonly tranches: TranchesRepository,
    private readonly releases: ReleasesRepository,
    private readonly ledger: LedgerService,
  ) {}

  async place(caseId: string, scope: EscrowScope, actorPrincipalId: string, reason: string): Promise<PlacedHold> {
    const db = this.db.writer;
    const accounts = await this.holds.lockAccountsOf(db, scope);
    const holdId = await this.holds.insert(db, { caseId, scope, placedBy: actorPrincipalId });
    const suspendedAccounts: string[] = [];
    for (const account of accounts.filter((a) => a.status === 'active')) {
      await this.accounts.setStatus(db, account.id, 'suspended');
      await this.ledger.post(db, {
        kind: 'escrow_suspended',
        actorPrincipalId,
        escrowAccountId: account.id,
        refs: { caseId, holdId },
        details: { reason, basis: 'verified_violation' },
      });
      suspendedAccounts.push(account.id);
    }

    const open = await this.holds.lockOpenTranchesOf(db, scope);
    const rejectedReleaseRequests: string[] = [];
    for (const pending of await this.holds.pendingRequestsOf(db, open.map((t) => t.id))) {
      const tranche = open.find((t) => t.id === pending.tranche_id)!;
      await this.releases.lock(db, pending.id);
      await this.tranches.setStatus(db, tranche.id, 'allocated');
      const posted = await this.ledger.post(db, {
        kind: 'release_rejected',
        actorPrincipalId,
        escrowAccountId: tranche.escrow_account_id,
        refs: { trancheId: tranche.id, releaseRequestId: pending.id, caseId },
        details: { reason: `violation case ${caseId} verified: ${reason}` },
      });
      await this.releases.decide(db, pending.id, { status: 'rejected', decidedBy: actorPrincipalId, reason: `violation case ${caseId} verified`, journalTransactionId: posted.id });
      rejectedReleaseRequests.push(pending.id);
    }

    const snappedBackTranches = open.map((t) => t.id);
    await this.holds.voidSignoffsSoFar(db, snappedBackTranches, caseId);
    await this.ledger.post(db, {
      kind: 'release_hold_placed',
      actorPrincipalId,
      escrowAccountId: scope.scope === 'escrow_account' ? scope.escrowAccountId : undefined,
      refs: { caseId, holdId, ...scopeIds(scope) },
      details: { scope: scope.scope, reason, suspendedAccounts, rejectedReleaseRequests, snappedBackTranches },
    });
    return { holdId, suspendedAccounts, rejectedReleaseRequests, snappedBackTranches };
  }

  /**
   * The case was lifted: releases in scope may go ahead again, once benchmarks have fresh
   * sign-offs (the snap-back stays) and, for a suspended account, once an admin resumes it.
   */
  async lift(caseId: string, actorPrincipalId: string): Promise<string | undefined> {
    const holdId = await this.holds.lift(this.db.writer, caseId, actorPrincipalId);
    if (holdId) {
      await this.ledger.post(this.db.writer, { kind: 'release_hold_lifted', actorPrincipalId, refs: { caseId, holdId } });
    }
    return holdId;
  }
}
