import { randomBytes } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import type { Executor, Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { recordAudit, type Actor } from '../audit/index.js';
import type { EventRecord, ShowRecord } from '../events/index.js';
import { holdSeats, type Cart } from './intents.cart.js';
import { intentView, type IntentRow } from './intents.model.js';
import { intentsRepository as repo } from './intents.repository.js';
import type { CreateIntentBody } from './intents.schemas.js';
import { announceIntent, historyItem, type IntentView } from './intents.service.js';
import { DEFAULT_STRATEGY, expiryOf, type StrategyRecord } from './intents.strategy.js';
import { getStrategyForTenant as findStrategy } from './strategies.service.js';

/**
 * `POST /api/purchaseintents`, the purchase-intents module's steps. The use case — the show
 * (events), the capacity check, the tickets a strategy issues at once (tickets), one transaction —
 * is the flow flows/purchase-intent-create.ts.
 */

/** The body's strategy, else the event's default one (an Encore extension of the event configuration), else the default. */
export async function resolveStrategy(ex: Executor, tenantId: string, body: CreateIntentBody, event: Pick<EventRecord, 'configuration'>): Promise<StrategyRecord> {
  if (body.strategyId !== undefined) {
    const s = await findStrategy(ex, tenantId, body.strategyId);
    if (!s) throw new AppError('UNKNOWN_REFERENCE', `no purchase intent strategy ${body.strategyId}`, { field: 'strategyId' });
    return s;
  }
  const eventDefault = event.configuration.defaultPurchaseIntentStrategyId;
  if (eventDefault !== undefined && eventDefault !== null && eventDefault !== '') return (await findStrategy(ex, tenantId, eventDefault)) ?? DEFAULT_STRATEGY;
  return DEFAULT_STRATEGY;
}

/**
 * Writes the new intent (status `new`, approved unless the strategy needs approval, expiring as the
 * strategy says) and its seats. With the strategy's `createTickets` it is marked as having tickets:
 * the caller issues them in this transaction. Its lines come last (`insertIntentLines`).
 */
export async function insertIntentInTx(
  tx: Tx,
  actor: Actor,
  input: { body: CreateIntentBody; event: Pick<EventRecord, 'id' | 'currency'>; show: Pick<ShowRecord, 'id' | 'startsAt'>; strategy: StrategyRecord; cart: Cart; now: Date },
): Promise<IntentRow> {
  const { body, event, show, strategy, cart, now } = input;
  const id = newId(ID_PREFIX.purchaseIntent, now.getTime());
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
    currency: event.currency,
    regular_price_minor: cart.regular,
    real_price_minor: cart.real,
    // Encore has no fee rules for purchase intents (FEES rules price resale); the charges are 0.
    inner_charge_minor: 0,
    outer_charge_minor: 0,
    tickets: JSON.stringify(cart.tickets),
    products: JSON.stringify(cart.products),
    additional_items: JSON.stringify(cart.additionalItems),
    extra_fields: body.extraFields === undefined ? null : JSON.stringify(body.extraFields),
    meta: body.meta === undefined ? null : JSON.stringify(body.meta),
    identification: body.identification === undefined ? null : JSON.stringify(body.identification),
    restricted_completion: strategy.restrictedCompletion.length > 0 ? strategy.restrictedCompletion : null,
    cancellation_strategy: strategy.cancellationStrategy,
    tickets_issued: strategy.availabilityStrategy.createTickets,
    expires_at: expiryOf(strategy, now, show.startsAt),
    history: JSON.stringify([historyItem('purchaseIntent.created', actor, now, { strategyId: strategy.id === '' ? null : strategy.id })]),
    version: 0,
    created_at: now,
    updated_at: now,
  });
  await holdSeats(tx, actor.tenantId, show.id, id, cart.tickets, now);
  return row;
}

/**
 * The new intent's lines: the places it takes per ticket option (holding them itself unless its
 * tickets were issued, which then take them). Written last in the creating transaction, just before
 * the capacity confirmation: the line's trigger adds the places to the option's capacity counter and
 * holds its row lock until commit, so the less follows, the less other creates of the option wait.
 */
export async function insertIntentLines(tx: Tx, row: IntentRow, cart: Pick<Cart, 'wanted'>): Promise<void> {
  const holding = row.status === 'new' && !row.tickets_issued;
  await repo.insertLines(
    tx,
    [...cart.wanted]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([optionId, w]) => ({ tenant_id: row.tenant_id, intent_id: row.id, show_pk: row.show_pk, ticket_option_id: optionId, amount: w.amount, holding, expires_at: row.expires_at })),
  );
}

/** The new intent's audit row and `purchaseIntent.created`; returns it as the API shows it. */
export async function announceNewIntent(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, actor: Actor, row: IntentRow, now: Date): Promise<IntentView> {
  await recordAudit(tx, actor, { action: 'purchaseIntent.created', entityType: 'purchaseIntent', entityId: row.id, after: { status: 'new', approvalStatus: row.approval_status } }, now);
  const view = intentView(row);
  await announceIntent(tx, deps, actor.tenantId, 'purchaseIntent.created', view);
  return view;
}
