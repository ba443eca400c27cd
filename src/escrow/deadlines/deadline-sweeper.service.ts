import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '../../common/periodic-task';
import { AppConfig } from '../../config/app-config';
import { tryLockedTransaction } from '../../database/advisory-lock';
import { Database } from '../../database/database';
import { LedgerAccounts } from '../../ledger/ledger-accounts';
import { transfer } from '../../ledger/ledger-event';
import { LedgerService } from '../../ledger/ledger.service';
import { AccountsRepository } from '../accounts/accounts.repository';
import { DonorTotalsRepository } from '../accounts/donor-totals.repository';
import { ReleasesRepository } from '../releases/releases.repository';
import { trancheAmounts } from '../tranches/tranche-amounts';
import { OPEN_TRANCHE_STATUSES } from '../tranches/tranche.types';
import { TranchesRepository } from '../tranches/tranches.repository';

/** Advisory-lock key electing the one sweeper among all instances (`grep -rn 7_404_ src`). */
export const DEADLINE_SWEEP_LOCK = 7_404_020;
const BATCH = 100;

/**
 * Tranches past their releaseBy: the remainder goes back to the donor's unallocated funds
 * (journal `tranche_expired`), a pending request is rejected, and the status becomes `expired`.
 *
 * The sweeper only tidies up: whether a release may still happen is decided by the database's
 * clock inside each release's own transaction (ReleaseRules), so an approval never depends on
 * when this runs. Each tranche expires in a transaction of its own holding the election lock
 * (one instance sweeps; another that finds the lock taken skips its run), with the same lock
 * order as every release (account share → tranche update → request), and re-checks deadline
 * and status under those locks: a release that committed first is kept, and only what remains
 * after it goes back.
 */
@Injectable()
export class DeadlineSweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadlineSweeperService.name);
  private readonly background: PeriodicTask;

  constructor(
    private readonly database: Database,
    private readonly tranches: TranchesRepository,
    private readonly accounts: AccountsRepository,
    private readonly releases: ReleasesRepository,
    private readonly totals: DonorTotalsRepository,
    private readonly ledger: LedgerService,
    config: AppConfig,
  ) {
    this.background = new PeriodicTask({ name: 'deadline sweep', everyMs: config.DEADLINE_SWEEP_INTERVAL_MS, logger: this.logger, run: () => this.sweep() });
  }

  onApplicationBootstrap(): void {
    this.background.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.background.stop();
  }

  /** Expires every open tranche past its deadline now; returns how many this instance expired. */
  async sweep(): Promise<number> {
    let expired = 0;
    for (;;) {
      const due = await this.tranches.pastDeadlineIds(this.database.reader, BATCH);
      for (const id of due) {
        const outcome = await tryLockedTransaction(this.database, DEADLINE_SWEEP_LOCK, () => this.expire(id));
        if (outcome === undefined) return expired; // another instance is sweeping
        if (outcome) expired++;
      }
      if (due.length < BATCH) return expired;
    }
  }

  /** One tranche, in the caller's transaction; false when it is no longer due (released, cancelled, or not yet due). */
  private async expire(trancheId: string): Promise<boolean> {
    const db = this.database.writer;
    const unlocked = await this.tranches.findOrFail(db, trancheId);
    await this.accounts.lock(db, unlocked.escrow_account_id, 'share');
    const tranche = await this.tranches.lock(db, trancheId, 'update');
    if (!OPEN_TRANCHE_STATUSES.includes(tranche.status) || !(await this.tranches.pastDeadline(db, tranche))) return false;
    const pending = await this.releases.lockPendingOf(db, trancheId);
    const { remaining, released } = trancheAmounts(tranche, false);
    const posted = await this.ledger.post(db, {
      kind: 'tranche_expired',
      actorPrincipalId: null,
      escrowAccountId: tranche.escrow_account_id,
      refs: { trancheId, ...(pending ? { releaseRequestId: pending.id } : {}) },
      details: { releaseBy: tranche.release_by!.toISOString(), releasedAmount: released.toString(), returnedAmount: remaining.toString() },
      postings: transfer(
        LedgerAccounts.tranche(tranche.escrow_account_id, trancheId, tranche.currency),
        LedgerAccounts.escrowUnallocated(tranche.escrow_account_id, tranche.donor_organization_id, tranche.currency),
        remaining,
      ),
    });
    if (pending) {
      await this.releases.decide(db, pending.id, { status: 'rejected', decidedBy: null, reason: 'the tranche expired (releaseBy passed)', journalTransactionId: posted.id });
    }
    await this.tranches.returnRemainder(db, trancheId, 'expired');
    await this.totals.change(db, tranche.escrow_account_id, tranche.donor_organization_id, { allocated: remaining.negated() });
    return true;
  }
}
