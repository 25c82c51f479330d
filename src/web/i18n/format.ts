import { formatMoney, toMajor } from '../../lib/money.js';
import type { Lang } from '../../lib/urls.js';

/**
 * Dates and money as a fan reads them: dates in the event's time zone (never the server's), money
 * with the currency's digits. Intl formatters cost far more to build than to use, so each
 * (language, zone, style) is built once; the key space is bounded by the zones events may carry.
 */
const LOCALES: Record<Lang, string> = { es: 'es-ES', en: 'en-GB' };
const dateFormats = new Map<string, Intl.DateTimeFormat>();

export type DateStyle = 'long' | 'short' | 'time' | 'day';

const STYLES: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  long: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' },
  short: { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
  time: { hour: '2-digit', minute: '2-digit' },
  day: { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' },
};

export function formatDate(at: Date | string, timeZone: string, lang: Lang, style: DateStyle = 'long'): string {
  const key = `${lang} ${timeZone} ${style}`;
  let f = dateFormats.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(LOCALES[lang], { ...STYLES[style], timeZone });
    } catch {
      // A zone Intl does not know (events are validated, but old rows may predate that): UTC, said so.
      f = new Intl.DateTimeFormat(LOCALES[lang], { ...STYLES[style], timeZone: 'UTC', timeZoneName: 'short' });
    }
    dateFormats.set(key, f);
  }
  return f.format(typeof at === 'string' ? new Date(at) : at);
}

/** Minor units as the fan reads them ("41,80 €" / "€41.80"). */
export function formatMinor(minor: number, currency: string, lang: Lang): string {
  return formatMoney(toMajor(minor, currency), currency, lang);
}
