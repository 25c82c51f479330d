import type { Deps } from '../app/deps.js';
import { withTx, type Tx } from '../db/tx.js';
import type { Actor } from '../modules/audit/index.js';
import { announceNewListing, checkListable, insertListingInTx, refuseRepeatedTicketIds, type CreateListingBody, type ListingView } from '../modules/listings/index.js';
import { getMarketSettings } from '../modules/tenants/index.js';
import { lockTicketsForResale, markTicketsListed } from '../modules/tickets/index.js';
import { alertWishlists } from './wishlist-alerts.js';

/**
 * POST /v1/marketplace/listings: the seller (the tickets' current owner) lists one ticket or a PACK.
 * One transaction across three modules: the tickets are locked and become LISTED (tickets), the
 * listing is priced under the event's rules or the tenant's default fees (listings, tenants) and
 * written, audited and announced (listings), and the fans waiting for it are alerted (wishlist-alerts).
 */
export async function createListing(deps: ListingCreateDeps, actor: Actor, body: CreateListingBody): Promise<ListingView> {
  refuseRepeatedTicketIds(body.ticketIds);
  return withTx(deps.db, (tx) => createListingInTx(tx, deps, actor, body));
}

type ListingCreateDeps = Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>;

/**
 * The same use case inside the caller's transaction, so several listings can be created all or
 * nothing (the hosted "sell an order" page lists the chosen tickets one by one in one transaction).
 */
export async function createListingInTx(tx: Tx, deps: ListingCreateDeps, actor: Actor, body: CreateListingBody): Promise<ListingView> {
  const sellerEmail = body.sellerEmail.toLowerCase();
  const ids = body.ticketIds;
  refuseRepeatedTicketIds(ids);
  const now = deps.clock.now();
  const tickets = checkListable(ids, await lockTicketsForResale(tx, actor.tenantId, ids), sellerEmail);
  const { defaultFees } = await getMarketSettings(tx, actor.tenantId);
  const listingId = await insertListingInTx(tx, actor, { tickets, sellerEmail, price: body.price, now, defaultFees });
  await markTicketsListed(tx, actor, actor.tenantId, ids, listingId, now);
  const view = await announceNewListing(tx, deps, actor, listingId, now);
  await alertWishlists(tx, deps, actor.tenantId, view);
  return view;
}
