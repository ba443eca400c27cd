import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EscrowAccountRow } from '../accounts/account.types';
import { TrancheRow } from '../tranches/tranche.types';
import { ViolationVerified } from './hold-errors';
import { HoldsRepository } from './holds.repository';

/**
 * The questions the release gate and resumption ask of standing holds. Called with the
 * account and tranche already locked, so a hold placed concurrently either committed first and
 * is seen here, or waits for this transaction (ReleaseHoldsService locks the same rows).
 */
@Injectable()
export class HoldChecks {
  constructor(private readonly holds: HoldsRepository) {}

  /** No release request or approval on a tranche that a verified case holds (409 VIOLATION_VERIFIED). */
  async assertTrancheNotHeld(db: EntityManager, account: EscrowAccountRow, tranche: TrancheRow): Promise<void> {
    const hold = await this.holds.standingOverTranche(db, account, tranche);
    if (hold) throw new ViolationVerified(hold.case_id, `no release may be requested or approved in its ${hold.scope} scope until the case is lifted`);
  }

  /** An account stopped by a verified case stays suspended until the case is lifted. */
  async assertAccountNotHeld(db: EntityManager, account: EscrowAccountRow): Promise<void> {
    const hold = await this.holds.standingOverAccount(db, account);
    if (hold) throw new ViolationVerified(hold.case_id, `escrow account ${account.id} cannot be resumed until the case is lifted`);
  }
}
