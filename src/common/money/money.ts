import DecimalJs from 'decimal.js';
import { minorUnits } from './currencies';

/**
 * decimal.js with 60 significant digits: the only Decimal this codebase computes money with.
 * (decimal.js's default keeps 20, too few for sums of 15-integer-digit amounts in KWD.)
 */
export const Decimal = DecimalJs.clone({ precision: 60, rounding: DecimalJs.ROUND_HALF_EVEN });
export type Decimal = DecimalJs;

/** A plain decimal string: no sign, exponent, spaces or leading zeros; at most 15 integer digits. */
export const AMOUNT_PATTERN = /^(0|[1-9]\d{0,14})(\.\d{1,})?$/;

export class MoneyError extends Error {}

/** An amount of one currency. Immutable; arithmetic refuses to mix currencies. */
export class Money {
  private constructor(
    readonly amount: Decimal,
    readonly currency: string,
  ) {}

  /** Parses a client-supplied amount: a positive decimal string within the currency's minor units. */
  static parsePositive(text: string, currency: string): Money {
    if (typeof text !== 'string' || !AMOUNT_PATTERN.test(text)) {
      throw new MoneyError('must be a decimal string such as "1250.50" with at most 15 integer digits');
    }
    const digits = minorUnits(currency);
    const fraction = text.split('.')[1] ?? '';
    if (fraction.length > digits) {
      throw new MoneyError(`has more decimals than ${currency} allows (${digits})`);
    }
    const money = new Money(new Decimal(text), currency);
    if (!money.isPositive()) throw new MoneyError('must be greater than zero');
    return money;
  }

  /** Wraps a trusted value (a database numeric, a sum) without range checks. */
  static of(value: DecimalJs.Value, currency: string): Money {
    minorUnits(currency);
    return new Money(new Decimal(value), currency);
  }

  static zero(currency: string): Money {
    return Money.of(0, currency);
  }

  plus(other: Money): Money {
    this.assertSameCurrency(other);
    return new Money(this.amount.plus(other.amount), this.currency);
  }

  minus(other: Money): Money {
    this.assertSameCurrency(other);
    return new Money(this.amount.minus(other.amount), this.currency);
  }

  negated(): Money {
    return new Money(this.amount.negated(), this.currency);
  }

  isPositive(): boolean {
    return this.amount.greaterThan(0);
  }

  isNegative(): boolean {
    return this.amount.isNegative() && !this.amount.isZero();
  }

  isZero(): boolean {
    return this.amount.isZero();
  }

  greaterThan(other: Money): boolean {
    this.assertSameCurrency(other);
    return this.amount.greaterThan(other.amount);
  }

  equals(other: Money): boolean {
    return this.currency === other.currency && this.amount.equals(other.amount);
  }

  /** The amount with exactly the currency's minor-unit digits, e.g. "1250.50", "300", "1.250". */
  toString(): string {
    return this.amount.toFixed(minorUnits(this.currency));
  }

  toJSON(): string {
    return this.toString();
  }

  private assertSameCurrency(other: Money): void {
    if (other.currency !== this.currency) {
      throw new MoneyError(`cannot combine ${this.currency} with ${other.currency}`);
    }
  }
}

/** Formats a database numeric as the currency's canonical decimal string. */
export function formatAmount(value: DecimalJs.Value, currency: string): string {
  return Money.of(value, currency).toString();
}
