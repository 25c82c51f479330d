import type { Deps } from '../app/deps.js';
import { withTx } from '../db/tx.js';
import type { Actor } from '../modules/audit/index.js';
import { findOrder, lockOrder, markOrderRefunded, viewOfOrder } from '../modules/orders/index.js';
import { findPayment, markRefunded, paymentProvider } from '../modules/payments/index.js';
import { emitWebhook } from '../modules/webhooks/index.js';

export const REFUND_JOB = 'order-refund';

/**
 * Gives the buyer's money back for an order in REFUND_PENDING (a late payment whose listings were
 * gone, a cancelled show). A job, sent in the transaction that decided the refund, so a crash
 * between the decision and the provider call loses nothing; the provider's refund is idempotent by
 * payment id, so a retried job cannot refund twice. The order becomes REFUNDED with
 * `listing.order_refunded`.
 */
export async function refundOrder(deps: Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>, tenantId: string, orderId: string): Promise<void> {
  // A plain read: the decision is re-checked under the row lock after the provider answers.
  const order = await findOrder(deps.db, tenantId, orderId);
  if (!order || order.status !== 'REFUND_PENDING') return;
  const payment = await findPayment(deps.db, tenantId, order.payment_id);
  if (!payment) throw new Error(`order ${orderId} has no payment ${order.payment_id}`);
  const { refundRef } =
    payment.status === 'REFUNDED' && payment.refund_ref
      ? { refundRef: payment.refund_ref }
      : await paymentProvider(deps.config).refund({ paymentId: payment.id, providerRef: payment.provider_ref ?? payment.id, amountMinor: payment.amount_minor, currency: payment.currency });
  await withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const current = await lockOrder(tx, tenantId, orderId);
    if (!current || current.status !== 'REFUND_PENDING') return;
    const actor: Actor = { tenantId, label: `job:${REFUND_JOB}` };
    await markRefunded(tx, tenantId, payment.id, refundRef, now);
    const refunded = await markOrderRefunded(tx, actor, current, now);
    await emitWebhook(tx, deps, tenantId, { family: 'listing', action: 'order_refunded', data: await viewOfOrder(tx, refunded) });
  });
}
