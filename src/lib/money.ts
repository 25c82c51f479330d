import { AppError } from './app-error.js';

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function isIsoCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && KNOWN_CURRENCIES.has(code);
}

/** Minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, KWD 3), from the runtime's CLDR data. */
export function minorDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    // Only real ISO codes are remembered, so the cache is bounded by the ISO list.
    if (KNOWN_CURRENCIES.has(currency)) digitsCache.set(currency, digits);
  }
  return digits;
}

// Building an Intl formatter costs ~0.1 ms, and prices are converted many times per request.
const digitsCache = new Map<string, number>();

/**
 * Decimal major units at the API edge → integer minor units inside. A value with more decimals than
 * the currency has is refused rather than rounded: silently changing a price is worse than a 400.
 */
export function toMinor(amount: number, currency: string, field: string): number {
  const digits = minorDigits(currency);
  const scaled = Math.round(amount * 10 ** digits);
  if (Math.abs(scaled / 10 ** digits - amount) > 1e-9 * Math.max(1, Math.abs(amount))) {
    throw new AppError('VALIDATION_ERROR', `${field} has more decimals than ${currency} allows (${digits})`, { field });
  }
  if (!Number.isSafeInteger(scaled)) {
    throw new AppError('VALIDATION_ERROR', `${field} is too large`, { field });
  }
  return scaled;
}

export function toMajor(minor: number, currency: string): number {
  const digits = minorDigits(currency);
  return Number((minor / 10 ** digits).toFixed(digits));
}

/** An amount as a fan reads it in `lang` (es: "41,80 €", en: "€41.80"). */
export function formatMoney(amount: number, currency: string, lang: 'es' | 'en'): string {
  const key = `${lang} ${currency}`;
  let f = moneyFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'es' ? 'es-ES' : 'en-GB', { style: 'currency', currency });
    // Only currencies Intl knows are remembered, so the map stays bounded whatever clients send.
    if (KNOWN_CURRENCIES.has(currency)) moneyFormats.set(key, f);
  }
  return f.format(amount);
}

/** One formatter per (language, currency): building one costs far more than formatting with it. */
const moneyFormats = new Map<string, Intl.NumberFormat>();
