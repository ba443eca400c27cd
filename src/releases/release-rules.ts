import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RuleViolation } from '../common/errors/api-errors';
import { unmetReleaseConditions } from '../benchmarks/benchmark-status';
import { BenchmarksRepository } from '../benchmarks/benchmarks.repository';
import { assertNotClosed } from '../escrow/escrow.repository';
import { EscrowAccountRow } from '../escrow/escrow.types';
import { TranchesRepository } from '../tranches/tranches.repository';
import { TrancheRow, TrancheStatus } from '../tranches/tranche.types';

/**
 * The conditions for moving a tranche's money, checked when the release is requested and
 * again, under locks, when it is approved. Checked in API.md's order, so the first broken rule
 * names the code.
 */
@Injectable()
export class ReleaseRules {
  constructor(
    private readonly tranches: TranchesRepository,
    private readonly benchmarks: BenchmarksRepository,
  ) {}

  async assertReleasable(db: EntityManager, account: EscrowAccountRow, tranche: TrancheRow, expectedStatus: TrancheStatus): Promise<void> {
    assertNotClosed(account);
    if (tranche.status !== expectedStatus) {
      throw new RuleViolation('INVALID_STATE', `the tranche is ${tranche.status}, expected ${expectedStatus}`);
    }
    const unmet = unmetReleaseConditions(await this.benchmarks.findByTranches(db, [tranche.id]));
    if (unmet.length > 0) throw new RuleViolation('BENCHMARKS_NOT_MET', `benchmarks not met: ${unmet.join('; ')}`);
    if (account.status === 'suspended') {
      throw new RuleViolation('ACCOUNT_SUSPENDED', `escrow account ${account.id} is suspended; no release may be requested or approved`);
    }
    if (await this.tranches.earlierPhaseUnreleased(db, tranche)) {
      throw new RuleViolation('PHASE_ORDER', `a tranche of a phase before ${tranche.phase} in this account is not yet released or cancelled`);
    }
  }
}
