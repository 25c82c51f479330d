import { withTx, type Executor } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import type { Actor } from '../audit/index.js';
import type { FeesSettings, ResaleSettings } from '../events/index.js';
import { listingView } from './listings.mappers.js';
import { totalsFor, type TicketMoney } from './listings.money.js';
import { pricingContext, priceUnderRules } from './listings.pricing.js';
import { listingsRepository as repo } from './listings.repository.js';
import type { ListingView } from './listings.schemas.js';
import { terminateListingsInTx, type ListingDeps } from './listings.service.js';
import { effectiveStatus } from './listings.states.js';
import { sellerPagesRepository as pages } from './seller-pages.repository.js';

/**
 * What the hosted seller pages (SPEC §4.1 items 3–6) need of the listings module beyond the API's
 * reads: a listing as its seller sees it (never another seller's), the price preview computed by the
 * very code that prices a listing, the RESALE rule's price bounds to show beside the price field, and
 * a delist by listing id that checks the seller under the listing's lock.
 */

const storable = (id: string): boolean => id !== '' && !id.includes('\u0000');

/** The tenant a listing belongs to (`lst_…` ids are unique across tenants); undefined when unknown. */
export async function tenantOfListing(ex: Executor, listingId: string): Promise<string | undefined> {
  return storable(listingId) ? pages.tenantOfListing(ex, listingId) : undefined;
}

/** A listing as its seller's page shows it. Money per ticket in minor units. */
export interface SellerListingDetails {
  view: ListingView;
  showPk: string;
  money: TicketMoney;
  quantity: number;
  currency: string;
  /** Face value of each ticket (minor units), for the RESALE rule's markup cap. */
  faceValuesMinor: (number | null)[];
  /** While a buyer holds it (effective status RESERVED). */
  holdExpiresAt: Date | null;
  soldOrderId: string | null;
  createdAt: Date;
  /** When it last changed: for a SOLD or TERMINATED listing (final states), when it ended. */
  updatedAt: Date;
}

/** The listing if `sellerEmail` is its seller; undefined otherwise, exactly as for an unknown id. */
export async function getSellerListing(ex: Executor, tenantId: string, listingId: string, sellerEmail: string, now: Date): Promise<SellerListingDetails | undefined> {
  if (!storable(listingId)) return undefined;
  const l = await repo.findListing(ex, tenantId, listingId);
  if (!l || l.seller_email !== sellerEmail.toLowerCase()) return undefined;
  const tickets = await repo.ticketsOf(ex, tenantId, [l.id]);
  const view = listingView(l, tickets, now);
  return {
    view,
    showPk: l.show_pk,
    money: { priceMinor: l.price_minor, buyerFeeMinor: l.buyer_fee_minor, sellerFeeMinor: l.seller_fee_minor },
    quantity: l.quantity,
    currency: l.currency,
    faceValuesMinor: tickets.map((t) => t.face_value_minor),
    holdExpiresAt: view.status === 'RESERVED' ? l.hold_expires_at : null,
    soldOrderId: l.sold_order_id,
    createdAt: l.created_at,
    updatedAt: l.updated_at,
  };
}

/** Tickets the seller sold through listings, newest sale first (a fan's "my tickets" shows them as SOLD). */
export async function ticketIdsSoldBy(ex: Executor, tenantId: string, sellerEmail: string, limit: number): Promise<string[]> {
  return pages.ticketIdsSoldBy(ex, tenantId, sellerEmail.toLowerCase(), limit);
}

/** Where each of these listings is (its Encore event and show), for a seller's pages; unknown ids are left out. */
export async function listingPlaces(ex: Executor, tenantId: string, listingIds: readonly string[]): Promise<Map<string, { eventId: string; showPk: string }>> {
  const rows = await repo.findMany(ex, tenantId, [...new Set(listingIds)].filter(storable));
  return new Map(rows.map((r) => [r.id, { eventId: r.event_id, showPk: r.show_pk }]));
}

export interface PricePreviewInput {
  showPk: string;
  ticketOptionId: string;
  priceTypeId: string | null;
  faceValuesMinor: readonly (number | null)[];
  quantity: number;
  /** Major units, as the seller typed it. */
  price: number;
  now: Date;
  defaultFees: FeesSettings;
}

export interface PricePreview {
  currency: string;
  /** Per ticket. */
  money: TicketMoney;
  totals: ReturnType<typeof totalsFor>;
}

/**
 * What a listing at `price` would cost the buyer and pay the seller: the same RESALE check and fee
 * computation as creating a listing or changing its price (priceUnderRules), so the preview can never
 * disagree with the listing. Throws that code's refusal (PRICE_BELOW_MINIMUM, …, VALIDATION_ERROR).
 */
export async function previewListingPrice(ex: Executor, tenantId: string, input: PricePreviewInput): Promise<PricePreview> {
  const ctx = await pricingContext(ex, tenantId, input.showPk);
  const { currency, money } = priceUnderRules(ctx, {
    scope: { ticketOptionId: input.ticketOptionId, priceTypeId: input.priceTypeId },
    price: input.price,
    faceValuesMinor: input.faceValuesMinor,
    quantity: input.quantity,
    now: input.now,
    defaultFees: input.defaultFees,
  });
  return { currency, money, totals: totalsFor(money, input.quantity) };
}

/** The price range the RESALE rule allows per ticket (minor units): what the page shows beside the field. */
export interface PriceBounds {
  minMinor?: number;
  maxMinor?: number;
  /** Which setting sets the maximum: the rule's maxPrice, or its markup over the face value. */
  maxBy?: 'maxPrice' | 'maxMarkupPercent';
  maxMarkupPercent?: number;
}

/**
 * The bounds checkResaleRule enforces, as numbers: `minPrice`, and the lower of `maxPrice` and the
 * markup cap of the cheapest face value (the cap computed exactly as the check computes it).
 */
export function resalePriceBounds(settings: ResaleSettings | undefined, faceValuesMinor: readonly (number | null)[]): PriceBounds {
  const out: PriceBounds = {};
  if (!settings) return out;
  if (settings.minPriceMinor !== undefined) out.minMinor = settings.minPriceMinor;
  if (settings.maxPriceMinor !== undefined) {
    out.maxMinor = settings.maxPriceMinor;
    out.maxBy = 'maxPrice';
  }
  if (settings.maxMarkupPercent !== undefined) {
    out.maxMarkupPercent = settings.maxMarkupPercent;
    for (const face of faceValuesMinor) {
      if (face === null) continue;
      const cap = Math.floor((face * Math.round((100 + settings.maxMarkupPercent) * 10_000)) / 1_000_000);
      if (out.maxMinor === undefined || cap < out.maxMinor) {
        out.maxMinor = cap;
        out.maxBy = 'maxMarkupPercent';
      }
    }
  }
  return out;
}

/**
 * The seller withdraws one of their listings (the page's delist), by listing id: locked, checked to
 * be this seller's (LISTING_NOT_FOUND otherwise, as for an unknown id) and open, refused while a buyer
 * holds it (LISTING_NOT_ACTIVE with `reservedUntil`) or once it ended; then ended as the API's
 * DELETE /v1/marketplace/items/ticket/:ticketId ends it (terminateListingsInTx, `listing.deleted`).
 */
export async function terminateSellerListing(deps: ListingDeps, actor: Actor, listingId: string, sellerEmail: string): Promise<ListingView> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const listing = storable(listingId) ? await repo.findListing(tx, actor.tenantId, listingId, { lock: true }) : undefined;
    if (!listing || listing.seller_email !== sellerEmail.toLowerCase()) throw new AppError('LISTING_NOT_FOUND', `listing ${listingId} does not exist`, { field: 'listingId' });
    const status = effectiveStatus(listing.status, listing.hold_expires_at, now);
    if (status === 'RESERVED') {
      throw new AppError('LISTING_NOT_ACTIVE', `listing ${listing.id} is reserved by a buyer until ${listing.hold_expires_at!.toISOString()}; try again after`, {
        details: { status, reservedUntil: listing.hold_expires_at!.toISOString() },
      });
    }
    if (status !== 'ACTIVE') throw new AppError('LISTING_NOT_ACTIVE', `listing ${listing.id} is ${status}`, { details: { status } });
    const [view] = await terminateListingsInTx(tx, deps, actor, [listing], 'SELLER_TERMINATED', now);
    return view!;
  });
}
