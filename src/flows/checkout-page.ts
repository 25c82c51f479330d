import type { Deps } from '../app/deps.js';
import { AppError } from '../lib/app-error.js';
import { getEventsByIds, holderPolicy, type EventRecord, type HolderPolicy, type ShowRecord } from '../modules/events/index.js';
import { buyerListings, listingsNoLongerFor, type BuyerListing } from '../modules/listings/index.js';
import { findIntentionBySecret, getOrderView, intentionItems, type IntentionItemRow, type IntentionRow, type OrderView } from '../modules/orders/index.js';
import { extensionOffered } from './checkout-extension.js';
import { getMarketSettings } from '../modules/tenants/index.js';
import { normalizeCardNumber } from '../modules/payments/index.js';
import { payIntention, type HolderInput, type PurchaseDeps } from './resale-purchase.js';

/**
 * The hosted checkout page (SPEC §4.1 item 2) of a buy intention: what it reads (with the API's
 * guard: the paymentUrl's secret, a wrong one the same NOT_FOUND as an unknown id) and its "Pay",
 * which is `payIntention`, the very code behind POST /v1/checkout/:intentionId/pay. The page's state
 * is computed from the stored rows alone, so a reload after any POST shows the same thing.
 */

/**
 * - PENDING: held, the form; EXPIRED: the hold ran out but the listings are still free (the API
 *   still completes a late payment, so the form stays); GONE: the hold ran out and another buyer
 *   holds or bought a listing, or it was re-priced or withdrawn;
 * - PROCESSING: a payment is in flight; PAID; REFUNDED: money taken then given back (a listing
 *   taken while the card was charged); CANCELLED: the show was cancelled.
 */
export type CheckoutState = 'PENDING' | 'EXPIRED' | 'GONE' | 'PROCESSING' | 'PAID' | 'REFUNDED' | 'CANCELLED';

export interface CheckoutLine {
  item: IntentionItemRow;
  /** The listing as it is now (ticket option, seats); undefined if it no longer exists. */
  listing: BuyerListing | undefined;
  optionTitle: string | null;
  priceTypeTitle: string | null;
}

export interface CheckoutPageData {
  tenantId: string;
  intention: IntentionRow;
  state: CheckoutState;
  lines: CheckoutLine[];
  event: EventRecord | undefined;
  show: ShowRecord | undefined;
  timeZone: string;
  order: OrderView | null;
  holderPolicy: HolderPolicy;
  /** Whether the page offers the hold's one extension (never extended, live, nobody waiting). */
  extensionOffered: boolean;
  /** The ticket option the buy page should open on when the fan goes back. */
  ticketOptionId: string | undefined;
  /** What the one extension adds: the tenant's hold time. */
  holdMinutes: number;
}

function stateOf(intention: IntentionRow, lost: boolean, now: Date): CheckoutState {
  switch (intention.status) {
    case 'COMPLETED':
      return 'PAID';
    case 'REFUNDED':
      return 'REFUNDED';
    case 'CANCELLED':
      return 'CANCELLED';
    case 'PAYING':
      return 'PROCESSING';
    case 'RESERVED':
    case 'EXPIRED':
      if (intention.status === 'RESERVED' && now.getTime() < intention.expires_at.getTime()) return 'PENDING';
      return lost ? 'GONE' : 'EXPIRED';
  }
}

/** Everything the checkout page shows; NOT_FOUND (INTENTION_NOT_FOUND) for an unknown id or a wrong secret. */
export async function loadCheckoutPage(deps: Pick<Deps, 'db' | 'clock'>, intentionId: string, secret: string): Promise<CheckoutPageData> {
  const now = deps.clock.now();
  const intention = await findIntentionBySecret(deps.db, intentionId, secret);
  const tenantId = intention.tenant_id;
  const items = await intentionItems(deps.db, tenantId, intention.id);
  const [listings, [event], policy, settings] = await Promise.all([
    buyerListings(deps.db, tenantId, items.map((i) => i.listing_id), now),
    getEventsByIds(deps.db, tenantId, [intention.event_id]),
    holderPolicy(deps.db, tenantId, intention.event_id),
    getMarketSettings(deps.db, tenantId),
  ]);
  const expired = (intention.status === 'RESERVED' || intention.status === 'EXPIRED') && now.getTime() >= intention.expires_at.getTime();
  const lost = expired
    ? (await listingsNoLongerFor(deps.db, tenantId, items.map((i) => ({ listingId: i.listing_id, priceMinor: i.price_minor, buyerFeeMinor: i.buyer_fee_minor })), intention.id, now)).length > 0
    : false;
  const show = event?.shows.find((s) => s.id === intention.show_pk);
  const lines = items.map((item) => {
    const listing = listings.find((l) => l.listingId === item.listing_id);
    const option = listing && show?.ticketOptions.find((o) => o.ticketId === listing.ticketOptionId);
    const priceType = listing?.priceTypeId ? show?.priceTypes.find((p) => p.priceTypeId === listing.priceTypeId) : undefined;
    return { item, listing, optionTitle: option?.title ?? null, priceTypeTitle: priceType?.title ?? null };
  });
  const state = stateOf(intention, lost, now);
  return {
    tenantId,
    intention,
    state,
    lines,
    event,
    show,
    timeZone: event?.timeZone ?? 'UTC',
    order: intention.order_id ? await getOrderView(deps.db, tenantId, intention.order_id) : null,
    holderPolicy: policy ?? 'NONE',
    extensionOffered: state === 'PENDING' && (await extensionOffered(deps, intention)),
    ticketOptionId: listings[0]?.ticketOptionId,
    holdMinutes: settings.holdMinutes,
  };
}

export interface PayForm extends HolderInput {
  secret: string;
  cardNumber: string;
  /** Left out when the integrator already named the buyer (the page then shows it, read-only). */
  buyerEmail?: string | undefined;
}

/**
 * What the page does after "Pay": `paid` (and the other finished states) are shown by the page's
 * GET after a redirect; a declined or failed card and a refused field are shown on the form again,
 * with the hold kept.
 */
export type PayOutcome =
  | { kind: 'finished' }
  | { kind: 'declined' }
  | { kind: 'failed' }
  | { kind: 'invalid'; field: (typeof FIELDS)[number]; error: PayFieldError };

const FIELDS = ['cardNumber', 'buyerEmail', 'holderFirstName', 'holderLastName'] as const;

/** The card form's fields as the page has them (the sandbox reads only the number; expiry and CVC are checked as a processor's form would). */
export type PayField = (typeof FIELDS)[number] | 'expiry' | 'cvc';
export type PayFieldError = 'INVALID_EMAIL' | 'OWN_LISTING' | 'FIRST_NAME_REQUIRED' | 'LAST_NAME_REQUIRED' | 'INVALID_CARD' | 'INVALID_EXPIRY' | 'EXPIRED_CARD' | 'INVALID_CVC';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `MM/YY`, `MM / YY`, `MM/YYYY` or `MMYY`: the month and full year, or undefined. */
function parseExpiry(raw: string): { month: number; year: number } | undefined {
  const m = /^(\d{1,2})\s*\/?\s*(\d{2}|\d{4})$/.exec(raw.trim());
  if (!m) return undefined;
  const month = Number(m[1]);
  const year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  return month >= 1 && month <= 12 ? { month, year } : undefined;
}

/**
 * The page's own checks before "Pay", all at once so the fan fixes every field in one go: the email
 * when the integrator named no buyer, the holder's names when the event's policy requires them, and
 * the card's number (Luhn, as the payments module checks it), expiry (not past, in UTC) and CVC.
 */
export function checkPayForm(
  data: Pick<CheckoutPageData, 'intention' | 'holderPolicy'>,
  form: { buyerEmail?: string | undefined; holderFirstName?: string | undefined; holderLastName?: string | undefined; cardNumber: string; expiry: string; cvc: string },
  now: Date,
): Partial<Record<PayField, PayFieldError>> {
  const errors: Partial<Record<PayField, PayFieldError>> = {};
  if (data.intention.buyer_email === null) {
    const email = form.buyerEmail?.trim() ?? '';
    if (!EMAIL.test(email) || email.length > 254) errors.buyerEmail = 'INVALID_EMAIL';
  }
  if (data.holderPolicy === 'MANDATORY') {
    if ((form.holderFirstName?.trim() ?? '') === '') errors.holderFirstName = 'FIRST_NAME_REQUIRED';
    if ((form.holderLastName?.trim() ?? '') === '') errors.holderLastName = 'LAST_NAME_REQUIRED';
  }
  try {
    normalizeCardNumber(form.cardNumber);
  } catch {
    errors.cardNumber = 'INVALID_CARD';
  }
  const expiry = parseExpiry(form.expiry);
  if (!expiry) errors.expiry = 'INVALID_EXPIRY';
  else if (Date.UTC(expiry.year, expiry.month, 1) <= now.getTime()) errors.expiry = 'EXPIRED_CARD';
  if (!/^\d{3,4}$/.test(form.cvc.trim())) errors.cvc = 'INVALID_CVC';
  return errors;
}

const FIELD_ERROR: Record<(typeof FIELDS)[number], PayFieldError> = {
  cardNumber: 'INVALID_CARD',
  buyerEmail: 'INVALID_EMAIL',
  holderFirstName: 'FIRST_NAME_REQUIRED',
  holderLastName: 'LAST_NAME_REQUIRED',
};

/** "Pay" on the page: `payIntention` (the API's code), its answers and refusals sorted for the page. */
export async function payFromPage(deps: PurchaseDeps, intentionId: string, form: PayForm): Promise<PayOutcome> {
  try {
    const result = await payIntention(deps, intentionId, form);
    if (result.payment.status === 'DECLINED') return { kind: 'declined' };
    if (result.payment.status === 'FAILED') return { kind: 'failed' };
    return { kind: 'finished' };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // The page's GET shows what happened: the listings taken, a payment in flight, a cancelled show.
    if (err.code === 'LISTING_UNAVAILABLE' || err.code === 'PAYMENT_IN_PROGRESS' || err.code === 'INTENTION_CLOSED') return { kind: 'finished' };
    if (err.code === 'OWN_LISTING') return { kind: 'invalid', field: 'buyerEmail', error: 'OWN_LISTING' };
    const field = err.code === 'VALIDATION_ERROR' ? FIELDS.find((f) => f === err.field) : undefined;
    if (field === undefined) throw err;
    return { kind: 'invalid', field, error: FIELD_ERROR[field] };
  }
}
