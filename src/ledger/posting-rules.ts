import { Money, MoneyError } from '../common/money/money';
import { Posting } from './ledger-event';

/**
 * The rules a posting must satisfy before it reaches the database (which checks them again):
 * non-zero amounts, each account once, its account's currency, and a zero sum per currency.
 */
export function assertValidPostings(postings: readonly Posting[]): void {
  const seen = new Set<string>();
  const sums = new Map<string, Money>();
  for (const { account, amount } of postings) {
    if (amount.isZero()) throw new MoneyError(`posting to ${account.code} is zero`);
    if (amount.currency !== account.currency) {
      throw new MoneyError(`posting of ${amount.currency} to ${account.code} which holds ${account.currency}`);
    }
    if (seen.has(account.code)) throw new MoneyError(`account ${account.code} appears twice`);
    seen.add(account.code);
    sums.set(amount.currency, (sums.get(amount.currency) ?? Money.zero(amount.currency)).plus(amount));
  }
  for (const [currency, sum] of sums) {
    if (!sum.isZero()) throw new MoneyError(`postings do not balance in ${currency}: off by ${sum.toString()}`);
  }
}
