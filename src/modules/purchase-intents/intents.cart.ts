import type { Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { newId } from '../../lib/ids.js';
import { toMinor } from '../../lib/money.js';
import type { IntentTicketLine, IssueForIntent } from '../tickets/index.js';
import { LIMITS } from './intents.limits.js';
import type { IntentRow, StoredItem } from './intents.model.js';
import { intentsRepository as repo } from './intents.repository.js';
import type { CartItemBody, CreateIntentBody } from './intents.schemas.js';

/**
 * The cart of a purchase intent: items as stored (minor units), the places they want per ticket
 * option, the places open intents hold, and the seats they hold. The capacity check itself (the
 * events module's ticket-option locks, the tickets module's live tickets, and these places) is
 * the flow flows/purchase-intent-availability.ts.
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
 * Places of one ticket option that open intents hold without tickets (not expired at `now`): what
 * availability subtracts besides the live tickets. An intent whose lines were dropped first (a cart
 * being replaced) is not counted.
 */
export async function placesHeldByOpenIntents(tx: Tx, tenantId: string, showPk: string, ticketOptionId: string, now: Date): Promise<number> {
  return repo.sumOpenReservations(tx, tenantId, showPk, ticketOptionId, now);
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

/** The cart tickets of a stored intent. */
export function cartTickets(row: Pick<IntentRow, 'tickets'>): StoredItem[] {
  return row.tickets as StoredItem[];
}

/** What the tickets module issues for an intent's cart tickets (RESERVED, or VALID with `valid`). */
export function ticketsToIssue(
  intent: { id: string; currency: string; customerId: string | null },
  event: { id: string; externalReferenceId: string },
  showPk: string,
  valid: boolean,
  items: readonly StoredItem[],
): IssueForIntent {
  return {
    intentId: intent.id,
    eventId: event.id,
    externalReferenceId: event.externalReferenceId,
    showPk,
    currency: intent.currency,
    customerId: intent.customerId,
    valid,
    lines: items.map(ticketLine),
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

/** What a cart is priced against: the show (events' ShowRecord) and its ticket options' list prices. */
export interface CartShow {
  id: string;
  ticketOptions: readonly { ticketId: string; priceMinor: number }[];
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
  show: CartShow,
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

