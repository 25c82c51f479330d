import { withTx } from '../db/tx.js';
import { AppError } from '../lib/app-error.js';
import type { SellReason, SellStatus } from '../modules/access-layer/index.js';
import { refuseRepeatedTicketIds, type ListingView, type PriceBounds, type PricePreview } from '../modules/listings/index.js';
import { findTicketsForSeller } from '../modules/tickets/index.js';
import { evaluateSell, type SellEvaluation } from './access-layer-sell.js';
import { createListing, createListingInTx } from './listing-create.js';
import { asksOf, boundsOf, previewPrice, sellerActor, suggestedPriceMinor, ticketSummary, type OptionAsks, type SellerDeps, type SellerFan, type TicketSummary } from './seller-pages.js';

/**
 * The hosted "sell a ticket" and "sell an order" pages (SPEC §4.1 items 3 and 4). Whether a ticket can
 * be sold, and why not, is the Smart Access Layer's sell evaluation (evaluateSell), never decided
 * here; listing goes through the listing-create flow, the same use case as POST
 * /v1/marketplace/listings, so the page and the API refuse the same prices with the same codes.
 */

/** One ticket on a seller page: the evaluation's answer in page terms, and what the price field needs. */
export interface SellableTicket {
  ticket: TicketSummary;
  status: SellStatus;
  reason?: SellReason;
  availableFrom?: Date;
  availableUntil?: Date;
  /** FOR_SALE: the open listing; SOLD: the fan's sale. */
  listingId?: string;
  /** The TRANSFER rule lets the fan give it away now (the evaluation's P2P). */
  transferable: boolean;
  bounds: PriceBounds;
  /** The face value inside the bounds: the price field's first value. */
  suggestedMinor: number | null;
  asks: OptionAsks;
}

function sellable(e: SellEvaluation, asks: (showPk: string, optionId: string) => OptionAsks): SellableTicket | undefined {
  if (e.relation === 'none' || !e.ticket || !e.event || !e.show) return undefined;
  const summary = ticketSummary(e.event, e.show, e.ticket);
  const bounds = boundsOf(e.event, e.show, e.ticket, [e.ticket.priceMinor]);
  const out: SellableTicket = {
    ticket: summary,
    status: e.answer.status,
    transferable: e.ctas.some((c) => c.type === 'P2P'),
    bounds,
    suggestedMinor: suggestedPriceMinor(summary.faceValueMinor, bounds),
    asks: asks(e.show.id, e.ticket.ticketOptionId),
  };
  if (e.answer.reason) out.reason = e.answer.reason;
  if (e.answer.availableFrom) out.availableFrom = new Date(e.answer.availableFrom);
  if (e.answer.availableUntil) out.availableUntil = new Date(e.answer.availableUntil);
  if (e.answer.listing) out.listingId = e.answer.listing.listingId;
  return out;
}

export interface SellTicketView {
  item: SellableTicket;
  hasPayoutAccount: boolean;
}

/**
 * The sell page of one ticket for the fan: undefined — the page's 404 — unless the fan holds it or
 * sold it, and it is of the show the URL names.
 */
export async function sellTicketView(deps: SellerDeps, fan: SellerFan, showPk: string, ticketId: string): Promise<SellTicketView | undefined> {
  const sell = await evaluateSell(deps, fan.tenantId, fan.email, { ticketIds: [ticketId], orderIds: [] });
  const e = sell.evaluate(ticketId);
  if (e.ticket?.showPk !== showPk) return undefined;
  const asks = await asksOf(deps.db, fan.tenantId, [showPk], deps.clock.now());
  const item = sellable(e, asks);
  return item && { item, hasPayoutAccount: sell.hasPayoutAccount };
}

/** The fan's own ticket of this show, or undefined (not the fan's, another show's, unknown). */
async function ownTicket(deps: SellerDeps, fan: SellerFan, showPk: string, ticketId: string) {
  const [t] = await findTicketsForSeller(deps.db, fan.tenantId, [ticketId], []);
  return t && t.showPk === showPk && t.buyerEmail === fan.email ? t : undefined;
}

/**
 * What listing the ticket at `price` (major units) would cost the buyer and pay the fan: the listing
 * module's own pricing (RESALE check and fees). Undefined when the ticket is not the fan's; a refused
 * price throws the same AppError listing it would.
 */
export async function previewTicketPrice(deps: SellerDeps, fan: SellerFan, showPk: string, ticketId: string, price: number): Promise<PricePreview | undefined> {
  const t = await ownTicket(deps, fan, showPk, ticketId);
  if (!t) return undefined;
  return previewPrice(deps, fan.tenantId, { showPk, ticketOptionId: t.ticketOptionId, priceTypeId: t.priceTypeId, faceValuesMinor: [t.priceMinor], quantity: 1, price });
}

/** Lists the fan's ticket at `price` per ticket (major units): the listing-create flow, as the API. */
export async function listTicket(deps: SellerDeps, fan: SellerFan, showPk: string, ticketId: string, price: number): Promise<ListingView> {
  const t = await ownTicket(deps, fan, showPk, ticketId);
  if (!t) throw new AppError('TICKET_NOT_FOUND', `ticket ${ticketId} does not exist`, { field: 'ticketId' });
  return createListing(deps, sellerActor(fan.tenantId), { ticketIds: [ticketId], price, sellerEmail: fan.email });
}

export interface SellOrderView {
  orderId: string;
  /** The order's tickets the fan holds or sold, in ticket id order; others' tickets are left out. */
  items: SellableTicket[];
  hasPayoutAccount: boolean;
}

/** The order's page for the fan: undefined (404) when the fan holds nothing of it. */
export async function sellOrderView(deps: SellerDeps, fan: SellerFan, orderId: string): Promise<SellOrderView | undefined> {
  const sell = await evaluateSell(deps, fan.tenantId, fan.email, { ticketIds: [], orderIds: [orderId] });
  const mine = sell.tickets.filter((t) => t.orderId === orderId).map((t) => sell.evaluate(t.ticketId));
  if (!mine.some((e) => e.relation !== 'none')) return undefined;
  const asks = await asksOf(deps.db, fan.tenantId, mine.flatMap((e) => (e.show ? [e.show.id] : [])), deps.clock.now());
  const items = mine.flatMap((e) => sellable(e, asks) ?? []);
  return items.length === 0 ? undefined : { orderId, items, hasPayoutAccount: sell.hasPayoutAccount };
}

export type SellOrderRequest =
  /** Each ticket its own listing (SINGLE) at its own price. */
  | { mode: 'separate'; items: { ticketId: string; price: number }[] }
  /** The tickets together as one PACK, bought whole, at `price` per ticket. */
  | { mode: 'pack'; ticketIds: string[]; price: number };

/**
 * Lists the chosen tickets of an order, all or nothing in one transaction: separately (one listing
 * each) or as one PACK (which the listings module accepts only for one order, show, option and price
 * type). A refusal names the ticket it is about (`details.ticketId`) so the page can show it there.
 */
export async function listOrderTickets(deps: SellerDeps, fan: SellerFan, orderId: string, request: SellOrderRequest): Promise<ListingView[]> {
  const ids = request.mode === 'pack' ? request.ticketIds : request.items.map((i) => i.ticketId);
  if (ids.length === 0) throw new AppError('VALIDATION_ERROR', 'choose at least one ticket', { field: 'ticketIds' });
  refuseRepeatedTicketIds(ids);
  // Only the order's tickets: a ticket id smuggled into the form from elsewhere is unknown here.
  const ofOrder = new Set((await findTicketsForSeller(deps.db, fan.tenantId, [], [orderId])).filter((t) => t.orderId === orderId).map((t) => t.ticketId));
  const stranger = ids.find((id) => !ofOrder.has(id));
  if (stranger !== undefined) throw new AppError('TICKET_NOT_FOUND', `ticket ${stranger} is not in order ${orderId}`, { field: 'ticketIds', details: { ticketId: stranger } });
  const actor = sellerActor(fan.tenantId);
  const sellerEmail = fan.email;
  if (request.mode === 'pack') return [await createListing(deps, actor, { ticketIds: ids, price: request.price, sellerEmail })];
  return withTx(deps.db, async (tx) => {
    const views: ListingView[] = [];
    for (const item of request.items) {
      try {
        views.push(await createListingInTx(tx, deps, actor, { ticketIds: [item.ticketId], price: item.price, sellerEmail }));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        throw new AppError(err.code, err.message, { ...(err.field === undefined ? {} : { field: err.field }), details: { ...err.details, ticketId: item.ticketId } });
      }
    }
    return views;
  });
}

/** The bounds a PACK of these tickets is priced within: every ticket's (the tightest of them). */
export function packBoundsOf(items: readonly SellableTicket[]): PriceBounds {
  const out: PriceBounds = {};
  for (const { bounds: b } of items) {
    if (b.minMinor !== undefined && (out.minMinor === undefined || b.minMinor > out.minMinor)) out.minMinor = b.minMinor;
    if (b.maxMinor !== undefined && (out.maxMinor === undefined || b.maxMinor < out.maxMinor)) {
      out.maxMinor = b.maxMinor;
      if (b.maxBy !== undefined) out.maxBy = b.maxBy;
      if (b.maxMarkupPercent !== undefined) out.maxMarkupPercent = b.maxMarkupPercent;
    }
  }
  return out;
}

/** A preview, or the refusal the listing would meet (an AppError of the listings module). */
export type PreviewOutcome = { ok: true; preview: PricePreview } | { ok: false; error: unknown };

const outcome = async (run: () => Promise<PricePreview>): Promise<PreviewOutcome> => {
  try {
    return { ok: true, preview: await run() };
  } catch (error) {
    return { ok: false, error };
  }
};

/**
 * The figures of an order's listing request before it is sent (the page's "Update preview" without
 * JavaScript): each ticket at its price, or the PACK at its price per ticket. Tickets that are not
 * the fan's, or not of the order, are left out.
 */
export async function previewOrderPrices(deps: SellerDeps, fan: SellerFan, orderId: string, request: SellOrderRequest): Promise<{ items: Map<string, PreviewOutcome>; pack?: PreviewOutcome }> {
  const mine = new Map((await findTicketsForSeller(deps.db, fan.tenantId, [], [orderId])).filter((t) => t.orderId === orderId && t.buyerEmail === fan.email).map((t) => [t.ticketId, t]));
  const items = new Map<string, PreviewOutcome>();
  if (request.mode === 'separate') {
    for (const { ticketId, price } of request.items) {
      const t = mine.get(ticketId);
      if (!t) continue;
      items.set(ticketId, await outcome(() => previewPrice(deps, fan.tenantId, { showPk: t.showPk, ticketOptionId: t.ticketOptionId, priceTypeId: t.priceTypeId, faceValuesMinor: [t.priceMinor], quantity: 1, price })));
    }
    return { items };
  }
  const pack = request.ticketIds.flatMap((id) => mine.get(id) ?? []);
  const first = pack[0];
  if (!first) return { items };
  return {
    items,
    pack: await outcome(() =>
      previewPrice(deps, fan.tenantId, {
        showPk: first.showPk,
        ticketOptionId: first.ticketOptionId,
        priceTypeId: first.priceTypeId,
        faceValuesMinor: pack.map((t) => t.priceMinor),
        quantity: pack.length,
        price: request.price,
      }),
    ),
  };
}
