import { Decimal } from '../../common/money/money';

/**
 * Exact decimal arithmetic for verification, on BigInt: `units` × 10^-`scale`. Cheaper than a
 * decimal.js object per amount on a long journal, and exact at any scale (a tampered amount with
 * many digits is compared as exactly as a normal one, never rounded); the values of one account
 * almost always share a scale, so an addition is one BigInt addition.
 */
export interface ExactDecimal {
  readonly units: bigint;
  readonly scale: number;
}

/** How PostgreSQL writes a numeric and Money#toString an amount; anything else is no amount. */
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

export const ZERO: ExactDecimal = { units: 0n, scale: 0 };

/** The value of a plain decimal text ("-12.50"), or undefined for anything else ("NaN", "1e3"). */
export function parseExact(text: unknown): ExactDecimal | undefined {
  if (typeof text !== 'string' || !DECIMAL_TEXT.test(text)) return undefined;
  const dot = text.indexOf('.');
  if (dot === -1) return { units: BigInt(text), scale: 0 };
  return { units: BigInt(text.slice(0, dot) + text.slice(dot + 1)), scale: text.length - dot - 1 };
}

/** 10^n for the few scale differences a journal has (a zero balance meets a cent amount). */
const POWERS = Array.from({ length: 19 }, (_, n) => 10n ** BigInt(n));

function rescaled(value: ExactDecimal, scale: number): bigint {
  const by = scale - value.scale;
  return by === 0 ? value.units : value.units * (POWERS[by] ?? 10n ** BigInt(by));
}

export function plus(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  if (a.scale === b.scale) return { units: a.units + b.units, scale: a.scale };
  const scale = Math.max(a.scale, b.scale);
  return { units: rescaled(a, scale) + rescaled(b, scale), scale };
}

export function equal(a: ExactDecimal, b: ExactDecimal): boolean {
  if (a.scale === b.scale) return a.units === b.units;
  const scale = Math.max(a.scale, b.scale);
  return rescaled(a, scale) === rescaled(b, scale);
}

/** As decimal.js writes the value ("60", "40.5"): for problem texts only, so after a failure. */
export function exactText(value: ExactDecimal): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const point = digits.length - value.scale;
  const plain = value.scale === 0 ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return new Decimal(negative ? `-${plain}` : plain).toString();
}
