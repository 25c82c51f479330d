import type { Deps } from '../app/deps.js';
import {
  confirmPayment,
  findPayment,
  PAYMENT_REFUND_JOB,
  reconcileStuckPayments,
  refundPayment,
  type ChargeResult,
  type PaymentRow,
} from '../modules/payments/index.js';
import { intentSettlement } from './purchase-intent-checkout.js';
import { confirmCharge } from './resale-purchase.js';
import { LEGACY_ORDER_REFUND_JOB, orderRefunded, refundOrder, resaleRefundDue } from './resale-refund.js';

/**
 * The checkouts that settle payments, by purpose (ADR 0014): what the payment engine's background
 * work — reconciling charges left in flight, the refund job — runs for each kind of payment. A new
 * way to pay adds its purpose here and nowhere else.
 */

type PaymentJobDeps = Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>;

/** Confirms a charge whose answer arrived late (the reconciler), through its checkout's settlement. */
async function confirmLate(deps: PaymentJobDeps, payment: PaymentRow, result: ChargeResult): Promise<void> {
  switch (payment.purpose) {
    case 'RESALE_ORDER':
      await confirmCharge(deps, payment.tenant_id, payment.id, result);
      return;
    case 'PURCHASE_INTENTS':
      await confirmPayment(deps, payment.tenant_id, payment.id, result, intentSettlement(deps));
      return;
  }
}

/**
 * Reconciliation, first in the minute sweep: a process that died between the charge and its
 * confirmation leaves a PROCESSING payment (and a PAYING intention, or intents whose checkout and
 * cancel are blocked). The provider is asked what became of the charge and the answer is confirmed
 * as if it had just arrived — settled, refunded or given back, exactly once.
 */
export async function reconcilePayments(deps: PaymentJobDeps): Promise<number> {
  return reconcileStuckPayments(deps, (payment, result) => confirmLate(deps, payment, result));
}

/** The one refund path: a taken charge given back, with its checkout's consequence. */
export async function runRefund(deps: PaymentJobDeps, tenantId: string, paymentId: string): Promise<void> {
  const payment = await findPayment(deps.db, tenantId, paymentId);
  if (!payment) return;
  switch (payment.purpose) {
    case 'RESALE_ORDER':
      // Only an order waiting for its refund gives its money back (never a delivered one).
      if (!(await resaleRefundDue(deps, payment))) return;
      await refundPayment(deps, tenantId, paymentId, (tx, p) => orderRefunded(tx, deps, p));
      return;
    case 'PURCHASE_INTENTS':
      // Nothing else to record: the intents were never completed by this charge.
      await refundPayment(deps, tenantId, paymentId, async () => {});
      return;
  }
}

export function registerPaymentJobs(deps: Deps): void {
  deps.queue.register<{ tenantId: string; paymentId: string }>(PAYMENT_REFUND_JOB, (data) => runRefund(deps, data.tenantId, data.paymentId), { retryLimit: 20, retryDelaySeconds: 10 });
  deps.queue.register<{ tenantId: string; orderId: string }>(LEGACY_ORDER_REFUND_JOB, (data) => refundOrder(deps, data.tenantId, data.orderId), { retryLimit: 20, retryDelaySeconds: 10 });
}
