import { CURRENCY_MINOR_UNITS, isCurrency, minorUnits } from '../../src/common/money/currencies';
import { AMOUNT_PATTERN, formatAmount, Money, MoneyError } from '../../src/common/money/money';

describe('Money', () => {
  describe('ISO 4217 minor units', () => {
    it.each([
      ['USD', 2], ['EUR', 2], ['GBP', 2], ['JPY', 0], ['CHF', 2], ['KWD', 3],
      ['JOD', 3], ['ILS', 2], ['EGP', 2], ['QAR', 2], ['SAR', 2], ['AED', 2],
    ])('%s has %i', (currency, digits) => {
      expect(minorUnits(currency)).toBe(digits);
    });

    it('knows only upper-case ISO codes', () => {
      expect(isCurrency('usd')).toBe(false);
      expect(isCurrency('XYZ')).toBe(false);
      expect(isCurrency('toString')).toBe(false);
      expect(isCurrency(840)).toBe(false);
      expect(() => minorUnits('XYZ')).toThrow(RangeError);
      expect(Object.isFrozen(CURRENCY_MINOR_UNITS)).toBe(true);
    });
  });

  describe('parsePositive', () => {
    it.each([
      ['1e5', 'USD', 'exponent'],
      [' 10', 'USD', 'leading space'],
      ['10 ', 'USD', 'trailing space'],
      ['-1', 'USD', 'sign'],
      ['+1', 'USD', 'plus sign'],
      ['0', 'USD', 'zero'],
      ['0.00', 'USD', 'zero with decimals'],
      ['1.234', 'USD', 'more decimals than USD has'],
      ['1.2', 'JPY', 'decimals in a currency without minor units'],
      ['1234567890123456', 'USD', '16 integer digits'],
      ['01', 'USD', 'leading zero'],
      ['00.50', 'USD', 'leading zeros'],
      ['1.', 'USD', 'dangling point'],
      ['.5', 'USD', 'no integer part'],
      ['1,50', 'USD', 'decimal comma'],
      ['', 'USD', 'empty'],
      ['NaN', 'USD', 'NaN'],
      ['Infinity', 'USD', 'Infinity'],
      ['0x10', 'USD', 'hex'],
      ['١٠', 'USD', 'non-ASCII digits'],
      ['1.0001', 'KWD', 'four decimals in KWD'],
    ])('rejects %j in %s (%s)', (text, currency) => {
      expect(() => Money.parsePositive(text, currency)).toThrow(MoneyError);
    });

    it('rejects values that are not strings', () => {
      expect(() => Money.parsePositive(10 as unknown as string, 'USD')).toThrow(MoneyError);
      expect(() => Money.parsePositive(null as unknown as string, 'USD')).toThrow(MoneyError);
    });

    it.each([
      ['1', 'USD', '1.00'],
      ['0.01', 'USD', '0.01'],
      ['1250000.5', 'USD', '1250000.50'],
      ['999999999999999.99', 'USD', '999999999999999.99'],
      ['1.234', 'KWD', '1.234'],
      ['0.001', 'JOD', '0.001'],
      ['1500', 'JPY', '1500'],
      ['10.10', 'CHF', '10.10'],
    ])('accepts %j in %s as %s', (text, currency, formatted) => {
      const money = Money.parsePositive(text, currency);
      expect(money.toString()).toBe(formatted);
      expect(money.currency).toBe(currency);
    });

    it('refuses an unknown currency', () => {
      expect(() => Money.parsePositive('1', 'XYZ')).toThrow(RangeError);
    });

    it('keeps full precision for 15 integer digits with minor units (no float rounding)', () => {
      const money = Money.parsePositive('999999999999999.99', 'USD');
      expect(money.plus(Money.parsePositive('0.01', 'USD')).toString()).toBe('1000000000000000.00');
      expect(Number('999999999999999.99').toFixed(2)).not.toBe('999999999999999.99'); // why decimal.js
    });
  });

  it('AMOUNT_PATTERN is the same rule the DTO decorator uses', () => {
    expect(AMOUNT_PATTERN.test('123456789012345')).toBe(true);
    expect(AMOUNT_PATTERN.test('1234567890123456')).toBe(false);
    expect(AMOUNT_PATTERN.test('0.5')).toBe(true);
  });

  describe('arithmetic', () => {
    const usd = (s: string) => Money.of(s, 'USD');

    it('adds and subtracts exactly', () => {
      expect(usd('0.1').plus(usd('0.2')).toString()).toBe('0.30');
      expect(usd('0.3').minus(usd('0.1')).equals(usd('0.2'))).toBe(true);
      expect(usd('1').minus(usd('1')).isZero()).toBe(true);
    });

    it('refuses to mix currencies', () => {
      expect(() => usd('1').plus(Money.of('1', 'EUR'))).toThrow(MoneyError);
      expect(() => usd('1').minus(Money.of('1', 'EUR'))).toThrow(MoneyError);
      expect(() => usd('1').greaterThan(Money.of('1', 'EUR'))).toThrow(MoneyError);
      expect(usd('1').equals(Money.of('1', 'EUR'))).toBe(false);
    });

    it('knows its sign', () => {
      expect(usd('-0.01').isNegative()).toBe(true);
      expect(usd('-0.01').isPositive()).toBe(false);
      expect(usd('0').isNegative()).toBe(false);
      expect(usd('0').negated().isNegative()).toBe(false);
      expect(usd('5').negated().toString()).toBe('-5.00');
      expect(usd('2').greaterThan(usd('1.99'))).toBe(true);
    });

    it('is immutable', () => {
      const a = usd('1');
      a.plus(usd('2'));
      a.negated();
      expect(a.toString()).toBe('1.00');
    });
  });

  describe('formatting', () => {
    it('always shows exactly the minor-unit digits', () => {
      expect(Money.of('1250000.5', 'USD').toString()).toBe('1250000.50');
      expect(Money.of('300', 'JPY').toString()).toBe('300');
      expect(Money.of('1.25', 'KWD').toString()).toBe('1.250');
      expect(Money.zero('EUR').toString()).toBe('0.00');
      expect(formatAmount('7', 'JOD')).toBe('7.000');
    });

    it('serializes to a JSON string, never a number', () => {
      expect(JSON.stringify({ amount: Money.of('12.3', 'GBP') })).toBe('{"amount":"12.30"}');
    });

    it('never uses exponent notation', () => {
      expect(Money.of('1e-7', 'USD').toString()).toBe('0.00');
      expect(Money.of('123456789012345678901', 'JPY').toString()).toBe('123456789012345678901');
    });
  });
});
