import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InvalidState } from '../../common/errors/common-errors';
import { Money } from '../../common/money/money';
import { assertNotClosed } from '../accounts/account-rules';
import { EscrowAccountRow } from '../accounts/account.types';
import { finalAuditMet, unmetReleaseConditions } from '../benchmarks/benchmark-status';
import { BenchmarkViews } from '../benchmarks/benchmark-views';
import { EscrowRuleViolation } from '../escrow-errors';
import { HoldChecks } from '../holds/hold-checks';
import { TrancheAmounts, trancheAmounts } from '../tranches/tranche-amounts';
import { OPEN_TRANCHE_STATUSES, TrancheRow } from '../tranches/tranche.types';
import { TranchesRepository } from '../tranches/tranches.repository';
import { ReleaseRequestRow } from './releases.repository';

/** What is about to be released: a new request's instalment, or a pending request's on approval. */
export interface ReleaseCheck {
  account: EscrowAccountRow;
  tranche: TrancheRow;
  /** The instalment asked for; undefined: what may be released now (a new request's default). */
  amount?: Money;
  /** On approval: the request approved, which must still be pending. */
  request?: ReleaseRequestRow;
}

export interface ReleaseDecision {
  /** The instalment, now known: the one asked for, or the default. */
  amount: Money;
  figures: TrancheAmounts;
}

/**
 * The one gate for moving a tranche's money, passed when a release is requested and at every
 * approval, under the account's share lock and the tranche's update lock. Rules run in API.md's
 * order of precedence, so the first broken one names the code:
 *   (VIOLATION_VERIFIED), TRANCHE_EXPIRED, [a decided request: INVALID_STATE], ACCOUNT_CLOSED,
 *   ACCOUNT_SUSPENDED, INVALID_STATE, PHASE_ORDER, BENCHMARKS_NOT_MET, INSUFFICIENT_FUNDS,
 *   RETENTION_HELD.
 * An approval of a request that was already decided answers INVALID_STATE (API.md, approve)
 * before the account's state, as it always did; a stop that decided it (an expiry) still answers
 * its own code first.
 */
@Injectable()
export class ReleaseRules {
  constructor(
    private readonly tranches: TranchesRepository,
    private readonly benchmarks: BenchmarkViews,
    private readonly holds: HoldChecks,
  ) {}

  async assertReleasable(db: EntityManager, check: ReleaseCheck): Promise<ReleaseDecision> {
    const { account, tranche, request } = check;
    // A verified violation in scope goes first (src/escrow/holds): before the request's own state,
    // which the verification itself decided by rejecting the pending requests it holds.
    await this.holds.assertTrancheNotHeld(db, account, tranche);
    if (await this.expired(db, tranche)) {
      throw new EscrowRuleViolation('TRANCHE_EXPIRED', `the tranche's deadline (releaseBy ${tranche.release_by?.toISOString()}) has passed: nothing more of it is released`);
    }
    if (request && request.status !== 'pending') throw new InvalidState(`the release request is already ${request.status}`);
    assertNotClosed(account);
    if (account.status === 'suspended') {
      throw new EscrowRuleViolation('ACCOUNT_SUSPENDED', `escrow account ${account.id} is suspended; no release may be requested or approved`);
    }
    const expectedStatus = request ? 'release_pending' : 'allocated';
    if (tranche.status !== expectedStatus) throw new InvalidState(`the tranche is ${tranche.status}, expected ${expectedStatus}`);
    if (await this.tranches.earlierPhaseUnreleased(db, tranche)) {
      throw new EscrowRuleViolation('PHASE_ORDER', `a tranche of a phase before ${tranche.phase} in this account has part of its unretained share unreleased`);
    }
    const benchmarks = await this.benchmarks.forTranches(db, [tranche.id]);
    const unmet = unmetReleaseConditions(benchmarks);
    if (unmet.length > 0) throw new EscrowRuleViolation('BENCHMARKS_NOT_MET', `benchmarks not met: ${unmet.join('; ')}`);

    const figures = trancheAmounts(tranche, finalAuditMet(benchmarks));
    const amount = check.amount ?? figures.releasable;
    if (amount.greaterThan(figures.remaining)) {
      throw new EscrowRuleViolation('INSUFFICIENT_FUNDS', `the tranche has ${figures.remaining.toString()} ${tranche.currency} remaining, less than ${amount.toString()}`);
    }
    if (amount.greaterThan(figures.releasable) || !amount.isPositive()) {
      throw new EscrowRuleViolation(
        'RETENTION_HELD',
        `${figures.retained.toString()} ${tranche.currency} of the tranche is retained until a final_audit benchmark is met; ${figures.releasable.toString()} may be released now`,
      );
    }
    return { amount, figures };
  }

  /** Expired, or open past its deadline by the database's clock at this moment, under the tranche's lock. */
  private async expired(db: EntityManager, tranche: TrancheRow): Promise<boolean> {
    if (tranche.status === 'expired') return true;
    return OPEN_TRANCHE_STATUSES.includes(tranche.status) && (await this.tranches.pastDeadline(db, tranche));
  }
}
