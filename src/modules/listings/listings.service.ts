import type { Deps } from '../../app/deps.js';
import { pgConstraint, withTx, type Executor, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { toMinor } from '../../lib/money.js';
import { transition } from '../../lib/state-machine.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { findShow, getEventForTenant, mostSpecificRule, type EventRecord, type FeesSettings, type ShowRecord } from '../events/index.js';
import { getMarketSettings } from '../tenants/index.js';
import { lockTicketsForResale, markTicketsListed, markTicketsUnlisted, type ResaleTicket } from '../tickets/index.js';
import { emitWebhook } from '../webhooks/index.js';
import { groupTickets, listedTicketView, listingView } from './listings.mappers.js';
import { feesFor } from './listings.money.js';
import { listingsRepository as repo, type ListingRow } from './listings.repository.js';
import { checkResaleRule } from './listings.rules.js';
import type { CreateListingBody, ListedTicketView, ListingView } from './listings.schemas.js';
import { effectiveStatus, LISTING_STATES } from './listings.states.js';

export type ListingDeps = Pick<Deps, 'db' | 'clock' | 'queue'>;

/** Why a ticket cannot be listed, by its status (SPEC §4): the reason travels in the 409. */
function refuseTicket(t: ResaleTicket, i: number): never {
  const field = `ticketIds[${i}]`;
  if (t.status === 'LISTED') throw new AppError('TICKET_ALREADY_LISTED', `ticket ${t.ticketId} is already listed`, { field, details: { ticketId: t.ticketId } });
  throw new AppError('TICKET_NOT_LISTABLE', `ticket ${t.ticketId} is ${t.status} and cannot be listed`, { field, details: { ticketId: t.ticketId, status: t.status } });
}

/** A PACK is several tickets of one order, one show, one ticket option and one price type. */
function checkPack(tickets: readonly ResaleTicket[]): void {
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

interface PricingContext {
  event: EventRecord;
  show: ShowRecord;
}

async function pricingContext(ex: Executor, tenantId: string, showPk: string): Promise<PricingContext> {
  const found = await findShow(ex, tenantId, { id: showPk });
  if (!found) throw new AppError('SHOW_NOT_FOUND', `show ${showPk} does not exist`);
  if (found.event.status === 'CANCELLED') throw new AppError('EVENT_CANCELLED', `event ${found.event.externalReferenceId} is cancelled`);
  if (found.show.status === 'CANCELLED') throw new AppError('SHOW_CANCELLED', `show ${found.show.showId} is cancelled`);
  return found;
}

/** The RESALE rule check and the fees for a price, both from the most specific rules of the listing's scope. */
async function priceUnderRules(
  ex: Executor,
  tenantId: string,
  ctx: PricingContext,
  scope: { ticketOptionId: string; priceTypeId: string | null },
  price: number,
  faceValuesMinor: readonly (number | null)[],
  quantity: number,
  now: Date,
) {
  const currency = ctx.event.currency;
  const priceMinor = toMinor(price, currency, 'price');
  const target = { showId: ctx.show.showId, ticketOptionId: scope.ticketOptionId, priceTypeId: scope.priceTypeId };
  const resale = mostSpecificRule(ctx.event.rules, target, 'RESALE');
  checkResaleRule({
    rule: resale && resale.ruleType === 'RESALE' ? { id: resale.id, settings: resale.settings } : undefined,
    priceMinor,
    currency,
    faceValuesMinor,
    quantity,
    now,
    showStartsAt: ctx.show.startsAt,
  });
  const feeRule = mostSpecificRule(ctx.event.rules, target, 'FEES');
  const fees: FeesSettings = feeRule && feeRule.ruleType === 'FEES' ? feeRule.settings : (await getMarketSettings(ex, tenantId)).defaultFees;
  return { currency, money: feesFor(priceMinor, fees) };
}

async function viewOf(ex: Executor, listing: ListingRow, now: Date): Promise<ListingView> {
  return listingView(listing, await repo.ticketsOf(ex, listing.tenant_id, [listing.id]), now);
}

/** `listing.created|updated|deleted` with the listing as it now is (SPEC §8). */
export async function announceListing(tx: Tx, deps: ListingDeps, action: 'created' | 'updated' | 'deleted', view: ListingView, tenantId: string): Promise<void> {
  await emitWebhook(tx, deps, tenantId, { family: 'listing', action, data: view });
}

/** POST /v1/marketplace/listings: the seller (the tickets' current owner) lists one ticket or a PACK. */
export async function createListing(deps: ListingDeps, actor: Actor, body: CreateListingBody): Promise<ListingView> {
  const sellerEmail = body.sellerEmail.toLowerCase();
  const ids = body.ticketIds;
  const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (dup >= 0) throw new AppError('VALIDATION_ERROR', `ticketIds[${dup}] repeats ${ids[dup]}`, { field: `ticketIds[${dup}]` });
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const locked = new Map((await lockTicketsForResale(tx, actor.tenantId, ids)).map((t) => [t.ticketId, t]));
    const tickets = ids.map((id, i) => {
      const t = locked.get(id);
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
    const first = tickets[0]!;
    const ctx = await pricingContext(tx, actor.tenantId, first.showPk);
    const scope = { ticketOptionId: first.ticketOptionId, priceTypeId: first.priceTypeId };
    const { currency, money } = await priceUnderRules(tx, actor.tenantId, ctx, scope, body.price, tickets.map((t) => t.priceMinor), tickets.length, now);
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
          seller_email: sellerEmail,
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
    await markTicketsListed(tx, actor, actor.tenantId, ids, id, now);
    const view = await viewOf(tx, (await repo.findListing(tx, actor.tenantId, id))!, now);
    await recordAudit(tx, actor, { action: 'listing.created', entityType: 'listing', entityId: id, after: view }, now);
    await announceListing(tx, deps, 'created', view, actor.tenantId);
    return view;
  });
}

/** PATCH /v1/marketplace/listings/:listingId: a new price, checked against the RESALE rule again. */
export async function changeListingPrice(deps: ListingDeps, actor: Actor, listingId: string, price: number): Promise<ListingView> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const listing = await repo.findListing(tx, actor.tenantId, listingId, { lock: true });
    if (!listing) throw new AppError('LISTING_NOT_FOUND', `listing ${listingId} does not exist`, { field: 'listingId' });
    const status = effectiveStatus(listing.status, listing.hold_expires_at, now);
    if (status !== 'ACTIVE') {
      const why = status === 'RESERVED' ? `is reserved by a buyer until ${listing.hold_expires_at!.toISOString()}` : `is ${status}`;
      throw new AppError('LISTING_NOT_ACTIVE', `listing ${listingId} ${why}; its price cannot change`, { details: { status } });
    }
    const tickets = await repo.ticketsOf(tx, actor.tenantId, [listing.id]);
    const ctx = await pricingContext(tx, actor.tenantId, listing.show_pk);
    const scope = { ticketOptionId: listing.ticket_option_id, priceTypeId: listing.price_type_id };
    const { money } = await priceUnderRules(tx, actor.tenantId, ctx, scope, price, tickets.map((t) => t.face_value_minor), listing.quantity, now);
    const before = listingView(listing, tickets, now);
    const updated = await repo.updatePrice(tx, actor.tenantId, listing.id, money, now);
    const view = listingView(updated, tickets, now);
    await recordAudit(tx, actor, { action: 'listing.price_changed', entityType: 'listing', entityId: listing.id, before: { price: before.price }, after: { price: view.price } }, now);
    await announceListing(tx, deps, 'updated', view, actor.tenantId);
    return view;
  });
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
  for (const l of listings) transition(LISTING_STATES, `listing ${l.id}`, l.status, 'TERMINATED');
  const closed = await repo.closeListings(tx, actor.tenantId, listings.map((l) => l.id), 'TERMINATED', reason, null, now);
  const tickets = groupTickets(await repo.ticketsOf(tx, actor.tenantId, closed.map((l) => l.id)));
  const views: ListingView[] = [];
  for (const l of closed) {
    const own = tickets.get(l.id) ?? [];
    await markTicketsUnlisted(tx, actor, actor.tenantId, own.map((t) => t.ticket_id), l.id, reason, now);
    const view = listingView(l, own, now);
    await recordAudit(tx, actor, { action: 'listing.terminated', entityType: 'listing', entityId: l.id, after: { reason } }, now);
    await announceListing(tx, deps, 'deleted', view, actor.tenantId);
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

/** GET /v1/marketplace/items/events/:eventId/listedTickets: what a buyer can take now, cheapest first. */
export async function listedTickets(
  deps: Pick<Deps, 'db' | 'clock'>,
  tenantId: string,
  q: { eventId: string; showId?: string | undefined; limit: number; offset: number },
): Promise<{ items: ListedTicketView[]; total: number; limit: number; offset: number }> {
  const event = await getEventForTenant(deps.db, tenantId, q.eventId);
  if (!event) throw new AppError('EVENT_NOT_FOUND', `event ${q.eventId} does not exist`, { field: 'eventId' });
  let showPk: string | undefined;
  if (q.showId !== undefined) {
    const show = event.shows.find((s) => s.showId === q.showId);
    if (!show) throw new AppError('SHOW_NOT_FOUND', `event ${q.eventId} has no show ${q.showId}`, { field: 'showId' });
    showPk = show.id;
  }
  const { rows, total } = await repo.browse(deps.db, { tenantId, eventId: event.id, ...(showPk ? { showPk } : {}), limit: q.limit, offset: q.offset, now: deps.clock.now() });
  const tickets = groupTickets(await repo.ticketsOf(deps.db, tenantId, rows.map((r) => r.id)));
  const items = rows.map((l) => {
    const show = event.shows.find((s) => s.id === l.show_pk);
    const option = show?.ticketOptions.find((o) => o.ticketId === l.ticket_option_id);
    const priceType = l.price_type_id === null ? undefined : show?.priceTypes.find((p) => p.priceTypeId === l.price_type_id);
    return listedTicketView(l, tickets.get(l.id) ?? [], { option: option?.title ?? null, priceType: priceType?.title ?? null });
  });
  return { items, total, limit: q.limit, offset: q.offset };
}
