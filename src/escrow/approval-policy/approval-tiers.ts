import { InvalidInput } from '../../common/errors/common-errors';
import { minorUnits } from '../../common/money/currencies';
import { Decimal, Money } from '../../common/money/money';

/** One tier of an account's approval policy: requests of at least `minAmount` need `approvals` admins. */
export interface ApprovalTier {
  /** A decimal string in the account's currency, as the admin wrote it ("0", "250000.00"). */
  minAmount: string;
  approvals: number;
  /** Whether the approvals must come from admins of distinct organizations. */
  distinctOrganizations: boolean;
}

/** Today's four eyes: one admin other than the requester approves any amount. */
export const DEFAULT_APPROVAL_TIERS: readonly ApprovalTier[] = Object.freeze([
  Object.freeze({ minAmount: '0', approvals: 1, distinctOrganizations: false }),
]);

export const MAX_APPROVALS = 5;
export const MAX_TIERS = 20;

/** The tier a request of `amount` falls in: the one with the largest minAmount not above it. */
export function tierFor(tiers: readonly ApprovalTier[], amount: Money): ApprovalTier {
  let chosen = tiers[0];
  for (const tier of tiers) if (!new Decimal(tier.minAmount).greaterThan(amount.amount)) chosen = tier;
  return chosen;
}

/**
 * The rules a policy must follow beyond its shape (API.md, "Release policy"): minAmount starts
 * at 0 and strictly ascends, within the currency's minor units; approvals never decrease (a
 * larger payment never needs fewer people). A broken rule is a 400 naming the field, e.g.
 * `tiers.2.minAmount`. Returns the tiers with distinctOrganizations made explicit.
 */
export function validatedTiers(
  tiers: readonly { minAmount: string; approvals: number; distinctOrganizations?: boolean }[],
  currency: string,
): ApprovalTier[] {
  let previous: { min: Decimal; approvals: number } | undefined;
  return tiers.map((tier, i) => {
    const field = `tiers.${i}`;
    const min = new Decimal(tier.minAmount);
    const decimals = tier.minAmount.split('.')[1]?.length ?? 0;
    if (decimals > minorUnits(currency)) {
      throw new InvalidInput(`${field}.minAmount`, `has more decimals than ${currency} allows (${minorUnits(currency)})`);
    }
    if (i === 0 && !min.isZero()) throw new InvalidInput(`${field}.minAmount`, 'must be 0: the first tier covers every amount from zero');
    if (previous && !min.greaterThan(previous.min)) {
      throw new InvalidInput(`${field}.minAmount`, `must be greater than the previous tier's (${previous.min.toFixed()}): tiers ascend`);
    }
    if (previous && tier.approvals < previous.approvals) {
      throw new InvalidInput(`${field}.approvals`, `must be at least the previous tier's (${previous.approvals}): a larger amount never needs fewer approvals`);
    }
    previous = { min, approvals: tier.approvals };
    return { minAmount: tier.minAmount, approvals: tier.approvals, distinctOrganizations: tier.distinctOrganizations ?? false };
  });
}
