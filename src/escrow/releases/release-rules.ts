import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InvalidState } from '../../common/errors/common-errors';
import { assertNotClosed } from '../accounts/account-rules';
import { EscrowAccountRow } from '../accounts/account.types';
import { unmetReleaseConditions } from '../benchmarks/benchmark-status';
import { BenchmarkViews } from '../benchmarks/benchmark-views';
import { EscrowRuleViolation } from '../escrow-errors';
import { HoldChecks } from '../holds/hold-checks';
import { TrancheRow, TrancheStatus } from '../tranches/tranche.types';
import { TranchesRepository } from '../tranches/tranches.repository';

/**
 * The conditions for moving a tranche's money, checked when the release is requested and
 * again, under locks, when it is approved. Checked in API.md's order, so the first broken rule
 * names the code.
 */
@Injectable()
export class ReleaseRules {
  constructor(
    private readonly tranches: TranchesRepository,
    private readonly benchmarks: BenchmarkViews,
    private readonly holds: HoldChecks,
  ) {}

  /** No release in the scope of a verified violation case (src/escrow/holds). */
  assertNotHeld(db: EntityManager, account: EscrowAccountRow, tranche: TrancheRow): Promise<void> {
    return this.holds.assertTrancheNotHeld(db, account, tranche);
  }

  async assertReleasable(db: EntityManager, account: EscrowAccountRow, tranche: TrancheRow, expectedStatus: TrancheStatus): Promise<void> {
    // First of all (API.md, "Errors"): a verified violation in scope stops every release.
    await this.assertNotHeld(db, account, tranche);
    assertNotClosed(account);
    if (tranche.status !== expectedStatus) {
      throw new InvalidState(`the tranche is ${tranche.status}, expected ${expectedStatus}`);
    }
    const unmet = unmetReleaseConditions(await this.benchmarks.forTranches(db, [tranche.id]));
    if (unmet.length > 0) throw new EscrowRuleViolation('BENCHMARKS_NOT_MET', `benchmarks not met: ${unmet.join('; ')}`);
    if (account.status === 'suspended') {
      throw new EscrowRuleViolation('ACCOUNT_SUSPENDED', `escrow account ${account.id} is suspended; no release may be requested or approved`);
    }
    if (await this.tranches.earlierPhaseUnreleased(db, tranche)) {
      throw new EscrowRuleViolation('PHASE_ORDER', `a tranche of a phase before ${tranche.phase} in this account is not yet released or cancelled`);
    }
  }
}
