import { randomBytes } from 'node:crypto';
import type { Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { toMajor } from '../../lib/money.js';
import type { Actor } from '../audit/index.js';
import { intentView, type HistoryItem, type IntentRow, type StoredItem } from './intents.model.js';
import { requireOpen } from './intents.ops.service.js';
import { intentsRepository as repo } from './intents.repository.js';
import type { CartItemBody, CartTicketBody } from './intents.schemas.js';
import { announceIntent, buildCart, changeIntent, historyItem, holdSeats, seatIdOf, type Cart, type IntentChange, type IntentDeps, type IntentView } from './intents.service.js';
import { showOf } from './intents.show.js';

/**
 * Cart changes of an existing purchase intent (SPEC §7, issue 5; routes in api/purchase-intents/
 * intents.items.routes.ts): split here, and the steps of PUT and PATCH items, which are flows
 * (flows/purchase-intent-items.ts) because they re-check capacity (events, tickets) or invalidate
 * issued tickets (tickets).
 */

export interface ReplaceItemsBody {
  tickets?: Array<Partial<CartTicketBody> & { amount: number; ticketTypeId: string }>;
  products?: Array<Partial<CartItemBody> & { amount: number }>;
}

export interface AmendItemsBody {
  $invalidateTicketRanges?: number[][];
}

export interface SplitBody {
  customerId: string;
  tickets: Array<{ _id?: string; type?: string; amount: number; ticketTypeId?: string; seatingInfo?: unknown; [k: string]: unknown }>;
  sendMail?: boolean;
}

/** A stored item back to the shape a client sends (price in major units), to re-price it. */
function asBody(item: StoredItem, currency: string): CartItemBody & CartTicketBody {
  const { priceMinor, netPriceMinor, ...rest } = item;
  return {
    ...rest,
    price: toMajor(priceMinor, currency),
    ...(netPriceMinor !== undefined ? { netPrice: toMajor(netPriceMinor, currency) } : {}),
  } as CartItemBody & CartTicketBody;
}

function cartColumns(cart: Cart): Pick<IntentChange['set'], 'tickets' | 'products' | 'additional_items' | 'regular_price_minor' | 'real_price_minor'> {
  return {
    tickets: JSON.stringify(cart.tickets),
    products: JSON.stringify(cart.products),
    additional_items: JSON.stringify(cart.additionalItems),
    regular_price_minor: cart.regular,
    real_price_minor: cart.real,
  };
}

function priceChange(row: IntentRow, cart: Cart): Record<string, unknown> {
  return { realPrice: { from: toMajor(row.real_price_minor, row.currency), to: toMajor(cart.real, row.currency) } };
}

/**
 * Before a new cart is checked (PUT items): the intent's own lines are dropped first, so the capacity
 * check counts only the other intents.
 */
export async function dropLines(tx: Tx, row: IntentRow): Promise<void> {
  await repo.replaceLines(tx, row.tenant_id, row.id, row.show_pk, new Map());
}

/** The intent takes a new cart: its lines replaced, seats no longer in the cart released, the others (re-)held. */
export async function takeCart(tx: Tx, row: IntentRow, cart: Cart, now: Date): Promise<void> {
  await repo.replaceLines(tx, row.tenant_id, row.id, row.show_pk, cart.wanted);
  const keep = cart.tickets.map((t) => seatIdOf(t.seatingInfo)).filter((s): s is string => s !== undefined);
  await repo.releaseSeats(tx, row.tenant_id, row.id, keep);
  await holdSeats(tx, row.tenant_id, row.show_pk, row.id, cart.tickets, now);
}

function refuseIssued(row: IntentRow, what: string): void {
  if (row.tickets_issued) {
    throw new AppError('INVALID_STATE_TRANSITION', `cannot ${what}: purchase intent ${row.id} has issued tickets; amend them with PATCH items ($invalidateTicketRanges)`, {
      details: { ticketsIssued: true },
    });
  }
}

/**
 * `PUT /api/purchaseintents/:id/items`, the new cart: replaces the cart's `tickets` (and `products`
 * when sent). A ticket without `price` keeps the price of the cart item with the same `_id`, else its
 * ticket option's list price. Intents with issued tickets are amended with PATCH instead.
 */
export async function replacementCart(tx: Tx, row: IntentRow, body: ReplaceItemsBody, now: Date): Promise<Cart> {
  requireOpen(row, now, 'replace the items');
  refuseIssued(row, 'replace the items');
  if (body.tickets === undefined && body.products === undefined) throw new AppError('VALIDATION_ERROR', 'tickets or products is required', { field: 'tickets' });
  const { show } = await showOf(tx, row);
  const current = new Map((row.tickets as StoredItem[]).map((t) => [t._id, t]));
  const tickets = body.tickets === undefined
    ? (row.tickets as StoredItem[]).map((t) => asBody(t, row.currency))
    : body.tickets.map((t) => {
        const option = show.ticketOptions.find((o) => o.ticketId === t.ticketTypeId);
        const prev = typeof t._id === 'string' ? current.get(t._id) : undefined;
        const price = typeof t.price === 'number' ? t.price : prev ? toMajor(prev.priceMinor, row.currency) : option ? toMajor(option.priceMinor, row.currency) : 0;
        return { ...t, price };
      });
  const products = body.products === undefined
    ? (row.products as StoredItem[]).map((p) => asBody(p, row.currency))
    : body.products.map((p, i) => {
        if (typeof p.price !== 'number') throw new AppError('VALIDATION_ERROR', `products[${i}].price is required`, { field: `products[${i}].price` });
        return { ...p, type: typeof p.type === 'string' ? p.type : 'product' } as CartItemBody;
      });
  const additionalItems = (row.additional_items as StoredItem[]).map((a) => asBody(a, row.currency));
  return buildCart(show, row.currency, { tickets, products, additionalItems }, now);
}

/** What PUT items records: the new cart's columns and history entry. */
export function itemsReplacedChange(actor: Actor, row: IntentRow, cart: Cart, now: Date): IntentChange {
  return {
    set: cartColumns(cart),
    history: [historyItem('purchaseIntent.updated', actor, now, { items: 'replaced', tickets: cart.tickets.length, products: cart.products.length, ...priceChange(row, cart) })],
    action: 'purchaseIntent.itemsReplaced',
  };
}

/** An issued ticket of the intent, as the tickets module locks them (in issue order). */
export interface IssuedTicket {
  ticket_id: string;
  ticket_option_id: string;
  status: string;
  price_minor: number | null;
}

/**
 * `PATCH /api/purchaseintents/:id/items` with `$invalidateTicketRanges`, the checks before anything
 * is locked: an open intent with issued tickets, and at least one range. Returns the ranges.
 */
export function requireAmendable(row: IntentRow, now: Date, body: AmendItemsBody): number[][] {
  requireOpen(row, now, 'amend the items');
  const ranges = body.$invalidateTicketRanges;
  if (ranges === undefined || ranges.length === 0) {
    throw new AppError('VALIDATION_ERROR', '$invalidateTicketRanges must name at least one range', { field: '$invalidateTicketRanges' });
  }
  if (!row.tickets_issued) {
    throw new AppError('INVALID_STATE_TRANSITION', `purchase intent ${row.id} has no issued tickets to invalidate; use PUT items to change its cart`, {
      field: '$invalidateTicketRanges',
    });
  }
  return ranges;
}

/**
 * The tickets the ranges pick: each `[from, to]` is an inclusive, 0-based range of the intent's
 * issued tickets in issue order (`${id}-1` is index 0), each RESERVED or VALID. In index order.
 */
export function pickTicketRanges<T extends IssuedTicket>(row: IntentRow, ranges: readonly number[][], issued: readonly T[]): T[] {
  const picked = new Set<number>();
  for (const [r, range] of ranges.entries()) {
    const [from, to] = range as [number, number];
    const field = `$invalidateTicketRanges[${r}]`;
    if (from > to) throw new AppError('VALIDATION_ERROR', `${field}: from ${from} is after to ${to}`, { field });
    if (to >= issued.length) throw new AppError('VALIDATION_ERROR', `${field}: purchase intent ${row.id} has ${issued.length} issued tickets (indexes 0..${issued.length - 1})`, { field });
    for (let k = from; k <= to; k++) {
      const t = issued[k]!;
      if (t.status !== 'RESERVED' && t.status !== 'VALID') {
        throw new AppError('INVALID_STATE_TRANSITION', `${field}: ticket ${t.ticket_id} (index ${k}) is ${t.status}`, { field, details: { ticketId: t.ticket_id, status: t.status } });
      }
      picked.add(k);
    }
  }
  return [...picked].sort((a, b) => a - b).map((k) => issued[k]!);
}

/**
 * After the chosen tickets were invalidated: the cart loses one place per ticket (of its ticket
 * option), prices recomputed, lines and seats following. A cart left with no ticket is refused.
 */
export async function shrinkCart(tx: Tx, row: IntentRow, chosen: readonly IssuedTicket[], now: Date): Promise<Cart> {
  // One place less per invalidated ticket, from the cart items of its ticket option (last first).
  const tickets = (row.tickets as StoredItem[]).map((t) => ({ ...t }));
  for (const t of chosen) {
    const item = [...tickets].reverse().find((i) => i.ticketTypeId === t.ticket_option_id && i.amount > 0 && i.priceMinor === t.price_minor)
      ?? [...tickets].reverse().find((i) => i.ticketTypeId === t.ticket_option_id && i.amount > 0);
    if (item) item.amount -= 1;
  }
  if (tickets.every((i) => i.amount <= 0)) {
    throw new AppError('VALIDATION_ERROR', '$invalidateTicketRanges would leave no ticket in the cart; cancel the purchase intent instead', { field: '$invalidateTicketRanges' });
  }
  const { show } = await showOf(tx, row);
  const cart = buildCart(
    show,
    row.currency,
    {
      tickets: tickets.filter((i) => i.amount > 0).map((i) => asBody(i, row.currency)),
      products: (row.products as StoredItem[]).map((p) => asBody(p, row.currency)),
      additionalItems: (row.additional_items as StoredItem[]).map((a) => asBody(a, row.currency)),
    },
    now,
  );
  await repo.replaceLines(tx, row.tenant_id, row.id, row.show_pk, cart.wanted);
  const keep = cart.tickets.map((i) => seatIdOf(i.seatingInfo)).filter((s): s is string => s !== undefined);
  await repo.releaseSeats(tx, row.tenant_id, row.id, keep);
  return cart;
}

/** What PATCH items records: the smaller cart's columns and the invalidated tickets in the history. */
export function itemsAmendedChange(actor: Actor, row: IntentRow, cart: Cart, chosen: readonly IssuedTicket[], now: Date): IntentChange {
  return {
    set: cartColumns(cart),
    history: [historyItem('purchaseIntent.updated', actor, now, { invalidatedTickets: chosen.map((t) => t.ticket_id), ...priceChange(row, cart) })],
    action: 'purchaseIntent.itemsAmended',
  };
}

/**
 * `POST /api/purchaseintents/:id/split`: moves the given cart tickets (matched by `_id`, else by
 * `ticketTypeId`; `amount` may take part of an item) to a new intent for `customerId`, same show,
 * strategy, approval, expiry and channels. Both carts are re-priced, both get a history entry
 * (`splitInto` / `splitFrom`), the moved seats follow. Returns the new intent. The source must keep a
 * ticket, and an intent with issued tickets cannot be split (its tickets are numbered by intent).
 */
export async function splitIntent(deps: IntentDeps, actor: Actor, id: string, body: SplitBody): Promise<IntentView> {
  let created: IntentView | undefined;
  await changeIntent(deps, actor, id, async (row, now, tx) => {
    requireOpen(row, now, 'split');
    refuseIssued(row, 'split');
    if (body.tickets.length === 0) throw new AppError('VALIDATION_ERROR', 'tickets must name at least one cart ticket to move', { field: 'tickets' });
    const remaining = (row.tickets as StoredItem[]).map((t) => ({ ...t }));
    const moved: StoredItem[] = [];
    for (const [j, want] of body.tickets.entries()) {
      const field = `tickets[${j}]`;
      if (want.type !== undefined && want.type !== 'ticket') throw new AppError('VALIDATION_ERROR', `${field}.type: only tickets can be split`, { field: `${field}.type` });
      const seat = seatIdOf(want.seatingInfo);
      const source = remaining.find(
        (i) => i.amount > 0 && (want._id !== undefined ? i._id === want._id : i.ticketTypeId === want.ticketTypeId && (seat === undefined || seatIdOf(i.seatingInfo) === seat)),
      );
      if (!source) {
        const what = want._id !== undefined ? `cart item ${want._id}` : `a ticket of type ${want.ticketTypeId}`;
        throw new AppError('VALIDATION_ERROR', `${field}: purchase intent ${row.id} has no ${what} left to move`, { field: want._id !== undefined ? `${field}._id` : `${field}.ticketTypeId` });
      }
      if (want.amount > source.amount) {
        throw new AppError('VALIDATION_ERROR', `${field}.amount: only ${source.amount} left in cart item ${source._id}`, { field: `${field}.amount` });
      }
      source.amount -= want.amount;
      moved.push({ ...source, _id: source.amount === 0 ? source._id : newId('itm', now.getTime()), amount: want.amount });
    }
    const kept = remaining.filter((i) => i.amount > 0);
    if (kept.length === 0) throw new AppError('VALIDATION_ERROR', 'tickets: a split must leave at least one ticket in the purchase intent', { field: 'tickets' });

    const { show } = await showOf(tx, row);
    const sourceCart = buildCart(
      show,
      row.currency,
      {
        tickets: kept.map((i) => asBody(i, row.currency)),
        products: (row.products as StoredItem[]).map((p) => asBody(p, row.currency)),
        additionalItems: (row.additional_items as StoredItem[]).map((a) => asBody(a, row.currency)),
      },
      now,
    );
    const newCart = buildCart(show, row.currency, { tickets: moved.map((i) => asBody(i, row.currency)), products: [], additionalItems: [] }, now);

    // The source gives up its lines and moved seats first, so the new intent can take them over.
    await repo.replaceLines(tx, row.tenant_id, row.id, row.show_pk, sourceCart.wanted);
    const keep = sourceCart.tickets.map((i) => seatIdOf(i.seatingInfo)).filter((s): s is string => s !== undefined);
    await repo.releaseSeats(tx, row.tenant_id, row.id, keep);

    const newIntentId = newId(ID_PREFIX.purchaseIntent, now.getTime());
    const inserted = await repo.insert(tx, {
      tenant_id: row.tenant_id,
      id: newIntentId,
      secret: randomBytes(24).toString('base64url'),
      status: 'new',
      approval_status: row.approval_status,
      rejection_reason: row.rejection_reason,
      customer_id: body.customerId,
      event_ref: row.event_ref,
      event_id: row.event_id,
      show_pk: row.show_pk,
      shop_id: row.shop_id,
      strategy_id: row.strategy_id,
      sales_channel_id: row.sales_channel_id,
      seating_reservation_token: null,
      currency: row.currency,
      regular_price_minor: newCart.regular,
      real_price_minor: newCart.real,
      inner_charge_minor: 0,
      outer_charge_minor: 0,
      tickets: JSON.stringify(newCart.tickets),
      products: '[]',
      additional_items: '[]',
      extra_fields: row.extra_fields === null ? null : JSON.stringify(row.extra_fields),
      meta: row.meta === null ? null : JSON.stringify(row.meta),
      restricted_completion: row.restricted_completion,
      cancellation_strategy: row.cancellation_strategy,
      tickets_issued: false,
      expires_at: row.expires_at,
      history: JSON.stringify([historyItem('purchaseIntent.created', actor, now, { strategyId: row.strategy_id, splitFrom: row.id })] satisfies HistoryItem[]),
      version: 0,
      created_at: now,
      updated_at: now,
    });
    await repo.replaceLines(tx, row.tenant_id, newIntentId, row.show_pk, newCart.wanted);
    await holdSeats(tx, row.tenant_id, row.show_pk, newIntentId, newCart.tickets, now);
    created = intentView(inserted);
    await announceIntent(tx, deps, row.tenant_id, 'purchaseIntent.created', created);
    return {
      set: cartColumns(sourceCart),
      history: [historyItem('purchaseIntent.updated', actor, now, { splitInto: newIntentId, customerId: body.customerId, movedTickets: moved.map((m) => m._id), ...priceChange(row, sourceCart) })],
      action: 'purchaseIntent.split',
    };
  });
  return created!;
}
