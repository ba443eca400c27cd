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
