import { AppError, ERROR_CODES, type ErrorCode } from '../../../lib/app-error.js';
import { minorDigits } from '../../../lib/money.js';
import type { Lang } from '../../../lib/urls.js';
import type { SellerFan } from '../../../flows/seller-pages.js';
import type { PriceBounds, PricePreview } from '../../../modules/listings/index.js';
import { formatMinor } from '../../i18n/format.js';
import type { PageContext } from '../../shell/page-context.js';
import type { SellerMessages } from './seller.messages.js';

/**
 * Server-side helpers of the seller pages: reading a typed price, saying a refusal in the fan's words
 * next to the field it is about, and the preview's figures as the fan reads them. The numbers always
 * come from the listings module (the preview is its pricing, never a copy of it).
 */

/** The listing API's ceiling on a price per ticket (its schema's maximum), in major units. */
const MAX_PRICE = 10_000_000;

/**
 * A price as a fan types it: "42", "42.5", "42,50", "€ 42". Undefined when it is not a number of
 * this form; how many decimals the currency takes is the listings module's check (VALIDATION_ERROR).
 */
export function parsePrice(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const s = raw.replace(/[\s\u00a0\u202f€$£]/g, '');
  if (!/^\d{1,9}([.,]\d{1,6})?$/.test(s)) return undefined;
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) && n <= MAX_PRICE ? n : undefined;
}

/** A minor amount as the value of a price field, with the language's decimal mark ("42,50" / "42.50"; parsePrice reads both). */
export function priceFieldValue(minor: number | null, currency: string, lang: Lang): string {
  if (minor === null) return '';
  const digits = minorDigits(currency);
  const s = (minor / 10 ** digits).toFixed(digits);
  return lang === 'es' ? s.replace('.', ',') : s;
}

/** A minor amount in major units (the number listing and previewing take). */
export function majorOf(minor: number, currency: string): number {
  return minor / 10 ** minorDigits(currency);
}

/** The signed-in fan as the flows take it (the page's tenant, lower-cased email). */
export function sellerFan(ctx: PageContext): SellerFan | null {
  return ctx.fan ? { tenantId: ctx.fan.tenantId, email: ctx.fan.email.toLowerCase() } : null;
}

/** Where a refusal is shown: next to the price field, or above the form. */
export interface Refusal {
  on: 'price' | 'form';
  text: string;
  status: number;
}

const detail = (err: AppError, key: string): unknown => err.details?.[key];

/**
 * A refusal of listing or re-pricing, in the fan's language. Price refusals carry the rule's bounds,
 * from the same rule the check used (bounds computed alike; the error's own limit if the page has
 * none). Anything not about the form (a bug, the database) is rethrown for the error page.
 */
export function refusalOf(err: unknown, m: SellerMessages, o: { bounds: PriceBounds; currency: string; lang: Lang }): Refusal {
  if (!(err instanceof AppError)) throw err;
  const money = (minor: number) => formatMinor(minor, o.currency, o.lang);
  const limitMinor = (): number | undefined => {
    const l = detail(err, 'limit');
    return typeof l === 'number' ? Math.round(l * 10 ** minorDigits(o.currency)) : undefined;
  };
  const status = ERROR_CODES[err.code];
  const onPrice = (text: string): Refusal => ({ on: 'price', text, status });
  const onForm = (text: string): Refusal => ({ on: 'form', text, status });
  const priceInvalid = () => (err.field === 'price' && /decimals/.test(err.message) ? onPrice(m.priceDecimals(minorDigits(o.currency))) : err.field === 'price' ? onPrice(m.priceInvalid) : onForm(m.somethingChanged));
  const byCode: Partial<Record<ErrorCode, () => Refusal>> = {
    PRICE_BELOW_MINIMUM: () => {
      const min = o.bounds.minMinor ?? limitMinor();
      return onPrice(min === undefined ? m.priceInvalid : m.priceTooLow(money(min)));
    },
    PRICE_ABOVE_MAXIMUM: () => {
      const max = o.bounds.maxBy === 'maxPrice' ? o.bounds.maxMinor : limitMinor();
      return onPrice(max === undefined ? m.priceInvalid : m.priceTooHigh(money(max)));
    },
    PRICE_ABOVE_MARKUP_CAP: () => {
      const percent = o.bounds.maxMarkupPercent ?? Number(detail(err, 'limit'));
      return o.bounds.maxMinor === undefined ? onPrice(m.priceInvalid) : onPrice(m.priceAboveMarkup(money(o.bounds.maxMinor), percent));
    },
    VALIDATION_ERROR: priceInvalid,
    LISTING_LIMIT: () => onForm(m.listingLimit(Number(detail(err, 'limit')))),
    TOO_MANY_TICKETS_IN_LISTING: () => onForm(m.tooManyInPack(Number(detail(err, 'limit')))),
    LISTINGS_NOT_COMPATIBLE: () => onForm(m.packNotCompatible),
    RESALE_DISABLED: () => onForm(m.resaleNowClosed),
    RESALE_NOT_OPEN: () => onForm(m.resaleNowClosed),
    RESALE_CLOSED: () => onForm(m.resaleNowClosed),
    EVENT_CANCELLED: () => onForm(m.eventCancelled),
    SHOW_CANCELLED: () => onForm(m.eventCancelled),
    TICKET_ALREADY_LISTED: () => onForm(m.notListable),
    TICKET_NOT_LISTABLE: () => onForm(m.notListable),
    NOT_TICKET_OWNER: () => onForm(m.notListable),
    TICKET_NOT_FOUND: () => onForm(m.notListable),
  };
  const say = byCode[err.code];
  if (!say) throw err;
  return say();
}

/** The preview's three figures (the whole listing's), formatted; the seller fee as a deduction. */
export interface PreviewFigures {
  buyerPays: string;
  sellerFee: string;
  youReceive: string;
}

export function previewFigures(p: PricePreview, lang: Lang): PreviewFigures {
  const money = (minor: number) => formatMinor(minor, p.currency, lang);
  return { buyerPays: money(p.totals.totalMinor), sellerFee: `−${money(p.totals.sellerFeeMinor)}`, youReceive: money(p.totals.payoutMinor) };
}

export const NO_FIGURES: PreviewFigures = { buyerPays: '—', sellerFee: '—', youReceive: '—' };
