import type { Deps } from '../../app/deps.js';
import { withTx, type Executor, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import type { Actor } from '../audit/index.js';
import { markTicketsUnlisted } from '../tickets/index.js';
import { emitWebhook, recordTransition } from '../webhooks/index.js';
import { groupTickets, listingView } from './listings.mappers.js';
import { listingsRepository as repo, type ListingRow } from './listings.repository.js';
import type { ListingView } from './listings.schemas.js';
import { effectiveStatus, LISTING_STATES } from './listings.states.js';

/**
 * A listing's life after creation: read, announced, terminated. Creating one and changing its price
 * are flows (they need the tickets and the tenant's default fees): the listings module's steps for
 * them are in listings.create.ts and listings.pricing.ts; browsing an event's listings is in
 * listings.browse.ts.
 */

export type ListingDeps = Pick<Deps, 'db' | 'clock' | 'queue'>;

async function viewOf(ex: Executor, listing: ListingRow, now: Date): Promise<ListingView> {
  return listingView(listing, await repo.ticketsOf(ex, listing.tenant_id, [listing.id]), now);
}

/** `listing.created|updated|deleted` with the listing as it now is (SPEC §8). */
export async function announceListing(tx: Tx, deps: ListingDeps, action: 'created' | 'updated' | 'deleted', view: ListingView, tenantId: string): Promise<void> {
  await emitWebhook(tx, deps, tenantId, { family: 'listing', action, data: view });
}

/** GET /v1/marketplace/listings/ticket/:ticketId: the ticket's newest listing (the open one first). */
export async function getListingOfTicket(deps: Pick<Deps, 'db' | 'clock'>, tenantId: string, ticketId: string, sellerEmail?: string): Promise<ListingView> {
  const listing = await repo.findNewestListingOfTicket(deps.db, tenantId, ticketId, sellerEmail?.toLowerCase());
  if (!listing) throw new AppError('LISTING_NOT_FOUND', `ticket ${ticketId} has no listing${sellerEmail ? ` by ${sellerEmail}` : ''}`, { field: 'ticketId' });
  return viewOf(deps.db, listing, deps.clock.now());
}

/** For the URL endpoints: the ticket's newest listing, any status, optionally that seller's. */
export async function findListingForTicket(ex: Executor, tenantId: string, ticketId: string, sellerEmail?: string): Promise<{ listingId: string; status: string; sellerEmail: string } | undefined> {
  const listing = await repo.findNewestListingOfTicket(ex, tenantId, ticketId, sellerEmail?.toLowerCase());
  return listing && { listingId: listing.id, status: listing.status, sellerEmail: listing.seller_email };
}

/** Closes open listings as TERMINATED, gives their remaining tickets back to VALID, and says so. */
export async function terminateListingsInTx(tx: Tx, deps: ListingDeps, actor: Actor, listings: readonly ListingRow[], reason: string, now: Date): Promise<ListingView[]> {
  if (listings.length === 0) return [];
  const from = new Map(listings.map((l) => [l.id, l.status]));
  const closed = await repo.closeListings(tx, actor.tenantId, listings.map((l) => l.id), 'TERMINATED', reason, null, now);
  const tickets = groupTickets(await repo.ticketsOf(tx, actor.tenantId, closed.map((l) => l.id)));
  const views: ListingView[] = [];
  for (const l of closed) {
    const own = tickets.get(l.id) ?? [];
    await markTicketsUnlisted(tx, actor, actor.tenantId, own.map((t) => t.ticket_id), l.id, reason, now);
    const view = listingView(l, own, now);
    // After the write, because the webhook carries the closed listing; a refused transition (a listing
    // already SOLD or TERMINATED) rolls the whole termination back.
    await recordTransition(
      tx,
      deps,
      {
        machine: LISTING_STATES,
        entity: `listing ${l.id}`,
        from: from.get(l.id)!,
        to: 'TERMINATED',
        actor,
        audit: { action: 'listing.terminated', entityType: 'listing', entityId: l.id, after: { status: 'TERMINATED', reason } },
        webhooks: [{ family: 'listing', action: 'deleted', data: view }],
      },
      now,
    );
    views.push(view);
  }
  return views;
}

/** DELETE /v1/marketplace/items/ticket/:ticketId: the seller withdraws the ticket's open listing. */
export async function terminateListingOfTicket(deps: ListingDeps, actor: Actor, ticketId: string): Promise<ListingView> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const [listing] = await repo.lockOpenListingsOfTickets(tx, actor.tenantId, [ticketId]);
    if (!listing) throw new AppError('LISTING_NOT_FOUND', `ticket ${ticketId} has no active listing`, { field: 'ticketId' });
    if (effectiveStatus(listing.status, listing.hold_expires_at, now) === 'RESERVED') {
      throw new AppError('LISTING_NOT_ACTIVE', `listing ${listing.id} is reserved by a buyer until ${listing.hold_expires_at!.toISOString()}; try again after`, {
        details: { status: 'RESERVED', reservedUntil: listing.hold_expires_at!.toISOString() },
      });
    }
    const [view] = await terminateListingsInTx(tx, deps, actor, [listing], 'SELLER_TERMINATED', now);
    return view!;
  });
}
