import { pgConstraint, type Tx } from '../../db/tx.js';
import { lockAdvisory } from '../../db/locks.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { recordAudit, type Actor } from '../audit/index.js';
import type { FeesSettings } from '../events/index.js';
import { listingView } from './listings.mappers.js';
import { pricingContext, priceUnderRules } from './listings.pricing.js';
import { listingsRepository as repo } from './listings.repository.js';
import type { ListingView } from './listings.schemas.js';
import { announceListing, type ListingDeps } from './listings.service.js';

/**
 * POST /v1/marketplace/listings, the listings module's steps. The use case — the tickets locked and
 * marked LISTED (tickets module), the tenant's default fees (tenants), one transaction — is the flow
 * flows/listing-create.ts.
 */

/** What a listing needs of each ticket (the tickets module's ResaleTicket, locked for resale). */
export interface ListableTicket {
  ticketId: string;
  status: string;
  buyerEmail: string | null;
  orderId: string | null;
  showPk: string;
  ticketOptionId: string;
  priceTypeId: string | null;
  priceMinor: number | null;
  seat: object | null;
}

/** A repeated ticket id is refused before anything is locked, naming its first repeat. */
export function refuseRepeatedTicketIds(ids: readonly string[]): void {
  const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (dup >= 0) throw new AppError('VALIDATION_ERROR', `ticketIds[${dup}] repeats ${ids[dup]}`, { field: `ticketIds[${dup}]` });
}

/** Why a ticket cannot be listed, by its status (SPEC §4): the reason travels in the 409. */
function refuseTicket(t: ListableTicket, i: number): never {
  const field = `ticketIds[${i}]`;
  if (t.status === 'LISTED') throw new AppError('TICKET_ALREADY_LISTED', `ticket ${t.ticketId} is already listed`, { field, details: { ticketId: t.ticketId } });
  throw new AppError('TICKET_NOT_LISTABLE', `ticket ${t.ticketId} is ${t.status} and cannot be listed`, { field, details: { ticketId: t.ticketId, status: t.status } });
}

/** A PACK is several tickets of one order, one show, one ticket option and one price type. */
function checkPack(tickets: readonly ListableTicket[]): void {
  const first = tickets[0]!;
  for (const t of tickets) {
    if (t.orderId === null || t.orderId !== first.orderId) {
      throw new AppError('LISTINGS_NOT_COMPATIBLE', 'a listing of several tickets (PACK) takes tickets of one order (the same orderId)', { field: 'ticketIds' });
    }
    if (t.showPk !== first.showPk || t.ticketOptionId !== first.ticketOptionId || t.priceTypeId !== first.priceTypeId) {
      throw new AppError('LISTINGS_NOT_COMPATIBLE', 'a PACK takes tickets of one show, ticket option and price type', { field: 'ticketIds' });
    }
  }
}

/**
 * The locked tickets in the order the seller named them, each VALID and the seller's (the tickets'
 * current owner), several only as a PACK. The first refusal wins, ticket by ticket.
 */
export function checkListable<T extends ListableTicket>(ids: readonly string[], locked: readonly T[], sellerEmail: string): T[] {
  const byId = new Map(locked.map((t) => [t.ticketId, t]));
  const tickets = ids.map((id, i) => {
    const t = byId.get(id);
    if (!t) throw new AppError('TICKET_NOT_FOUND', `ticket ${id} does not exist`, { field: `ticketIds[${i}]`, details: { ticketId: id } });
    return t;
  });
  tickets.forEach((t, i) => {
    if (t.status !== 'VALID') refuseTicket(t, i);
    if (t.buyerEmail !== sellerEmail) {
      throw new AppError('NOT_TICKET_OWNER', `ticket ${t.ticketId} does not belong to ${sellerEmail}`, { field: 'sellerEmail', details: { ticketId: t.ticketId } });
    }
  });
  if (tickets.length > 1) checkPack(tickets);
  return tickets;
}

/**
 * The RESALE rule's `maxListedTicketsPerSeller`: the seller's tickets of the show on sale, with these,
 * stay within the cap. The count is taken under a lock per (show, seller), so two listings of the
 * same seller created at once cannot both pass it.
 */
async function checkListingLimit(tx: Tx, tenantId: string, c: { showPk: string; sellerEmail: string; quantity: number; cap: number; ruleId: string }): Promise<void> {
  await lockAdvisory(tx, `listing-limit:${tenantId}:${c.showPk}:${c.sellerEmail}`);
  const [row] = await repo.listedTicketsOfSeller(tx, tenantId, c.sellerEmail, [c.showPk]);
  const listed = row ? Number(row.tickets) : 0;
  if (listed + c.quantity > c.cap) {
    throw new AppError('LISTING_LIMIT', `at most ${c.cap} tickets of this show on sale per seller (${listed} already listed)`, {
      field: 'ticketIds',
      details: { ruleType: 'RESALE', setting: 'maxListedTicketsPerSeller', limit: c.cap, listed, ruleId: c.ruleId },
    });
  }
}

/** Prices the listing under the event's rules and writes it ACTIVE with its tickets; returns its id. */
export async function insertListingInTx(
  tx: Tx,
  actor: Actor,
  input: { tickets: readonly ListableTicket[]; sellerEmail: string; price: number; now: Date; defaultFees: FeesSettings },
): Promise<string> {
  const { tickets, now } = input;
  const first = tickets[0]!;
  const ctx = await pricingContext(tx, actor.tenantId, first.showPk);
  const { currency, money, resaleRule } = priceUnderRules(ctx, {
    scope: { ticketOptionId: first.ticketOptionId, priceTypeId: first.priceTypeId },
    price: input.price,
    faceValuesMinor: tickets.map((t) => t.priceMinor),
    quantity: tickets.length,
    now,
    defaultFees: input.defaultFees,
  });
  const cap = resaleRule?.settings.maxListedTicketsPerSeller;
  if (cap !== undefined) await checkListingLimit(tx, actor.tenantId, { showPk: ctx.show.id, sellerEmail: input.sellerEmail, quantity: tickets.length, cap, ruleId: resaleRule!.id });
  const id = newId(ID_PREFIX.listing, now.getTime());
  try {
    await repo.insertListing(
      tx,
      {
        tenant_id: actor.tenantId,
        id,
        event_id: ctx.event.id,
        show_pk: ctx.show.id,
        external_event_id: ctx.event.externalReferenceId,
        external_show_id: ctx.show.showId,
        ticket_option_id: first.ticketOptionId,
        price_type_id: first.priceTypeId,
        type: tickets.length > 1 ? 'PACK' : 'SINGLE',
        quantity: tickets.length,
        price_minor: money.priceMinor,
        buyer_fee_minor: money.buyerFeeMinor,
        seller_fee_minor: money.sellerFeeMinor,
        currency,
        seller_email: input.sellerEmail,
        order_id: tickets.length > 1 ? first.orderId : null,
        status: 'ACTIVE',
        created_at: now,
        updated_at: now,
      },
      tickets.map((t) => ({ tenant_id: actor.tenantId, listing_id: id, ticket_id: t.ticketId, open: true, face_value_minor: t.priceMinor, seat: t.seat === null ? null : JSON.stringify(t.seat) })),
    );
  } catch (err) {
    // The backstop of one open listing per ticket; the status check above makes it unreachable in practice.
    if (pgConstraint(err) === 'listing_tickets_one_open') throw new AppError('TICKET_ALREADY_LISTED', 'one of these tickets is already listed', { field: 'ticketIds' });
    throw err;
  }
  return id;
}

/** The new listing as the API shows it, with its audit row and `listing.created`. */
export async function announceNewListing(tx: Tx, deps: ListingDeps, actor: Actor, listingId: string, now: Date): Promise<ListingView> {
  const listing = (await repo.findListing(tx, actor.tenantId, listingId))!;
  const view = listingView(listing, await repo.ticketsOf(tx, actor.tenantId, [listing.id]), now);
  await recordAudit(tx, actor, { action: 'listing.created', entityType: 'listing', entityId: listingId, after: view }, now);
  await announceListing(tx, deps, 'created', view, actor.tenantId);
  return view;
}
