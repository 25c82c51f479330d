import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Updateable } from 'kysely';
import type { Deps } from '../../app/deps.js';
import { pgErrorCode, withTx, type Executor, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { toMinor } from '../../lib/money.js';
import { transition } from '../../lib/state-machine.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { findShow, lockTicketOptionCapacity, type EventRecord, type ShowRecord } from '../events/index.js';
import { emitPurchaseIntentWebhook, type PurchaseIntentWebhookType } from '../webhooks/index.js';
import { countLiveTicketsOfOption, invalidateTicketsOfIntent, issueTicketsForIntent, type IntentTicketLine } from '../tickets/index.js';
import { intentView, type HistoryItem, type HistoryType, type IntentRow, type StoredItem } from './intents.model.js';
import { intentsRepository as repo } from './intents.repository.js';
import type { ApprovalBody, CartItemBody, CreateIntentBody, ListQuery, PatchIntentBody } from './intents.schemas.js';
import { APPROVAL_STATES, INTENT_STATES } from './intents.states.js';
import type { PurchaseIntentsTable } from './intents.tables.js';
import { DEFAULT_STRATEGY, expiryOf, type StrategyRecord } from './intents.strategy.js';
import { getStrategyForTenant as findStrategy } from './strategies.service.js';

export type IntentDeps = Pick<Deps, 'db' | 'clock' | 'queue'>;
export type IntentView = Record<string, unknown>;

export function notFound(id: string): AppError {
  return new AppError('PURCHASE_INTENT_NOT_FOUND', `purchase intent ${id} not found`);
}

export function historyItem(type: HistoryType, actor: Actor, at: Date, data: Record<string, unknown> = {}): HistoryItem {
  return { type, date: at.toISOString(), userId: actor.keyId ?? null, data };
}

/** `eventId` names one show (SPEC §7): an Encore show id, or a one-show event's externalReferenceId. */
export async function resolveShow(ex: Executor, tenantId: string, eventId: string): Promise<{ event: EventRecord; show: ShowRecord }> {
  let found: { event: EventRecord; show: ShowRecord } | undefined;
  try {
    found = eventId.startsWith(`${ID_PREFIX.show}_`)
      ? await findShow(ex, tenantId, { id: eventId })
      : await findShow(ex, tenantId, { externalReferenceId: eventId });
  } catch (err) {
    if (err instanceof AppError && err.code === 'SHOW_ID_REQUIRED') {
      const ids = (err.details?.ids as string[] | undefined) ?? [];
      throw new AppError('VALIDATION_ERROR', `event ${eventId} has ${ids.length} shows; name one by its id as eventId (${ids.join(', ')})`, {
        field: 'eventId',
        details: { showIds: ids },
      });
    }
    throw err;
  }
  if (!found) throw new AppError('UNKNOWN_REFERENCE', `no event or show ${eventId}`, { field: 'eventId' });
  if (found.event.status === 'CANCELLED' || found.show.status === 'CANCELLED') {
    throw new AppError('VALIDATION_ERROR', `event ${eventId} is cancelled`, { field: 'eventId' });
  }
  return found;
}

async function resolveStrategy(ex: Executor, tenantId: string, body: CreateIntentBody, event: EventRecord): Promise<StrategyRecord | undefined> {
  if (body.strategyId !== undefined) {
    const s = await findStrategy(ex, tenantId, body.strategyId);
    if (!s) throw new AppError('UNKNOWN_REFERENCE', `no purchase intent strategy ${body.strategyId}`, { field: 'strategyId' });
    return s;
  }
  // The event's default strategy (an Encore extension of the event configuration).
  const eventDefault = event.configuration.defaultPurchaseIntentStrategyId;
  if (eventDefault !== undefined && eventDefault !== null && eventDefault !== '') return findStrategy(ex, tenantId, eventDefault);
  return undefined;
}

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
  for (const optionId of [...wanted.keys()].sort()) {
    const { amount, index } = wanted.get(optionId)!;
    let locked: { capacity: number | null } | undefined;
    try {
      locked = await lockTicketOptionCapacity(tx, tenantId, showPk, optionId);
    } catch (err) {
      // Waited past the lock timeout behind other reservations of this option: a retryable 503, not a 500.
      if (pgErrorCode(err) === '55P03') throw new AppError('SERVICE_UNAVAILABLE', `ticket type ${optionId} is busy with other reservations; retry shortly`);
      throw err;
    }
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

/**
 * A purchase-intent webhook (SPEC §7) in the caller's transaction, carrying the intent as the API
 * shows it. Every change of an intent calls this; the public checkout announces completion with it.
 */
export async function announceIntent(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, tenantId: string, type: PurchaseIntentWebhookType, intent: IntentView): Promise<void> {
  await emitPurchaseIntentWebhook(tx, deps, tenantId, type, intent);
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
  const extras = [
    ...(body.products ?? []).map((p, i) => storeItem(p, 'product', currency, `products[${i}]`, now)),
    ...(body.additionalItems ?? []).map((a, i) => storeItem(a, 'additionalFee', currency, `additionalItems[${i}]`, now)),
  ];
  for (const x of extras) {
    regular += x.priceMinor * x.amount;
    real += x.priceMinor * x.amount;
  }
  const products = extras.slice(0, body.products?.length ?? 0);
  const additionalItems = extras.slice(body.products?.length ?? 0);
  return { tickets, products, additionalItems, wanted, regular, real };
}

export async function createIntent(deps: IntentDeps, actor: Actor, body: CreateIntentBody): Promise<IntentView> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const { event, show } = await resolveShow(tx, actor.tenantId, body.eventId);
    const strategy = (await resolveStrategy(tx, actor.tenantId, body, event)) ?? DEFAULT_STRATEGY;
    const currency = event.currency;

    const { tickets, products, additionalItems, wanted, regular, real } = buildCart(show, currency, body, now);

    if (strategy.availabilityStrategy.checkAvailability) await checkAvailability(tx, actor.tenantId, show.id, wanted, now);

    const id = newId(ID_PREFIX.purchaseIntent, now.getTime());
    const { createTickets, createValidTickets } = strategy.availabilityStrategy;
    const expiresAt = expiryOf(strategy, now, show.startsAt);
    const row = await repo.insert(tx, {
      tenant_id: actor.tenantId,
      id,
      secret: randomBytes(24).toString('base64url'),
      status: 'new',
      approval_status: strategy.needsApproval ? 'awaiting' : 'approved',
      customer_id: body.customerId ?? null,
      event_ref: body.eventId,
      event_id: event.id,
      show_pk: show.id,
      shop_id: body.shopId ?? null,
      strategy_id: strategy.id === '' ? null : strategy.id,
      sales_channel_id: body.salesChannelId ?? null,
      seating_reservation_token: body.seatingReservationToken ?? null,
      currency,
      regular_price_minor: regular,
      real_price_minor: real,
      // Encore has no fee rules for purchase intents (FEES rules price resale); the charges are 0.
      inner_charge_minor: 0,
      outer_charge_minor: 0,
      tickets: JSON.stringify(tickets),
      products: JSON.stringify(products),
      additional_items: JSON.stringify(additionalItems),
      extra_fields: body.extraFields === undefined ? null : JSON.stringify(body.extraFields),
      meta: body.meta === undefined ? null : JSON.stringify(body.meta),
      restricted_completion: strategy.restrictedCompletion.length > 0 ? strategy.restrictedCompletion : null,
      cancellation_strategy: strategy.cancellationStrategy,
      tickets_issued: createTickets,
      expires_at: expiresAt,
      history: JSON.stringify([historyItem('purchaseIntent.created', actor, now, { strategyId: strategy.id === '' ? null : strategy.id })]),
      version: 0,
      created_at: now,
      updated_at: now,
    });
    await repo.insertLines(
      tx,
      [...wanted].map(([optionId, w]) => ({ tenant_id: actor.tenantId, intent_id: id, show_pk: show.id, ticket_option_id: optionId, amount: w.amount })),
    );
    await holdSeats(tx, actor.tenantId, show.id, id, tickets, now);
    if (createTickets) {
      await issueTicketsForIntent(
        tx,
        actor,
        {
          intentId: id,
          eventId: event.id,
          externalReferenceId: event.externalReferenceId,
          showPk: show.id,
          currency,
          customerId: body.customerId ?? null,
          valid: createValidTickets,
          lines: tickets.map(ticketLine),
        },
        now,
      );
    }
    await recordAudit(tx, actor, { action: 'purchaseIntent.created', entityType: 'purchaseIntent', entityId: id, after: { status: 'new', approvalStatus: row.approval_status } }, now);
    const view = intentView(row);
    await announceIntent(tx, deps, actor.tenantId, 'purchaseIntent.created', view);
    return view;
  });
}

export async function getIntent(deps: IntentDeps, tenantId: string, id: string): Promise<IntentView> {
  const row = await repo.find(deps.db, tenantId, id);
  if (!row) throw notFound(id);
  return intentView(row);
}

export function parseDate(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new AppError('VALIDATION_ERROR', `${field} is not an ISO timestamp`, { field });
  return d;
}

export async function listIntents(deps: IntentDeps, tenantId: string, q: ListQuery): Promise<{ rows: IntentView[]; total: number }> {
  const { top = 25, skip = 0, createdAtStart, createdAtEnd, ...rest } = q;
  const start = parseDate(createdAtStart, 'createdAtStart');
  const end = parseDate(createdAtEnd, 'createdAtEnd');
  const { rows, total } = await repo.list(deps.db, tenantId, { ...rest, ...(start ? { createdAtStart: start } : {}), ...(end ? { createdAtEnd: end } : {}) }, { top, skip });
  return { rows: rows.map(intentView), total };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The intent only for its secret's holder: a wrong secret is indistinguishable from an unknown id. */
export async function searchIntent(deps: IntentDeps, tenantId: string, id: string, secret: string): Promise<IntentView> {
  const row = await repo.find(deps.db, tenantId, id);
  if (!row || !sameSecret(row.secret, secret)) throw notFound(id);
  return intentView(row);
}

/** What one change of an intent does: its columns, history entries, audit action and webhook. */
export interface IntentChange {
  set: Omit<Updateable<PurchaseIntentsTable>, 'history' | 'version' | 'updated_at'>;
  history: HistoryItem[];
  action: string;
  /** The webhook announcing it (default `purchaseIntent.updated`). */
  webhook?: PurchaseIntentWebhookType;
}

/**
 * Lock, check, change, append history, bump `__v`, audit, announce (webhook in the same
 * transaction): the frame of every change of an existing intent.
 */
export async function changeIntent(
  deps: IntentDeps,
  actor: Actor,
  id: string,
  change: (row: IntentRow, now: Date, tx: Tx) => IntentChange | Promise<IntentChange>,
  after?: (tx: Tx, row: IntentRow, now: Date) => Promise<void>,
): Promise<IntentView> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const row = await repo.lock(tx, actor.tenantId, id);
    if (!row) throw notFound(id);
    const { set, history, action, webhook } = await change(row, now, tx);
    // Nothing asked to change: no new version, no history entry.
    if (history.length === 0) return intentView(row);
    const updated = await repo.update(tx, actor.tenantId, id, {
      ...set,
      history: JSON.stringify([...(row.history as HistoryItem[]), ...history]),
      version: row.version + 1,
      updated_at: now,
    });
    await recordAudit(
      tx,
      actor,
      { action, entityType: 'purchaseIntent', entityId: id, before: { status: row.status, approvalStatus: row.approval_status }, after: { status: updated.status, approvalStatus: updated.approval_status } },
      now,
    );
    if (after) await after(tx, updated, now);
    const view = intentView(updated);
    await announceIntent(tx, deps, actor.tenantId, webhook ?? 'purchaseIntent.updated', view);
    return view;
  });
}

export function requireNew(row: IntentRow, what: string): void {
  if (row.status !== 'new') {
    throw new AppError('INVALID_STATE_TRANSITION', `cannot ${what}: purchase intent ${row.id} is ${row.status}`, { details: { status: row.status } });
  }
}

export async function updateIntent(deps: IntentDeps, actor: Actor, id: string, body: PatchIntentBody): Promise<IntentView> {
  return changeIntent(deps, actor, id, (row, now) => {
    if (body.expiresAt === undefined) return { set: {}, history: [], action: 'purchaseIntent.updated' };
    requireNew(row, 'change the expiry');
    const expiresAt = body.expiresAt === null ? null : parseDate(body.expiresAt, 'expiresAt')!;
    const data = { expiresAt: { from: row.expires_at?.toISOString() ?? null, to: expiresAt?.toISOString() ?? null } };
    return { set: { expires_at: expiresAt }, history: [historyItem('purchaseIntent.updated', actor, now, data)], action: 'purchaseIntent.updated' };
  });
}

export async function cancelIntent(deps: IntentDeps, actor: Actor, id: string): Promise<IntentView> {
  return changeIntent(deps, actor, id, (row, now) => {
    if (row.status !== 'new') {
      const reason = row.status === 'complete' ? 'it is complete (paid)' : 'it is already canceled';
      throw new AppError('INVALID_STATE_TRANSITION', `purchase intent ${row.id} cannot be canceled: ${reason}`, { details: { status: row.status } });
    }
    // Canceled intents no longer count in availability: their places are released with this commit.
    return {
      set: { status: transition(INTENT_STATES, 'purchase intent', row.status, 'canceled') },
      history: [historyItem('purchaseIntent.canceled', actor, now)],
      action: 'purchaseIntent.canceled',
      webhook: 'purchaseIntent.cancelled',
    };
  }, async (tx, row, now) => {
    await repo.releaseSeats(tx, actor.tenantId, row.id);
    if (row.tickets_issued) await invalidateTicketsOfIntent(tx, actor, row.id, 'purchaseIntent.canceled', now);
  });
}

export async function setApproval(deps: IntentDeps, actor: Actor, id: string, body: ApprovalBody): Promise<IntentView> {
  return changeIntent(deps, actor, id, (row, now) => {
    const to = body.approvalStatus;
    if (to === undefined) throw new AppError('VALIDATION_ERROR', 'approvalStatus is required', { field: 'approvalStatus' });
    if (body.rejectionReason !== undefined && to !== 'rejected') {
      throw new AppError('VALIDATION_ERROR', 'rejectionReason is only allowed with approvalStatus rejected', { field: 'rejectionReason' });
    }
    if (row.status !== 'new') {
      throw new AppError('INVALID_STATE_TRANSITION', `cannot set the approval of purchase intent ${row.id} to ${to}: it is ${row.status}`, { details: { status: row.status } });
    }
    if (to === row.approval_status) {
      throw new AppError('INVALID_STATE_TRANSITION', `purchase intent ${row.id} is already ${to}`, { details: { approvalStatus: to } });
    }
    transition(APPROVAL_STATES, 'purchase intent approval', row.approval_status, to);
    const type: HistoryType = to === 'approved' ? 'purchaseIntent.approved' : to === 'rejected' ? 'purchaseIntent.rejected' : 'purchaseIntent.updated';
    const data = { approvalStatus: { from: row.approval_status, to }, ...(to === 'rejected' && body.rejectionReason ? { rejectionReason: body.rejectionReason } : {}) };
    return {
      set: { approval_status: to, rejection_reason: to === 'rejected' ? (body.rejectionReason ?? null) : null },
      history: [historyItem(type, actor, now, data)],
      action: type,
      webhook: type === 'purchaseIntent.approved' ? 'purchaseIntent.approved' : type === 'purchaseIntent.rejected' ? 'purchaseIntent.rejected' : 'purchaseIntent.updated',
    };
  });
}

/**
 * Expires open intents whose `expiresAt` has passed (SPEC §7): status canceled, history
 * `purchaseIntent.expired`, their tickets INVALID. One transaction per intent, each re-checked under
 * its row lock, so a concurrent cancel, completion or PATCH of `expiresAt` wins cleanly. Availability
 * already ignores expired intents; this tidies their state and frees their tickets. For the job
 * runner (not registered yet); returns the ids it expired.
 */
export async function expireDueIntents(deps: IntentDeps, limit = 500): Promise<string[]> {
  const due = await repo.findDue(deps.db, deps.clock.now(), limit);
  const expired: string[] = [];
  for (const { tenant_id: tenantId, id } of due) {
    const actor: Actor = { tenantId, label: 'job:purchase-intents.expire' };
    const done = await withTx(deps.db, async (tx) => {
      const now = deps.clock.now();
      const row = await repo.lock(tx, tenantId, id);
      if (!row || row.status !== 'new' || row.expires_at === null || row.expires_at > now) return false;
      const updated = await repo.update(tx, tenantId, id, {
        status: transition(INTENT_STATES, 'purchase intent', row.status, 'canceled'),
        history: JSON.stringify([...(row.history as HistoryItem[]), historyItem('purchaseIntent.expired', actor, now, { expiresAt: row.expires_at.toISOString() })]),
        version: row.version + 1,
        updated_at: now,
      });
      await repo.releaseSeats(tx, tenantId, id);
      if (row.tickets_issued) await invalidateTicketsOfIntent(tx, actor, id, 'purchaseIntent.expired', now);
      await recordAudit(tx, actor, { action: 'purchaseIntent.expired', entityType: 'purchaseIntent', entityId: id, before: { status: 'new' }, after: { status: 'canceled' } }, now);
      await announceIntent(tx, deps, tenantId, 'purchaseIntent.expired', intentView(updated));
      return true;
    });
    if (done) expired.push(id);
  }
  return expired;
}
