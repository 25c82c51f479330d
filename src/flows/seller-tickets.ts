import type { SellReason, SellStatus } from '../modules/access-layer/index.js';
import { getEventsByIds } from '../modules/events/index.js';
import { listingPlaces, ticketIdsSoldBy } from '../modules/listings/index.js';
import { getPayoutAccountView, savePayoutAccount, scheduledPayoutsOfSeller, type PayoutAccountInput, type PayoutAccountView, type SellerPayout } from '../modules/payouts/index.js';
import { ticketAccessOf, ticketIdsOfOwner, type TicketAccess } from '../modules/tickets/index.js';
import { evaluateSell, type PendingCta, type SellTicketAnswer } from './access-layer-sell.js';
import { sellerActor, ticketSummary, type SellerDeps, type SellerFan, type TicketSummary } from './seller-pages.js';

/**
 * The hosted "my tickets" (SPEC §4.1 item 6) and "payout details" (item 7) pages. My tickets is the
 * Smart Access Layer's sell mode for every ticket the fan holds or sold with the integrator: the same
 * statuses, reasons and actions (evaluateSell), plus the access code, shown only when UNLOCKED.
 */

/** How many tickets the page shows at most (held, and sold): a fan's tickets with one integrator. */
export const MY_TICKETS_LIMIT = 200;
const SOLD_LIMIT = 100;

export interface MyTicket {
  ticket: TicketSummary;
  status: SellStatus;
  reason?: SellReason;
  availableFrom?: Date;
  availableUntil?: Date;
  listing?: SellTicketAnswer['listing'];
  /** The sell mode's actions, as pages (the page links them on its own site). */
  ctas: PendingCta[];
  /** The fan's access to the venue: only for a ticket the fan holds (not one sold). */
  access?: TicketAccess;
}

export interface MyShow {
  showPk: string;
  eventTitle: string;
  showTitle: string | null;
  startsAt: Date;
  timeZone: string;
  tickets: MyTicket[];
}

export interface MyTicketsView {
  /** By show, soonest first. */
  shows: MyShow[];
  hasPayoutAccount: boolean;
  /** More tickets than the page shows. */
  truncated: boolean;
}

export async function myTicketsView(deps: SellerDeps, fan: SellerFan, orderId?: string): Promise<MyTicketsView> {
  const [held, sold] = await Promise.all([
    ticketIdsOfOwner(deps.db, fan.tenantId, fan.email, { orderId, limit: MY_TICKETS_LIMIT + 1 }),
    ticketIdsSoldBy(deps.db, fan.tenantId, fan.email, SOLD_LIMIT),
  ]);
  const truncated = held.length > MY_TICKETS_LIMIT;
  const ids = [...new Set([...held.slice(0, MY_TICKETS_LIMIT), ...sold])];
  const [sell, access] = await Promise.all([evaluateSell(deps, fan.tenantId, fan.email, { ticketIds: ids, orderIds: [] }), ticketAccessOf(deps.db, fan.tenantId, held)]);
  const byShow = new Map<string, MyShow>();
  for (const id of ids) {
    const e = sell.evaluate(id);
    if (e.relation === 'none' || !e.ticket || !e.event || !e.show) continue;
    if (orderId !== undefined && e.ticket.orderId !== orderId) continue;
    const item: MyTicket = { ticket: ticketSummary(e.event, e.show, e.ticket), status: e.answer.status, ctas: e.ctas };
    if (e.answer.reason) item.reason = e.answer.reason;
    if (e.answer.availableFrom) item.availableFrom = new Date(e.answer.availableFrom);
    if (e.answer.availableUntil) item.availableUntil = new Date(e.answer.availableUntil);
    if (e.answer.listing) item.listing = e.answer.listing;
    const a = e.relation === 'owner' ? access.get(id) : undefined;
    if (a) item.access = a;
    let show = byShow.get(e.show.id);
    if (!show) {
      show = { showPk: e.show.id, eventTitle: e.event.title, showTitle: e.show.title, startsAt: e.show.startsAt, timeZone: e.event.timeZone ?? 'UTC', tickets: [] };
      byShow.set(e.show.id, show);
    }
    show.tickets.push(item);
  }
  const shows = [...byShow.values()].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.showPk.localeCompare(b.showPk));
  for (const s of shows) s.tickets.sort((a, b) => a.ticket.ticketId.localeCompare(b.ticket.ticketId));
  return { shows, hasPayoutAccount: sell.hasPayoutAccount, truncated };
}

/** A payout still to come, with the show it is for (its date shown in the event's time zone). */
export interface PendingPayout extends SellerPayout {
  eventTitle: string | null;
  timeZone: string;
}

export interface PayoutDetailsView {
  /** Masked (holder, last four characters); undefined until the fan gives one. */
  account: PayoutAccountView | undefined;
  /** Payouts still to come, soonest first: they are released after their show, once the account exists. */
  pending: PendingPayout[];
}

/** How many pending payouts the page lists. */
const PENDING_LIMIT = 50;

export async function payoutDetailsView(deps: SellerDeps, fan: SellerFan): Promise<PayoutDetailsView> {
  const [account, payouts] = await Promise.all([getPayoutAccountView(deps.db, fan.tenantId, fan.email), scheduledPayoutsOfSeller(deps.db, fan.tenantId, fan.email, PENDING_LIMIT)]);
  // Two batched reads, whatever the number of payouts: where each sold listing was, then those events.
  const places = await listingPlaces(deps.db, fan.tenantId, payouts.map((p) => p.listingId));
  const events = new Map((await getEventsByIds(deps.db, fan.tenantId, [...new Set([...places.values()].map((p) => p.eventId))])).map((e) => [e.id, e]));
  const pending = payouts.map((p): PendingPayout => {
    const event = events.get(places.get(p.listingId)?.eventId ?? '');
    return { ...p, eventTitle: event?.title ?? null, timeZone: event?.timeZone ?? 'UTC' };
  });
  return { account, pending };
}

/**
 * Saves the fan's payout account through the payouts module's own use case (the API's PUT): the
 * same checks, each refusal a VALIDATION_ERROR naming its field; the number is sealed at rest.
 */
export async function savePayoutDetails(deps: SellerDeps, fan: SellerFan, input: Omit<PayoutAccountInput, 'sellerEmail'>): Promise<PayoutAccountView> {
  return savePayoutAccount(deps, sellerActor(fan.tenantId), { ...input, sellerEmail: fan.email });
}
