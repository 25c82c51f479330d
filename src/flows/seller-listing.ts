import { AppError } from '../lib/app-error.js';
import { findShow } from '../modules/events/index.js';
import { getSellerListing, terminateSellerListing, type ListingView, type PriceBounds, type PricePreview, type SellerListingDetails } from '../modules/listings/index.js';
import { payoutsOfListing, sellersWithPayoutAccount, type SellerPayout } from '../modules/payouts/index.js';
import { changeListingPrice } from './listing-price.js';
import { boundsOf, previewPrice, sellerActor, type SellerDeps, type SellerFan } from './seller-pages.js';

/**
 * The hosted listing page (SPEC §4.1 item 5): one listing as its seller sees it — the way it went
 * (listed, held, sold, paid out), its money, the share link, the payout — with its price change and
 * delist. Only the seller ever sees it: another fan's listing and an unknown id are the same 404.
 * Changing the price is the listing-price flow (the API's PATCH); delisting ends the listing as the
 * API's DELETE does, both refused while a buyer is paying (RESERVED) and once it has ended.
 */

export interface ListingPageView {
  listing: SellerListingDetails;
  eventTitle: string;
  showTitle: string | null;
  startsAt: Date;
  timeZone: string;
  optionTitle: string;
  priceTypeTitle: string | null;
  /** The ticket the share link opens the sale page on (a PACK's first). */
  shareTicketId: string;
  bounds: PriceBounds;
  payouts: SellerPayout[];
  hasPayoutAccount: boolean;
}

const notFound = (listingId: string): AppError => new AppError('LISTING_NOT_FOUND', `listing ${listingId} does not exist`, { field: 'listingId' });

export async function listingPageView(deps: SellerDeps, fan: SellerFan, listingId: string): Promise<ListingPageView | undefined> {
  const listing = await getSellerListing(deps.db, fan.tenantId, listingId, fan.email, deps.clock.now());
  if (!listing) return undefined;
  const [found, payouts, withAccount] = await Promise.all([
    findShow(deps.db, fan.tenantId, { id: listing.showPk }),
    payoutsOfListing(deps.db, fan.tenantId, listing.view.listingId),
    sellersWithPayoutAccount(deps.db, fan.tenantId, [fan.email]),
  ]);
  if (!found) return undefined;
  const { event, show } = found;
  const v = listing.view;
  return {
    listing,
    eventTitle: event.title,
    showTitle: show.title,
    startsAt: show.startsAt,
    timeZone: event.timeZone ?? 'UTC',
    optionTitle: show.ticketOptions.find((o) => o.ticketId === v.ticketOptionId)?.title ?? v.ticketOptionId,
    priceTypeTitle: v.priceTypeId === null ? null : (show.priceTypes.find((p) => p.priceTypeId === v.priceTypeId)?.title ?? v.priceTypeId),
    shareTicketId: v.ticketIds[0] ?? '',
    bounds: boundsOf(event, show, { ticketOptionId: v.ticketOptionId, priceTypeId: v.priceTypeId }, listing.faceValuesMinor),
    payouts,
    hasPayoutAccount: withAccount.has(fan.email),
  };
}

/** The preview of a new price for the fan's listing (the whole listing's totals); undefined: not the fan's. */
export async function previewListingNewPrice(deps: SellerDeps, fan: SellerFan, listingId: string, price: number): Promise<PricePreview | undefined> {
  const listing = await getSellerListing(deps.db, fan.tenantId, listingId, fan.email, deps.clock.now());
  if (!listing) return undefined;
  const v = listing.view;
  return previewPrice(deps, fan.tenantId, {
    showPk: listing.showPk,
    ticketOptionId: v.ticketOptionId,
    priceTypeId: v.priceTypeId,
    faceValuesMinor: listing.faceValuesMinor,
    quantity: listing.quantity,
    price,
  });
}

/**
 * A new price for the fan's listing: the listing-price flow (RESALE rule, fees, `listing.updated`,
 * wishlist alerts). The seller of a listing never changes, so checking it first is enough.
 */
export async function changeSellerListingPrice(deps: SellerDeps, fan: SellerFan, listingId: string, price: number): Promise<ListingView> {
  const listing = await getSellerListing(deps.db, fan.tenantId, listingId, fan.email, deps.clock.now());
  if (!listing) throw notFound(listingId);
  return changeListingPrice(deps, sellerActor(fan.tenantId), listingId, price);
}

/** The fan takes the listing off sale (checked to be the fan's under its lock). */
export async function delistSellerListing(deps: SellerDeps, fan: SellerFan, listingId: string): Promise<ListingView> {
  return terminateSellerListing(deps, sellerActor(fan.tenantId), listingId, fan.email);
}
