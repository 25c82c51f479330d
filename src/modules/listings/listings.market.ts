import type { Deps } from '../../app/deps.js';
import { sweepInBatches } from '../../db/batch-sweep.js';
import type { Executor, Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import type { Actor } from '../audit/index.js';
import { emitWebhooks } from '../webhooks/index.js';
import type { MarketExitReason } from '../tickets/index.js';
import { groupTickets, listingView } from './listings.mappers.js';
import { listingsRepository as repo, type ListingRow, type ListingTicketRow } from './listings.repository.js';
import type { ListingView } from './listings.schemas.js';
import { allKnownUnavailable, forgetUnavailable, forgetUnavailableEverywhere, rememberUnavailable } from './listings.memo.js';
import { effectiveStatus } from './listings.states.js';
import { announceListing, terminateListingsInTx, type ListingDeps } from './listings.service.js';

/**
 * What the buying side (reservations, settlement, cancellation) does to listings. Every function
 * runs inside the caller's transaction; the listing rows are the single source of truth for
 * availability, changed only through conditional UPDATEs or under row locks taken in id order.
 */

/** A listing as a reservation snapshots it: money per ticket, tickets, seller. */
export interface ListingForSale {
  listingId: string;
  eventId: string;
  showPk: string;
  ticketOptionId: string;
  priceTypeId: string | null;
  type: 'SINGLE' | 'PACK';
  quantity: number;
  ticketIds: string[];
  priceMinor: number;
  buyerFeeMinor: number;
  sellerFeeMinor: number;
  currency: string;
  sellerEmail: string;
}

function forSale(l: ListingRow, ticketIds: string[]): ListingForSale {
  return {
    listingId: l.id,
    eventId: l.event_id,
    showPk: l.show_pk,
    ticketOptionId: l.ticket_option_id,
    priceTypeId: l.price_type_id,
    type: l.type,
    quantity: l.quantity,
    ticketIds,
    priceMinor: l.price_minor,
    buyerFeeMinor: l.buyer_fee_minor,
    sellerFeeMinor: l.seller_fee_minor,
    currency: l.currency,
    sellerEmail: l.seller_email,
  };
}

async function announceAll(tx: Tx, deps: ListingDeps, tenantId: string, rows: readonly ListingRow[], now: Date, known?: Map<string, ListingTicketRow[]>): Promise<ListingView[]> {
  if (rows.length === 0) return [];
  const tickets = known ?? groupTickets(await repo.ticketsOf(tx, tenantId, rows.map((r) => r.id)));
  const views: ListingView[] = [];
  for (const r of rows) {
    const view = listingView(r, tickets.get(r.id) ?? [], now);
    await announceListing(tx, deps, 'updated', view, tenantId);
    views.push(view);
  }
  return views;
}

/**
 * Holds the listings for an intention until `expiresAt`, all or none: one conditional UPDATE takes
 * every listing that is ACTIVE or whose hold ran out; if it took fewer than asked, the caller's
 * transaction is rolled back by the 409 LISTING_UNAVAILABLE, so nothing is reserved.
 */
function unavailableError(listingIds: readonly string[], available: readonly string[], field: string): AppError {
  const got = new Set(available);
  const unavailable = listingIds.filter((id) => !got.has(id));
  return new AppError('LISTING_UNAVAILABLE', `listing${unavailable.length > 1 ? 's' : ''} ${unavailable.join(', ')} ${unavailable.length > 1 ? 'are' : 'is'} not available`, {
    field,
    details: { listingIds: unavailable },
  });
}

/**
 * A read before the reservation's transaction: in an on-sale race most buyers ask for a listing that
 * is already gone, and this answers them in one cheap read instead of a transaction whose UPDATE
 * waits on the winner's row lock, or without any read when this process has just seen the listings
 * taken (listings.memo.ts). It only refuses what was unavailable at the moment of reading; the
 * reservation itself (below) is still the conditional UPDATE, which alone decides who wins.
 */
export async function refuseUnavailableListings(ex: Executor, tenantId: string, listingIds: readonly string[], now: Date, field: string): Promise<void> {
  if (allKnownUnavailable(tenantId, listingIds, now)) throw unavailableError(listingIds, [], field);
  const rows = await repo.availability(ex, tenantId, listingIds);
  const taken = rows.filter((l) => effectiveStatus(l.status, l.hold_expires_at, now) !== 'ACTIVE');
  rememberUnavailable(tenantId, taken.map((l) => ({ id: l.id, until: l.status === 'RESERVED' ? l.hold_expires_at : null })), now);
  const available = rows.filter((l) => !taken.includes(l)).map((l) => l.id);
  if (available.length !== listingIds.length) throw unavailableError(listingIds, available, field);
}

/** After the reservation committed: its listings are taken until the hold expires. */
export function rememberHeld(tenantId: string, listings: readonly { listingId: string; holdExpiresAt: Date }[], now: Date): void {
  rememberUnavailable(tenantId, listings.map((l) => ({ id: l.listingId, until: l.holdExpiresAt })), now);
}

export async function reserveListings(
  tx: Tx,
  deps: ListingDeps,
  tenantId: string,
  listingIds: readonly string[],
  hold: { intentionId: string; now: Date; field: string; minutes: number },
): Promise<(ListingForSale & { holdExpiresAt: Date })[]> {
  const { intentionId, now } = hold;
  const held = await repo.holdListings(tx, tenantId, listingIds, intentionId, now, new Date(now.getTime() + hold.minutes * 60_000));
  if (held.length !== listingIds.length) throw unavailableError(listingIds, held.map((l) => l.id), hold.field);
  await emitWebhooks(
    tx,
    deps,
    tenantId,
    held.map((l) => ({ family: 'listing' as const, action: 'updated', data: listingView(l, l.tickets, now) })),
  );
  const byId = new Map(held.map((l) => [l.id, l]));
  return listingIds.map((id) => {
    const l = byId.get(id)!;
    return { ...forSale(l, l.tickets.map((t) => t.ticket_id)), holdExpiresAt: l.hold_expires_at! };
  });
}

export type ClaimResult = { ok: true; listings: ListingForSale[] } | { ok: false; unavailable: string[] };

/**
 * At payment: the listings become SOLD to this intention's order, all or none. A listing is still
 * this buyer's if the intention holds it (even past expiry: nobody took it), or if it is free (ACTIVE,
 * or another hold ran out) at the price the buyer reserved — a seller may re-price a listing once a
 * hold ran out, and the buyer paid the reserved price. Row locks in id order, then the check, then
 * the write.
 */
type Reserved = readonly { listingId: string; priceMinor: number; buyerFeeMinor: number }[];

/** The reserved listings a sale cannot take: gone, re-priced, or held by another intention. */
function notClaimable(rows: readonly ListingRow[], reserved: Reserved, intentionId: string, now: Date): string[] {
  const byId = new Map(rows.map((l) => [l.id, l]));
  return reserved
    .filter((r) => {
      const l = byId.get(r.listingId);
      if (!l || l.price_minor !== r.priceMinor || l.buyer_fee_minor !== r.buyerFeeMinor) return true;
      const ours = l.status === 'RESERVED' && l.hold_intention_id === intentionId;
      return !ours && effectiveStatus(l.status, l.hold_expires_at, now) !== 'ACTIVE';
    })
    .map((r) => r.listingId);
}

/**
 * Before a late payment is charged (its hold ran out): the listings it could no longer take, read
 * without locks. The sale itself still decides under locks (claimListingsForSale); this only spares
 * the buyer a charge and a refund when the answer is already known.
 */
export async function listingsNoLongerFor(ex: Executor, tenantId: string, reserved: Reserved, intentionId: string, now: Date): Promise<string[]> {
  return notClaimable(await repo.findMany(ex, tenantId, reserved.map((r) => r.listingId)), reserved, intentionId, now);
}

export async function claimListingsForSale(
  tx: Tx,
  deps: ListingDeps,
  tenantId: string,
  reserved: readonly { listingId: string; priceMinor: number; buyerFeeMinor: number }[],
  intentionId: string,
  orderId: string,
  now: Date,
): Promise<ClaimResult> {
  const ids = reserved.map((r) => r.listingId);
  const unavailable = notClaimable(await repo.lockListings(tx, tenantId, ids), reserved, intentionId, now);
  if (unavailable.length > 0) return { ok: false, unavailable };
  const sold = await repo.closeListings(tx, tenantId, ids, 'SOLD', 'SOLD', orderId, now);
  const tickets = groupTickets(await repo.ticketsOf(tx, tenantId, ids));
  await announceAll(tx, deps, tenantId, sold, now, tickets);
  const byId = new Map(sold.map((l) => [l.id, l]));
  return { ok: true, listings: ids.map((id) => forSale(byId.get(id)!, (tickets.get(id) ?? []).map((t) => t.ticket_id))) };
}

/** Gives back what an intention still holds (a refund, a cancellation, a failed payment after expiry). */
export async function releaseListingsOf(tx: Tx, deps: ListingDeps, tenantId: string, intentionId: string, now: Date): Promise<void> {
  const released = await repo.releaseHoldsOf(tx, tenantId, intentionId, now);
  forgetUnavailable(tenantId, released.map((l) => l.id));
  await announceAll(tx, deps, tenantId, released, now);
}

/** The tickets module's hook: a LISTED ticket was deleted, admitted or given to someone else; its listing ends. */
export async function endListingsOfTickets(tx: Tx, deps: ListingDeps, actor: Actor, tenantId: string, ticketIds: readonly string[], reason: MarketExitReason, now: Date): Promise<void> {
  const open = await repo.lockOpenListingsOfTickets(tx, tenantId, ticketIds);
  await terminateListingsInTx(tx, deps, { ...actor, tenantId }, open, reason, now);
}

/** Show or event cancellation: every open listing of the shows ends. */
export async function endListingsOfShows(tx: Tx, deps: ListingDeps, actor: Actor, showPks: readonly string[], reason: string, now: Date): Promise<ListingView[]> {
  const open = await repo.lockOpenListingsOfShows(tx, actor.tenantId, showPks);
  return terminateListingsInTx(tx, deps, actor, open, reason, now);
}

/**
 * The sweeper: expired holds back to ACTIVE, in batches, with their `listing.updated` webhooks.
 * Availability never waits for it (every query checks `hold_expires_at`); it tidies the status
 * and tells integrators the listing is on sale again.
 */
export async function releaseExpiredHolds(deps: Pick<Deps, 'db' | 'clock' | 'queue'>, batch = 500): Promise<number> {
  return sweepInBatches(deps.db, batch, async (tx, limit) => {
    const now = deps.clock.now();
    const rows = await repo.releaseExpiredHolds(tx, now, limit);
    forgetUnavailableEverywhere(rows);
    const byTenant = new Map<string, ListingRow[]>();
    for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r]);
    for (const [tenantId, list] of byTenant) await announceAll(tx, deps, tenantId, list, now);
    return rows.length;
  });
}
