/**
 * ISO 4217 active codes with their minor units (digits after the decimal point).
 * Currencies without a minor unit (JPY, KRW…) take none; the dinars take three.
 */
export const CURRENCY_MINOR_UNITS: Readonly<Record<string, number>> = Object.freeze({
  AED: 2, AFN: 2, ALL: 2, AMD: 2, AOA: 2, ARS: 2, AUD: 2, AZN: 2, BAM: 2, BDT: 2, BGN: 2,
  BHD: 3, BIF: 0, BOB: 2, BRL: 2, BWP: 2, BYN: 2, CAD: 2, CDF: 2, CHF: 2, CLP: 0, CNY: 2,
  COP: 2, CZK: 2, DJF: 0, DKK: 2, DZD: 2, EGP: 2, ERN: 2, ETB: 2, EUR: 2, GBP: 2, GEL: 2,
  GHS: 2, GNF: 0, HKD: 2, HTG: 2, HUF: 2, IDR: 2, ILS: 2, INR: 2, IQD: 3, IRR: 2, ISK: 0,
  JOD: 3, JPY: 0, KES: 2, KGS: 2, KHR: 2, KMF: 0, KRW: 0, KWD: 3, KZT: 2, LBP: 2, LKR: 2,
  LYD: 3, MAD: 2, MDL: 2, MGA: 2, MMK: 2, MXN: 2, MYR: 2, MZN: 2, NGN: 2, NOK: 2, NPR: 2,
  NZD: 2, OMR: 3, PHP: 2, PKR: 2, PLN: 2, PYG: 0, QAR: 2, RON: 2, RSD: 2, RUB: 2, RWF: 0,
  SAR: 2, SDG: 2, SEK: 2, SGD: 2, SOS: 2, SSP: 2, SYP: 2, THB: 2, TND: 3, TRY: 2, TZS: 2,
  UAH: 2, UGX: 0, USD: 2, UYU: 2, UZS: 2, VND: 0, XAF: 0, XOF: 0, YER: 2, ZAR: 2, ZMW: 2,
});

export const CURRENCY_CODES = Object.freeze(Object.keys(CURRENCY_MINOR_UNITS));

export function isCurrency(code: unknown): code is string {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(CURRENCY_MINOR_UNITS, code);
}

export function minorUnits(currency: string): number {
  if (!isCurrency(currency)) throw new RangeError(`unknown currency ${currency}`);
  return CURRENCY_MINOR_UNITS[currency];
}
