import type { Deps } from '../app/deps.js';
import type { Tx } from '../db/tx.js';
import type { Actor } from '../modules/audit/index.js';
import { findOrder, findOrderOfPayment, lockOrder, markOrderRefunded } from '../modules/orders/index.js';
import { refundPayment, type PaymentRow } from '../modules/payments/index.js';

/**
 * The job name resale refunds had before the one payment engine (ADR 0014): still served, so refunds
 * queued by an older release are not lost; new refunds go through the payments refund job.
 */
export const LEGACY_ORDER_REFUND_JOB = 'order-refund';

/**
 * Gives the buyer's money back for an order in REFUND_PENDING (a late payment whose listings were
 * gone, a cancelled show), through the payment engine's one refund path: the provider's refund is
 * idempotent by payment id, so a retried job cannot refund twice. In the transaction that marks the
 * payment REFUNDED, the order becomes REFUNDED with `listing.order_refunded`.
 */
export async function refundOrder(deps: Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>, tenantId: string, orderId: string): Promise<void> {
  // A plain read: the decision is re-checked under the row lock once the provider has answered.
  const order = await findOrder(deps.db, tenantId, orderId);
  if (!order || order.status !== 'REFUND_PENDING') return;
  await refundPayment(deps, tenantId, order.payment_id, (tx, payment) => orderRefunded(tx, deps, payment));
}

/** A resale payment was refunded: its order, if it waits for the refund, says so. */
export async function orderRefunded(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, payment: PaymentRow): Promise<void> {
  const found = await findOrderOfPayment(tx, payment.tenant_id, payment.id);
  if (!found) return;
  const current = await lockOrder(tx, payment.tenant_id, found.id);
  if (!current || current.status !== 'REFUND_PENDING') return;
  const actor: Actor = { tenantId: payment.tenant_id, label: 'job:payment-refund' };
  await markOrderRefunded(tx, deps, actor, current, deps.clock.now());
}

/** Whether a resale payment may be given back: only when its order waits for the refund. */
export async function resaleRefundDue(deps: Pick<Deps, 'db'>, payment: PaymentRow): Promise<boolean> {
  const order = await findOrderOfPayment(deps.db, payment.tenant_id, payment.id);
  return order?.status === 'REFUND_PENDING';
}
