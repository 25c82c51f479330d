import { inLockOrder, withLockTimeout } from '../../db/locks.js';
import type { Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { newId } from '../../lib/ids.js';
import { toMinor } from '../../lib/money.js';
import { lockTicketOptionCapacity, type ShowRecord } from '../events/index.js';
import { countLiveTicketsOfOption, type IntentTicketLine } from '../tickets/index.js';
import { LIMITS } from './intents.limits.js';
import type { StoredItem } from './intents.model.js';
import { intentsRepository as repo } from './intents.repository.js';
import type { CartItemBody, CreateIntentBody } from './intents.schemas.js';

/**
 * The cart of a purchase intent: items as stored (minor units), the places they want per ticket
 * option, the capacity check under the ticket-option locks, and the seats they hold.
 */

export function storeItem(item: CartItemBody | CreateIntentBody['tickets'][number], defaultType: string, currency: string, field: string, at: Date): StoredItem {
  const { price, netPrice, ...rest } = item;
  if (price < 0) throw new AppError('VALIDATION_ERROR', `${field}.price must not be negative`, { field: `${field}.price` });
  return {
    ...rest,
    _id: typeof item._id === 'string' && item._id !== '' ? item._id : newId('itm', at.getTime()),
    type: typeof item.type === 'string' ? item.type : defaultType,
    amount: typeof item.amount === 'number' ? item.amount : 1,
    priceMinor: toMinor(price, currency, `${field}.price`),
    ...(typeof netPrice === 'number' ? { netPriceMinor: toMinor(netPrice, currency, `${field}.netPrice`) } : {}),
  };
}

/**
 * Capacity check of SPEC §7 under the ticket options' row locks (sorted, so two carts never
 * deadlock): capacity − live tickets − places held by other open intents must cover the cart.
 * The lock serialises every checking create of an option; READ COMMITTED gives each count a fresh
 * snapshot taken after the previous holder committed, so parallel intents never overshoot.
 */
export async function checkAvailability(tx: Tx, tenantId: string, showPk: string, wanted: Map<string, { amount: number; index: number }>, now: Date): Promise<void> {
  for (const optionId of inLockOrder(wanted.keys())) {
    const { amount, index } = wanted.get(optionId)!;
    // Waited past the lock timeout behind other reservations of this option: a retryable 503, not a 500.
    const locked = await withLockTimeout(
      () => lockTicketOptionCapacity(tx, tenantId, showPk, optionId),
      () => new AppError('SERVICE_UNAVAILABLE', `ticket type ${optionId} is busy with other reservations; retry shortly`),
    );
    if (!locked || locked.capacity === null) continue;
    const issued = await countLiveTicketsOfOption(tx, tenantId, showPk, optionId);
    const held = await repo.sumOpenReservations(tx, tenantId, showPk, optionId, now);
    const left = Math.max(0, locked.capacity - issued - held);
    if (left < amount) {
      throw new AppError('NOT_ENOUGH_AVAILABILITY', `only ${left} of ticket type ${optionId} left; the cart asks for ${amount}`, {
        field: `tickets[${index}].amount`,
        details: { ticketTypeId: optionId, available: left, requested: amount },
      });
    }
  }
}

/** A stored cart ticket → the tickets to issue for it (a seat, `_type` 6, becomes `props.seating`). */
export function ticketLine(item: StoredItem): IntentTicketLine {
  const seating = item.seatingInfo as { _type?: number; rowName?: string | null; seatName?: string | null; sectionName?: string | null; gate?: string | null } | null | undefined;
  return {
    ticketOptionId: item.ticketTypeId as string,
    amount: item.amount,
    priceMinor: item.priceMinor,
    ...(seating?._type === 6 ? { seat: { row: seating.rowName ?? null, seat: seating.seatName ?? null, section: seating.sectionName ?? null, door: seating.gate ?? null } } : {}),
  };
}

/** A seat's identity for holding (SPEC §7): the seating object's `_id`, else section/row/seat. */
export function seatIdOf(info: unknown): string | undefined {
  if (info === null || typeof info !== 'object') return undefined;
  const s = info as { _type?: unknown; _id?: unknown; sectionName?: unknown; rowName?: unknown; seatName?: unknown; statusId?: unknown };
  if (s._type !== 6) return undefined;
  if (typeof s._id === 'string' && s._id !== '') return s._id;
  const names = [s.sectionName, s.rowName, s.seatName].map((v) => (typeof v === 'string' ? v : ''));
  if (names.some((v) => v !== '')) return names.join('/');
  return typeof s.statusId === 'string' && s.statusId !== '' ? `status:${s.statusId}` : undefined;
}

/**
 * Holds every seat (`_type` 6) of a cart for `intentId` (SPEC §7): once per show. A seat held by
 * another open intent is a 400 naming it; a holder that is no longer `new` only keeps it when
 * complete (the seat is sold); one canceled or past its `expiresAt` (not swept yet) is displaced. Seats this intent already holds stay held.
 */
export async function holdSeats(tx: Tx, tenantId: string, showPk: string, intentId: string, items: StoredItem[], now: Date, field = 'tickets'): Promise<void> {
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    const seat = seatIdOf(item.seatingInfo);
    if (seat === undefined) continue;
    const at = `${field}[${i}].seatingInfo`;
    if (seen.has(seat)) throw new AppError('VALIDATION_ERROR', `${at}: seat ${seat} appears twice in the cart`, { field: at });
    seen.add(seat);
    const holder = await repo.holdSeat(tx, tenantId, showPk, seat, intentId, now);
    if (holder === intentId) continue;
    throw new AppError('VALIDATION_ERROR', `${at}: seat ${seat} is already held by another purchase intent`, { field: at, details: { seat } });
  }
}

/** A priced cart: stored items, the amount per ticket option, and the prices in minor units. */
export interface Cart {
  tickets: StoredItem[];
  products: StoredItem[];
  additionalItems: StoredItem[];
  wanted: Map<string, { amount: number; index: number }>;
  regular: number;
  real: number;
}

/**
 * Validates and prices a cart against one show (SPEC §7): each ticket's `ticketTypeId` must be a
 * ticket option of the show; `regular` is the cart at list prices, `real` at the cart's prices.
 */
export function buildCart(
  show: ShowRecord,
  currency: string,
  body: Pick<CreateIntentBody, 'tickets' | 'products' | 'additionalItems'>,
  now: Date,
): Cart {
  if (body.tickets.length === 0) throw new AppError('VALIDATION_ERROR', 'tickets must hold at least one cart item', { field: 'tickets' });
  const wanted = new Map<string, { amount: number; index: number }>();
  let regular = 0;
  let real = 0;
  const tickets = body.tickets.map((t, i) => {
    const option = show.ticketOptions.find((o) => o.ticketId === t.ticketTypeId);
    if (!option) {
      throw new AppError('UNKNOWN_REFERENCE', `tickets[${i}].ticketTypeId: show ${show.id} has no ticket type ${t.ticketTypeId}`, { field: `tickets[${i}].ticketTypeId` });
    }
    const stored = storeItem(t, 'ticket', currency, `tickets[${i}]`, now);
    const prev = wanted.get(option.ticketId);
    wanted.set(option.ticketId, { amount: (prev?.amount ?? 0) + stored.amount, index: prev?.index ?? i });
    regular += option.priceMinor * stored.amount;
    real += stored.priceMinor * stored.amount;
    return stored;
  });
  // Each line is bounded by the schema; the whole cart too, since each place may become a ticket
  // issued in the creating transaction.
  const places = tickets.reduce((sum, t) => sum + t.amount, 0);
  if (places > LIMITS.amount) {
    throw new AppError('VALIDATION_ERROR', `tickets ask for ${places} places; a purchase intent holds at most ${LIMITS.amount}`, { field: 'tickets' });
  }
  const extras = [
    ...(body.products ?? []).map((p, i) => storeItem(p, 'product', currency, `products[${i}]`, now)),
    ...(body.additionalItems ?? []).map((a, i) => storeItem(a, 'additionalFee', currency, `additionalItems[${i}]`, now)),
  ];
  for (const x of extras) {
    regular += x.priceMinor * x.amount;
    real += x.priceMinor * x.amount;
  }
  // Past 2^53 minor units the sums are no longer exact: refused rather than stored wrong.
  if (!Number.isSafeInteger(regular) || !Number.isSafeInteger(real)) {
    throw new AppError('VALIDATION_ERROR', 'tickets total more than a price can hold', { field: 'tickets' });
  }
  const products = extras.slice(0, body.products?.length ?? 0);
  const additionalItems = extras.slice(body.products?.length ?? 0);
  return { tickets, products, additionalItems, wanted, regular, real };
}

