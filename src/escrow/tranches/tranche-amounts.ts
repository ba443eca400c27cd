import { minorUnits } from '../../common/money/currencies';
import { Decimal, Money } from '../../common/money/money';
import { TrancheRow } from './tranche.types';

/**
 * A tranche's money at a glance. amount = released + returned + remaining, always (a CHECK
 * backs it). The retained share (retention_amount) may leave only once a final_audit benchmark
 * is met; until then it is what is retained of the remaining amount.
 */
export interface TrancheAmounts {
  amount: Money;
  released: Money;
  returned: Money;
  remaining: Money;
  /** Held back now: min(retention share, remaining) while the final audit is unmet, else zero. */
  retained: Money;
  /** What may be released now: remaining - retained. */
  releasable: Money;
}

export function trancheAmounts(row: TrancheRow, finalAuditMet: boolean): TrancheAmounts {
  const money = (value: string) => Money.of(value, row.currency);
  const amount = money(row.amount);
  const released = money(row.released_amount);
  const returned = money(row.returned_amount);
  const remaining = amount.minus(released).minus(returned);
  const share = money(row.retention_amount);
  const retained = finalAuditMet ? Money.zero(row.currency) : share.greaterThan(remaining) ? remaining : share;
  return { amount, released, returned, remaining, retained, releasable: remaining.minus(retained) };
}

/**
 * The retained share of a new tranche: `percent` of its amount, rounded up to the currency's
 * minor unit (the share held back is never less than the percentage asked for).
 */
export function retentionShare(amount: Money, percent: number): Money {
  const exact = amount.amount.times(percent).dividedBy(100);
  return Money.of(exact.toDecimalPlaces(minorUnits(amount.currency), Decimal.ROUND_UP), amount.currency);
}
