import type { Deps } from '../../app/deps.js';
import { sweepInBatches } from '../../db/batch-sweep.js';
import type { Executor, Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { recordTransition } from '../webhooks/index.js';
import { releaseListingsOf } from '../listings/index.js';
import { orderView } from './orders.mappers.js';
import { ordersRepository as repo, type IntentionItemRow, type IntentionRow, type OrderRow } from './orders.repository.js';
import type { OrderView } from './orders.schemas.js';
import { INTENTION_STATES, ORDER_STATES } from './orders.states.js';
import type { IntentionStatus } from './orders.tables.js';

/**
 * The writes of buy intentions and orders that the purchase and cancellation flows (src/flows) compose: intention
 * transitions, orders and their refunds. Each runs in the caller's transaction, guarded by the
 * state machines in orders.states.ts.
 */

export async function lockIntention(tx: Tx, tenantId: string, id: string): Promise<IntentionRow> {
  const row = await repo.findIntention(tx, tenantId, id, { lock: true });
  if (!row) throw new AppError('INTENTION_NOT_FOUND', `buy intention ${id} does not exist`, { field: 'intentionId' });
  return row;
}

/**
 * A buy intention's transition with its audit row (`buy_intention.paying`, `.completed`, …), checked
 * before the write. No webhook: integrators hear of the listings and the order, not of the intention.
 */
export async function moveIntention(
  tx: Tx,
  deps: Pick<Deps, 'clock' | 'queue'>,
  actor: Actor,
  row: IntentionRow,
  to: IntentionStatus,
  now: Date,
  extra: { order_id?: string; buyer_email?: string | null; buyer_from_checkout?: boolean; holder_name?: string | null } = {},
): Promise<IntentionRow> {
  const status = await recordTransition(
    tx,
    deps,
    {
      machine: INTENTION_STATES,
      entity: `buy intention ${row.id}`,
      from: row.status,
      to,
      actor,
      audit: {
        action: `buy_intention.${to.toLowerCase()}`,
        entityType: 'buy_intention',
        entityId: row.id,
        ...(extra.order_id !== undefined ? { after: { status: to, orderId: extra.order_id } } : {}),
      },
    },
    now,
  );
  return repo.setIntentionStatus(tx, row.tenant_id, row.id, { status, ...extra, updated_at: now });
}

/**
 * The one extension of a RESERVED hold (ADR 0017): the intention expires at `expiresAt`, the time
 * it was granted is kept (a second one is refused), with its audit row. The caller holds the
 * intention's row lock and has moved the listings' holds in the same transaction.
 */
export async function extendIntentionHold(tx: Tx, actor: Actor, row: IntentionRow, expiresAt: Date, now: Date): Promise<IntentionRow> {
  const extended = await repo.extendIntention(tx, row.tenant_id, row.id, expiresAt, now);
  if (!extended) {
    throw new AppError('INVALID_STATE_TRANSITION', `buy intention ${row.id} cannot be extended (${row.status}${row.extended_at ? ', already extended' : ''})`, {
      details: { status: row.status, extendedAt: row.extended_at?.toISOString() ?? null },
    });
  }
  await recordAudit(
    tx,
    actor,
    { action: 'buy_intention.extended', entityType: 'buy_intention', entityId: row.id, before: { expiresAt: row.expires_at.toISOString() }, after: { expiresAt: expiresAt.toISOString() } },
    now,
  );
  return extended;
}

/** Links an order to an intention that keeps its status (a cancelled one whose in-flight payment is refunded). */
export async function linkOrderToIntention(tx: Tx, row: IntentionRow, orderId: string, now: Date): Promise<IntentionRow> {
  return repo.setIntentionStatus(tx, row.tenant_id, row.id, { status: row.status, order_id: orderId, updated_at: now });
}

export async function intentionItems(ex: Executor, tenantId: string, id: string): Promise<IntentionItemRow[]> {
  return repo.itemsOf(ex, tenantId, id);
}

export interface NewOrder {
  intention: IntentionRow;
  paymentId: string;
  buyerEmail: string;
  status: 'COMPLETED' | 'REFUND_PENDING';
  outcome: string;
  refundReason: string | null;
  /** The sold tickets, when the order completed; none for an order refunded at once. */
  items: { ticketId: string; listingId: string; sellerEmail: string; priceMinor: number; buyerFeeMinor: number; sellerFeeMinor: number }[];
  now: Date;
}

export function newOrderId(now: Date): string {
  return newId(ID_PREFIX.order, now.getTime());
}

export async function recordOrder(tx: Tx, actor: Actor, id: string, o: NewOrder): Promise<OrderRow> {
  const i = o.intention;
  const order = await repo.insertOrder(
    tx,
    {
      tenant_id: i.tenant_id,
      id,
      intention_id: i.id,
      payment_id: o.paymentId,
      buyer_email: o.buyerEmail,
      event_id: i.event_id,
      show_pk: i.show_pk,
      currency: i.currency,
      subtotal_minor: i.subtotal_minor,
      buyer_fee_minor: i.buyer_fee_minor,
      total_minor: i.total_minor,
      status: o.status,
      outcome: o.outcome,
      refund_reason: o.refundReason,
      created_at: o.now,
      updated_at: o.now,
      refunded_at: null,
    },
    o.items.map((it) => ({
      tenant_id: i.tenant_id,
      order_id: id,
      ticket_id: it.ticketId,
      listing_id: it.listingId,
      seller_email: it.sellerEmail,
      price_minor: it.priceMinor,
      buyer_fee_minor: it.buyerFeeMinor,
      seller_fee_minor: it.sellerFeeMinor,
    })),
  );
  await recordAudit(tx, actor, { action: 'order.created', entityType: 'order', entityId: id, after: { status: o.status, outcome: o.outcome, intentionId: i.id } }, o.now);
  return order;
}

export async function viewOfOrder(tx: Tx | Deps['db'], order: OrderRow): Promise<OrderView> {
  return orderView(order, await repo.orderItems(tx, order.tenant_id, order.id));
}

export async function findOrder(ex: Tx | Deps['db'], tenantId: string, id: string): Promise<OrderRow | undefined> {
  return repo.findOrder(ex, tenantId, id);
}

export async function findOrderOfPayment(ex: Tx | Deps['db'], tenantId: string, paymentId: string): Promise<OrderRow | undefined> {
  return repo.findOrderOfPayment(ex, tenantId, paymentId);
}

export async function lockOrder(tx: Tx, tenantId: string, id: string): Promise<OrderRow | undefined> {
  return repo.findOrder(tx, tenantId, id, { lock: true });
}

export async function markOrderRefundPending(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, actor: Actor, order: OrderRow, reason: string, outcome: string, now: Date): Promise<OrderRow> {
  const status = await recordTransition(
    tx,
    deps,
    { machine: ORDER_STATES, entity: `order ${order.id}`, from: order.status, to: 'REFUND_PENDING', actor, audit: { action: 'order.refund_requested', entityType: 'order', entityId: order.id, after: { status: 'REFUND_PENDING', reason, outcome } } },
    now,
  );
  return repo.setOrderStatus(tx, order.tenant_id, order.id, { status, outcome, refund_reason: reason, updated_at: now });
}

/** The order's money went back: REFUNDED, its audit row and `listing.order_refunded`, together. */
export async function markOrderRefunded(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, actor: Actor, order: OrderRow, now: Date): Promise<OrderRow> {
  const refunded = await repo.setOrderStatus(tx, order.tenant_id, order.id, { status: 'REFUNDED', refunded_at: now, updated_at: now });
  // After the write, because the webhook carries the refunded order; a refused transition rolls it back.
  await recordTransition(
    tx,
    deps,
    {
      machine: ORDER_STATES,
      entity: `order ${order.id}`,
      from: order.status,
      to: 'REFUNDED',
      actor,
      audit: { action: 'order.refunded', entityType: 'order', entityId: order.id, after: { status: 'REFUNDED', refundedAt: now.toISOString() } },
      webhooks: [{ family: 'listing', action: 'order_refunded', data: await viewOfOrder(tx, refunded) }],
    },
    now,
  );
  return refunded;
}

export async function lockOpenIntentionsOfShows(tx: Tx, tenantId: string, showPks: readonly string[]): Promise<IntentionRow[]> {
  return repo.lockOpenIntentionsOfShows(tx, tenantId, showPks);
}

export async function lockCompletedOrdersOfShows(tx: Tx, tenantId: string, showPks: readonly string[]): Promise<OrderRow[]> {
  return repo.lockCompletedOrdersOfShows(tx, tenantId, showPks);
}

/**
 * The sweeper: RESERVED intentions past their time become EXPIRED and give back what they still
 * hold. A PAYING intention is left alone (its payment decides), and SKIP LOCKED means the sweeper
 * never waits for a buyer mid-payment, nor a buyer for the sweeper.
 */
export async function expireIntentions(deps: Pick<Deps, 'db' | 'clock' | 'queue'>, batch = 500): Promise<number> {
  return sweepInBatches(deps.db, batch, async (tx, limit) => {
    const now = deps.clock.now();
    const rows = await repo.expireDue(tx, now, limit);
    for (const r of rows) {
      const actor: Actor = { tenantId: r.tenant_id, label: 'job:buy-intentions-expire' };
      await releaseListingsOf(tx, deps, r.tenant_id, r.id, now);
      // expireDue moved exactly the RESERVED ones.
      await recordTransition(
        tx,
        deps,
        {
          machine: INTENTION_STATES,
          entity: `buy intention ${r.id}`,
          from: 'RESERVED',
          to: r.status,
          actor,
          audit: { action: 'buy_intention.expired', entityType: 'buy_intention', entityId: r.id, after: { status: r.status, expiresAt: r.expires_at.toISOString() } },
        },
        now,
      );
    }
    return rows.length;
  });
}
