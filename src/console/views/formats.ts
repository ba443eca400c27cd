import type { FastifyRequest } from 'fastify';
import { minorUnits } from '../../common/money/currencies';

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Intl.NumberFormat formats a decimal string exactly (ECMA-402 NumberFormat v3); the lib types predate it. */
type DecimalFormat = (value: string) => string;

/** The first language of Accept-Language that Intl knows, else English. */
export function negotiateLocale(request: FastifyRequest): string {
  const header = request.headers['accept-language'];
  const tags = (typeof header === 'string' ? header : '')
    .split(',')
    .map((part) => part.split(';')[0].trim())
    .filter((tag) => /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag));
  for (const tag of tags) {
    try {
      if (Intl.NumberFormat.supportedLocalesOf(tag).length > 0) return Intl.getCanonicalLocales(tag)[0];
    } catch {
      // not a well-formed tag after all
    }
  }
  return 'en';
}

/**
 * Figures and times as a person reads them: amounts are decimal strings formatted by the
 * locale's rules without ever becoming a floating-point number; times are UTC with the zone
 * shown, whatever the reader's own zone.
 */
export class Formats {
  private readonly moneyFormats = new Map<number, DecimalFormat>();
  private readonly timeFormat: Intl.DateTimeFormat;
  private readonly integerFormat: Intl.NumberFormat;

  constructor(readonly locale: string) {
    this.timeFormat = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' });
    this.integerFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  }

  /** "1,250,000.50 USD" (en), "1.250.000,50 USD" (de): the currency's minor-unit digits, exactly. */
  money(amount: string, currency: string): string {
    return `${this.decimal(amount, minorUnits(currency))} ${currency}`;
  }

  decimal(amount: string, digits: number): string {
    if (!DECIMAL.test(amount)) throw new Error(`not a decimal string: ${amount}`);
    let format = this.moneyFormats.get(digits);
    if (!format) {
      const intl = new Intl.NumberFormat(this.locale, { minimumFractionDigits: digits, maximumFractionDigits: digits, roundingMode: 'trunc' } as Intl.NumberFormatOptions);
      format = intl.format.bind(intl) as unknown as DecimalFormat;
      this.moneyFormats.set(digits, format);
    }
    return format(amount);
  }

  count(value: number | string): string {
    return (this.integerFormat.format as unknown as DecimalFormat)(String(value));
  }

  /** "14 Mar 2027, 09:30 UTC". */
  time(at: string | Date): string {
    return `${this.timeFormat.format(typeof at === 'string' ? new Date(at) : at)} UTC`;
  }
}
