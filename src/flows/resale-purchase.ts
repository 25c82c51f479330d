import type { Deps } from '../app/deps.js';
import { withTx, type Tx } from '../db/tx.js';
import { AppError } from '../lib/app-error.js';
import type { Actor } from '../modules/audit/index.js';
import { recordAudit } from '../modules/audit/index.js';
import {
  findIntentionBySecret,
  getBuyIntention,
  intentionItems,
  linkOrderToIntention,
  lockIntention,
  moveIntention,
  newOrderId,
  paymentView,
  recordOrder,
  type IntentionRow,
  type PayResultView,
} from '../modules/orders/index.js';
import { showSchedule } from '../modules/events/index.js';
import { claimListingsForSale, releaseListingsOf } from '../modules/listings/index.js';
import { findPayment, findStuckPayments, latestPaymentOf, normalizeCardNumber, paymentProvider, recordChargeResult, startPayment, type ChargeResult, type PaymentRow } from '../modules/payments/index.js';
import { schedulePayouts } from '../modules/payouts/index.js';
import { transferResoldTickets } from '../modules/tickets/index.js';
import { emitWebhook } from '../modules/webhooks/index.js';
import { REFUND_JOB } from './resale-refund.js';

/**
 * The resale purchase (SPEC §4, ADR 0010): reserve → pay outside any transaction → confirm.
 *
 * 1. `begin` (one transaction): the intention, found by id and the secret of its paymentUrl, moves to
 *    PAYING and a PROCESSING payment row is written. The partial unique index on live payments means
 *    one charge per intention, whatever the number of clicks.
 * 2. The provider is called with Encore's payment id as its idempotency key; nothing is locked meanwhile.
 * 3. `confirm` (one transaction): the answer is recorded once (a payment no longer PROCESSING was
 *    confirmed already). A decline gives the intention back to the buyer. A success settles: the
 *    listings are claimed all-or-none — still ours if we hold them, even past expiry when nobody took
 *    them; otherwise the money goes back (an order REFUND_PENDING, and a refund job) and the order says
 *    why. Settlement is one transaction: order, SOLD listings, new owners with their codes superseded,
 *    payouts, webhooks.
 */

export type PurchaseDeps = Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>;

const checkoutActor = (tenantId: string): Actor => ({ tenantId, label: 'checkout' });

/** How long after the show starts its payouts wait when the show has no end date. */
const DEFAULT_SHOW_LENGTH_MS = 24 * 60 * 60 * 1000;

async function resultView(deps: PurchaseDeps, tenantId: string, intentionId: string, payment: PaymentRow): Promise<PayResultView> {
  const { intention, order } = await getBuyIntention(deps, tenantId, intentionId);
  return { intention, payment: paymentView(payment), order };
}

type Begun = { kind: 'started'; tenantId: string; intention: IntentionRow; payment: PaymentRow } | { kind: 'finished'; tenantId: string; intentionId: string };

async function begin(deps: PurchaseDeps, intentionId: string, secret: string, buyerEmail: string | undefined, cardLast4: string): Promise<Begun> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const found = await findIntentionBySecret(tx, intentionId, secret, { lock: true });
    switch (found.status) {
      case 'COMPLETED':
      case 'REFUNDED':
        // A retry of a payment that already went through: answer what happened, charge nothing.
        return { kind: 'finished', tenantId: found.tenant_id, intentionId: found.id };
      case 'CANCELLED':
        throw new AppError('INTENTION_CLOSED', `buy intention ${found.id} was cancelled (its show was cancelled)`, { details: { status: found.status } });
      case 'PAYING':
        throw new AppError('PAYMENT_IN_PROGRESS', `a payment for buy intention ${found.id} is in progress`, { details: { status: found.status } });
      case 'RESERVED':
      case 'EXPIRED':
        break;
    }
    let buyer = found.buyer_email;
    if (buyer === null) {
      if (buyerEmail === undefined) throw new AppError('VALIDATION_ERROR', 'buyerEmail is required: this checkout does not know its buyer yet', { field: 'buyerEmail' });
      buyer = buyerEmail.toLowerCase();
      const own = (await intentionItems(tx, found.tenant_id, found.id)).find((i) => i.seller_email === buyer);
      if (own) throw new AppError('OWN_LISTING', `listing ${own.listing_id} is ${buyer}'s own`, { field: 'buyerEmail', details: { listingId: own.listing_id } });
    } else if (buyerEmail !== undefined && buyerEmail.toLowerCase() !== buyer) {
      // The integrator named this buyer (buy intention `user`, or login trust): the page cannot change it.
      throw new AppError('VALIDATION_ERROR', `this checkout's buyer is already named by the integrator; leave buyerEmail out`, { field: 'buyerEmail' });
    }
    // An email the page gave holds for this attempt only: a failed charge clears it (confirmCharge).
    const intention = await moveIntention(tx, found, 'PAYING', now, found.buyer_email === null ? { buyer_email: buyer, buyer_from_checkout: true } : {});
    const payment = await startPayment(tx, {
      tenantId: found.tenant_id,
      intentionId: found.id,
      amountMinor: found.total_minor,
      currency: found.currency,
      provider: paymentProvider(deps.config).name,
      cardLast4,
      now,
    });
    await recordAudit(tx, checkoutActor(found.tenant_id), { action: 'payment.started', entityType: 'payment', entityId: payment.id, after: { intentionId: found.id, amountMinor: found.total_minor } }, now);
    return { kind: 'started', tenantId: found.tenant_id, intention, payment };
  });
}

/** POST /v1/checkout/:intentionId/pay: the whole purchase for the checkout page. */
export async function payIntention(deps: PurchaseDeps, intentionId: string, body: { secret: string; cardNumber: string; buyerEmail?: string | undefined }): Promise<PayResultView> {
  const cardNumber = normalizeCardNumber(body.cardNumber);
  const begun = await begin(deps, intentionId, body.secret, body.buyerEmail, cardNumber.slice(-4));
  if (begun.kind === 'finished') {
    const payment = await latestPaymentOf(deps.db, begun.tenantId, begun.intentionId);
    return resultView(deps, begun.tenantId, begun.intentionId, payment!);
  }
  const { payment } = begun;
  let result: ChargeResult;
  try {
    result = await paymentProvider(deps.config).charge({ paymentId: payment.id, amountMinor: payment.amount_minor, currency: payment.currency, cardNumber });
  } catch (err) {
    // The provider did not answer properly: the charge did not happen as far as we can tell (its
    // idempotency key would return the same payment if it had), so the buyer may try again.
    result = { status: 'failed', providerRef: `unconfirmed_${payment.id}`, last4: cardNumber.slice(-4), code: 'provider_error', message: (err as Error).message };
  }
  return confirmCharge(deps, begun.tenantId, payment.id, result);
}

/** Step three, idempotent by payment: the provider's answer recorded once, and its consequences. */
export async function confirmCharge(deps: PurchaseDeps, tenantId: string, paymentId: string, result: ChargeResult): Promise<PayResultView> {
  const { intentionId, payment } = await withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const known = await findPayment(tx, tenantId, paymentId);
    if (!known) throw new Error(`payment ${paymentId} does not exist`);
    // Lock order of the marketplace: intention, then payment, then listings, then tickets.
    const intention = await lockIntention(tx, tenantId, known.intention_id);
    const recorded = await recordChargeResult(tx, tenantId, paymentId, result, now);
    if (!recorded.changed) return { intentionId: intention.id, payment: recorded.payment };
    const actor = checkoutActor(tenantId);
    if (recorded.payment.status !== 'SUCCEEDED') {
      await recordAudit(tx, actor, { action: 'payment.failed', entityType: 'payment', entityId: paymentId, after: { code: recorded.payment.failure_code } }, now);
      if (intention.status === 'PAYING') {
        const stillHeld = intention.expires_at.getTime() > now.getTime();
        await moveIntention(tx, intention, stillHeld ? 'RESERVED' : 'EXPIRED', now, intention.buyer_from_checkout ? { buyer_email: null, buyer_from_checkout: false } : {});
        if (!stillHeld) await releaseListingsOf(tx, deps, tenantId, intention.id, now);
      }
      return { intentionId: intention.id, payment: recorded.payment };
    }
    await recordAudit(tx, actor, { action: 'payment.succeeded', entityType: 'payment', entityId: paymentId, after: { providerRef: recorded.payment.provider_ref } }, now);
    await settle(tx, deps, actor, intention, recorded.payment, now);
    return { intentionId: intention.id, payment: recorded.payment };
  });
  return resultView(deps, tenantId, intentionId, payment);
}

/** Money was taken but the tickets cannot be delivered: an order that says why, and a refund job. */
async function refundAtOnce(tx: Tx, deps: PurchaseDeps, actor: Actor, intention: IntentionRow, payment: PaymentRow, outcome: string, reason: string, now: Date): Promise<void> {
  const orderId = newOrderId(now);
  await releaseListingsOf(tx, deps, intention.tenant_id, intention.id, now);
  await recordOrder(tx, actor, orderId, { intention, paymentId: payment.id, buyerEmail: intention.buyer_email!, status: 'REFUND_PENDING', outcome, refundReason: reason, items: [], now });
  // A cancelled intention stays CANCELLED but still points at its order, so the checkout shows the refund.
  if (intention.status === 'PAYING') await moveIntention(tx, intention, 'REFUNDED', now, { order_id: orderId });
  else await linkOrderToIntention(tx, intention, orderId, now);
  await deps.queue.send(tx, REFUND_JOB, { tenantId: intention.tenant_id, orderId });
}

async function settle(tx: Tx, deps: PurchaseDeps, actor: Actor, intention: IntentionRow, payment: PaymentRow, now: Date): Promise<void> {
  const tenantId = intention.tenant_id;
  if (intention.status === 'CANCELLED') {
    await refundAtOnce(tx, deps, actor, intention, payment, 'REFUNDED_SHOW_CANCELLED', 'the show was cancelled while the payment was in progress', now);
    return;
  }
  const items = await intentionItems(tx, tenantId, intention.id);
  const orderId = newOrderId(now);
  const reserved = items.map((i) => ({ listingId: i.listing_id, priceMinor: i.price_minor, buyerFeeMinor: i.buyer_fee_minor }));
  const claim = await claimListingsForSale(tx, deps, tenantId, reserved, intention.id, orderId, now);
  if (!claim.ok) {
    const which = `listing${claim.unavailable.length > 1 ? 's' : ''} ${claim.unavailable.join(', ')}`;
    await refundAtOnce(tx, deps, actor, intention, payment, 'REFUNDED_LISTINGS_UNAVAILABLE', `the hold expired and ${which} went to another buyer or changed price`, now);
    return;
  }
  const buyerEmail = intention.buyer_email!;
  const lateness = now.getTime() >= intention.expires_at.getTime() ? 'PAID_AFTER_HOLD_EXPIRED' : 'PAID';
  const transfers: { ticketId: string; previousOwnerEmail: string | null; newOwnerEmail: string }[] = [];
  for (const l of claim.listings) {
    transfers.push(...(await transferResoldTickets(tx, actor, { tenantId, ticketIds: l.ticketIds, buyerEmail, orderId, listingId: l.listingId, now })));
  }
  const orderItems = claim.listings.flatMap((l) =>
    l.ticketIds.map((ticketId) => ({ ticketId, listingId: l.listingId, sellerEmail: l.sellerEmail, priceMinor: l.priceMinor, buyerFeeMinor: l.buyerFeeMinor, sellerFeeMinor: l.sellerFeeMinor })),
  );
  await recordOrder(tx, actor, orderId, { intention, paymentId: payment.id, buyerEmail, status: 'COMPLETED', outcome: lateness, refundReason: null, items: orderItems, now });
  await moveIntention(tx, intention, 'COMPLETED', now, { order_id: orderId });
  // Only the show's times: settlement is the hot path of a purchase, the whole catalogue is not needed.
  const show = await showSchedule(tx, tenantId, intention.show_pk);
  const releaseAt = show?.endsAt ?? new Date((show?.startsAt ?? now).getTime() + DEFAULT_SHOW_LENGTH_MS);
  await schedulePayouts(tx, deps, actor, {
    orderId,
    releaseAt,
    now,
    items: claim.listings.map((l) => ({ listingId: l.listingId, sellerEmail: l.sellerEmail, amountMinor: (l.priceMinor - l.sellerFeeMinor) * l.quantity, currency: l.currency })),
  });
  for (const t of transfers) {
    await emitWebhook(tx, deps, tenantId, { family: 'ticket', action: 'updated', data: { id: t.ticketId, newOwnerEmail: t.newOwnerEmail, previousOwnerEmail: t.previousOwnerEmail, orderId } });
  }
}

/** A payment the provider was asked about this long ago without an answer recorded is reconciled. */
export const STUCK_PAYMENT_MS = 2 * 60 * 1000;

/**
 * Reconciliation (part of the marketplace sweep): a process that died between the charge and its
 * confirmation leaves a PROCESSING payment and a PAYING intention. The provider is asked what became
 * of the charge (by Encore's payment id) and the answer is confirmed as if it had just arrived —
 * settled, refunded or given back, exactly once.
 */
export async function reconcileStuckPayments(deps: PurchaseDeps): Promise<number> {
  const stuck = await findStuckPayments(deps.db, deps.clock.now(), STUCK_PAYMENT_MS);
  const provider = paymentProvider(deps.config);
  for (const p of stuck) {
    const found = await provider.retrieve({ paymentId: p.id, cardLast4: p.card_last4 });
    const result: ChargeResult = found ?? { status: 'failed', providerRef: `unconfirmed_${p.id}`, last4: p.card_last4 ?? '', code: 'provider_no_record', message: 'The provider has no record of this charge.' };
    await confirmCharge(deps, p.tenant_id, p.id, result);
  }
  return stuck.length;
}
