import type { Executor, Tx } from '../../db/tx.js';
import { emitWebhooks } from '../webhooks/index.js';
import { buyerPagesRepository as pages } from './buyer-pages.repository.js';
import { groupTickets, listingView, seatOf } from './listings.mappers.js';
import { listingsRepository as repo, type ListingRow, type ListingTicketRow } from './listings.repository.js';
import type { ListingView } from './listings.schemas.js';
import type { ListingDeps } from './listings.service.js';
import { effectiveStatus } from './listings.states.js';
import type { ListingStatus } from './listings.tables.js';

/**
 * What the hosted buy and checkout pages (SPEC §4.1 items 1 and 2) need of the listings module
 * beyond the API's reads: a show's listings with their money in minor units (the page formats them
 * in the fan's language), the listings of a reservation with their seats, and the one extension of a
 * hold (ADR 0017) with the record of buyers turned away from held listings that decides it.
 */

/** A listing as a buyer's page shows it. Money per ticket, minor units of `currency`. */
export interface BuyerListing {
  listingId: string;
  showPk: string;
  ticketOptionId: string;
  priceTypeId: string | null;
  type: 'SINGLE' | 'PACK';
  quantity: number;
  ticketIds: string[];
  priceMinor: number;
  buyerFeeMinor: number;
  /** What one ticket costs the buyer: price + buyer fee. */
  totalMinor: number;
  currency: string;
  /** Face value of each ticket (minor units); null when the ticket has no price. */
  faceValuesMinor: (number | null)[];
  seats: ListingView['seats'];
  /** The effective status: a hold that ran out is ACTIVE. */
  status: ListingStatus;
  sellerEmail: string;
}

function buyerListing(l: ListingRow, tickets: readonly ListingTicketRow[], now: Date): BuyerListing {
  return {
    listingId: l.id,
    showPk: l.show_pk,
    ticketOptionId: l.ticket_option_id,
    priceTypeId: l.price_type_id,
    type: l.type,
    quantity: l.quantity,
    ticketIds: tickets.map((t) => t.ticket_id),
    priceMinor: l.price_minor,
    buyerFeeMinor: l.buyer_fee_minor,
    totalMinor: l.price_minor + l.buyer_fee_minor,
    currency: l.currency,
    faceValuesMinor: tickets.map((t) => t.face_value_minor),
    seats: tickets.map(seatOf),
    status: effectiveStatus(l.status, l.hold_expires_at, now),
    sellerEmail: l.seller_email,
  };
}

async function withTickets(ex: Executor, tenantId: string, rows: readonly ListingRow[], now: Date): Promise<BuyerListing[]> {
  const tickets = groupTickets(await repo.ticketsOf(ex, tenantId, rows.map((r) => r.id)));
  return rows.map((r) => buyerListing(r, tickets.get(r.id) ?? [], now));
}

/** The most listings one buy page shows (cheapest first); a show with more is filtered by option. */
export const BUY_PAGE_LISTINGS = 200;

/** What a buyer can take now in one show, cheapest all-in first (two reads whatever the count). */
export async function showListingsOnSale(ex: Executor, tenantId: string, showPk: string, now: Date, limit = BUY_PAGE_LISTINGS): Promise<BuyerListing[]> {
  return withTickets(ex, tenantId, await pages.onSaleOfShow(ex, tenantId, showPk, now, limit), now);
}

/** These listings in any status (those of the tenant that exist), in the order asked. */
export async function buyerListings(ex: Executor, tenantId: string, listingIds: readonly string[], now: Date): Promise<BuyerListing[]> {
  const ids = listingIds.filter((id) => id !== '' && !id.includes('\u0000'));
  if (ids.length === 0) return [];
  const found = await withTickets(ex, tenantId, await repo.findMany(ex, tenantId, ids), now);
  const byId = new Map(found.map((l) => [l.listingId, l]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * A reservation was refused these listings (LISTING_UNAVAILABLE): stamps those a live hold has, so
 * the holder's extension knows someone is waiting. In an on-sale rush thousands of buyers are
 * refused the same listing in a second; one stamp per listing a second per process says as much, so
 * the others skip the write (and the wait on the winner's row lock).
 */
const STAMP_EVERY_MS = 1_000;
const MAX_STAMPS = 50_000;
const stamped = new Map<string, number>();

export async function noteRefusedBuyers(ex: Executor, tenantId: string, listingIds: readonly string[], now: Date): Promise<void> {
  const t = performance.now();
  if (stamped.size > MAX_STAMPS) stamped.clear();
  const due = listingIds.filter((id) => {
    if (id === '' || id.includes('\u0000')) return false;
    const key = `${tenantId}\u0000${id}`;
    if ((stamped.get(key) ?? -Infinity) > t) return false;
    stamped.set(key, t + STAMP_EVERY_MS);
    return true;
  });
  await pages.noteRefused(ex, tenantId, due, now);
}

/** Whether a buyer was refused any of these listings at or after `since` (the hold's start). */
export async function buyersRefusedSince(ex: Executor, tenantId: string, listingIds: readonly string[], since: Date): Promise<boolean> {
  return pages.refusedSince(ex, tenantId, listingIds, since);
}

/**
 * Moves every live hold of an intention to `until`, with `listing.updated` (its new reservedUntil).
 * Answers how many listings moved: fewer than the intention holds means a hold ran out meanwhile,
 * and the caller rolls back. The caller holds the intention's row lock (the marketplace's lock
 * order: intention, then listings).
 */
export async function extendHoldsOf(tx: Tx, deps: ListingDeps, tenantId: string, intentionId: string, until: Date, now: Date): Promise<number> {
  const moved = await pages.extendHolds(tx, tenantId, intentionId, until, now);
  if (moved.length === 0) return 0;
  const tickets = groupTickets(await repo.ticketsOf(tx, tenantId, moved.map((l) => l.id)));
  await emitWebhooks(
    tx,
    deps,
    tenantId,
    moved.map((l) => ({ family: 'listing' as const, action: 'updated', data: listingView(l, tickets.get(l.id) ?? [], now) })),
  );
  return moved.length;
}
