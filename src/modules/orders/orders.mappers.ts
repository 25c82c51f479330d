import { toMajor } from '../../lib/money.js';
import type { PaymentRow } from '../payments/index.js';
import type { IntentionItemRow, IntentionRow, OrderItemRow, OrderRow } from './orders.repository.js';
import type { IntentionView, OrderView, PayResultView } from './orders.schemas.js';

export function intentionView(i: IntentionRow, items: readonly IntentionItemRow[], paymentUrl: string | null = null): IntentionView {
  const m = (minor: number) => toMajor(minor, i.currency);
  return {
    intentionId: i.id,
    status: i.status,
    expiresAt: i.expires_at.toISOString(),
    items: items.map((it) => ({
      listingId: it.listing_id,
      type: it.quantity > 1 ? 'PACK' : 'SINGLE',
      quantity: it.quantity,
      ticketIds: it.ticket_ids,
      price: m(it.price_minor),
      fees: m(it.buyer_fee_minor),
      total: m((it.price_minor + it.buyer_fee_minor) * it.quantity),
    })),
    subtotal: m(i.subtotal_minor),
    fees: m(i.buyer_fee_minor),
    total: m(i.total_minor),
    currency: i.currency,
    user: i.buyer_email,
    paymentUrl,
    orderId: i.order_id,
    createdAt: i.created_at.toISOString(),
  };
}

export function orderView(o: OrderRow, items: readonly OrderItemRow[]): OrderView {
  const m = (minor: number) => toMajor(minor, o.currency);
  return {
    orderId: o.id,
    intentionId: o.intention_id,
    status: o.status,
    outcome: o.outcome,
    refundReason: o.refund_reason,
    buyerEmail: o.buyer_email,
    ticketIds: items.map((it) => it.ticket_id),
    subtotal: m(o.subtotal_minor),
    fees: m(o.buyer_fee_minor),
    total: m(o.total_minor),
    currency: o.currency,
    createdAt: o.created_at.toISOString(),
    refundedAt: o.refunded_at?.toISOString() ?? null,
  };
}

export function paymentView(p: PaymentRow): PayResultView['payment'] {
  return {
    paymentId: p.id,
    provider: p.provider,
    status: p.status,
    amount: toMajor(p.amount_minor, p.currency),
    currency: p.currency,
    cardLast4: p.card_last4,
    failureCode: p.failure_code,
    failureMessage: p.failure_message,
  };
}
