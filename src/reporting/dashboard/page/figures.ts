import Decimal from 'decimal.js';

/** "1250000.50" → "1,250,000.50", on the string itself: amounts are exact decimals, never floats. */
export function groupDigits(amount: string): string {
  const negative = amount.startsWith('-');
  const [whole, fraction] = (negative ? amount.slice(1) : amount).split('.');
  return `${negative ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction !== undefined ? `.${fraction}` : ''}`;
}

export const integer = (n: number): string => groupDigits(String(n));

/** A bar's width as a percentage of the largest, from the decimal strings (for drawing only). */
export function percentOf(part: string, whole: string): string {
  const max = new Decimal(whole);
  return max.isZero() ? '0' : new Decimal(part).div(max).times(100).toDecimalPlaces(3, Decimal.ROUND_HALF_UP).toFixed();
}

/** An ISO instant as "2026-01-02 03:04:05" (UTC). */
export const utc = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
