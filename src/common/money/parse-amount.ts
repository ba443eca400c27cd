import { InvalidInput } from '../errors/common-errors';
import { Money, MoneyError } from './money';

/** Parses a client's amount in a known currency; a bad one is a 400 naming the field. */
export function parseAmount(text: string, currency: string, field = 'amount'): Money {
  try {
    return Money.parsePositive(text, currency);
  } catch (error) {
    if (error instanceof MoneyError) throw new InvalidInput(field, error.message);
    throw error;
  }
}

/** The amount, or undefined where parseAmount would refuse it. */
export function tryParseAmount(text: string, currency: string): Money | undefined {
  try {
    return Money.parsePositive(text, currency);
  } catch (error) {
    if (error instanceof MoneyError) return undefined;
    throw error;
  }
}
