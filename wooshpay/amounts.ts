import { IDR_EXPONENT } from './assumptions.js';

// Minor-unit exponents of the currencies we process (IDR) and settle in (USD). An unknown
// currency throws rather than guessing, because a wrong exponent moves money by a factor of 100.
const EXPONENTS: Readonly<Record<string, number>> = {
  IDR: IDR_EXPONENT,
  USD: 2,
};

export function currencyExponent(currency: string): number {
  const exponent = EXPONENTS[currency.toUpperCase()];
  if (exponent === undefined) throw new RangeError(`No minor-unit exponent known for currency "${currency}"`);
  return exponent;
}

/**
 * Major units (a number, or a decimal string such as "10000.50") to the integer WooshPay expects.
 * Strings are converted digit by digit so no floating-point rounding can creep in.
 */
export function toMinorUnits(major: number | string, currency: string): number {
  const exponent = currencyExponent(currency);
  if (typeof major === 'number') {
    if (!Number.isFinite(major)) throw new RangeError(`Amount ${major} is not finite`);
    return checkedInteger(Math.round(major * 10 ** exponent), major);
  }
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(major.trim());
  if (!match) throw new RangeError(`"${major}" is not a decimal amount`);
  const [, sign = '', whole = '', fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new RangeError(`"${major}" has more decimals than ${currency.toUpperCase()} allows (${exponent})`);
  }
  return checkedInteger(Number(`${sign}${whole}${fraction.padEnd(exponent, '0')}`), major);
}

export function fromMinorUnits(minor: number, currency: string): number {
  return minor / 10 ** currencyExponent(currency);
}

/**
 * For people: `formatAmount(1000000, 'IDR')` → "IDR 10,000.00" (or "Rp 10.000,00" with locale
 * `id-ID`). The exponent comes from our table, not Intl's, so display and API always agree.
 */
export function formatAmount(amount: number, currency: string, locale = 'en-US'): string {
  const exponent = currencyExponent(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    currencyDisplay: locale === 'en-US' ? 'code' : 'symbol',
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  })
    .format(fromMinorUnits(amount, currency))
    .replace(/\u00a0/g, ' ');
}

/** For logs, in both units while the IDR exponent is an assumption (§14.4): "1000000 (IDR 10,000.00)". */
export function describeAmount(amount: number, currency: string): string {
  return `${amount} (${formatAmount(amount, currency)})`;
}

function checkedInteger(value: number, original: number | string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`Amount ${String(original)} is out of range`);
  return value;
}
