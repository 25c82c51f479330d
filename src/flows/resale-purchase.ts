import type { Deps } from '../app/deps.js';
import { withTx, type Tx } from '../db/tx.js';
import { AppError } from '../lib/app-error.js';
import type { Actor } from '../modules/audit/index.js';
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
import { holderPolicy, showSchedule } from '../modules/events/index.js';
import { claimListingsForSale, listingsNoLongerFor, releaseListingsOf } from '../modules/listings/index.js';
import {
  beginPaymentWithLines,
  chargePayment,
  confirmPayment,
  latestPaymentOf,
  normalizeCardNumber,
  requestRefund,
  type ChargeResult,
  type PaymentLineRow,
  type PaymentRow,
  type Settlement,
} from '../modules/payments/index.js';
import { schedulePayouts } from '../modules/payouts/index.js';
import { changeTicketOwners } from '../modules/tickets/index.js';

/**
 * The resale purchase (SPEC §4, ADR 0010), on the one payment engine (modules/payments, ADR 0014):
 *
 * 1. `begin` (one transaction): the intention, found by id and the secret of its paymentUrl, is
 *    locked. A payment after the hold ran out is first checked against the listings: when another
 *    buyer holds them now, or they were withdrawn or re-priced, it is refused before any charge (409
 *    LISTING_UNAVAILABLE, the intention EXPIRED). Otherwise the intention moves to PAYING and the
 *    engine writes a PROCESSING payment (one charge in flight per intention, whatever the clicks).
 * 2. The engine charges the card outside any transaction.
 * 3. The engine confirms once and runs `resaleSettlement` in the confirming transaction. A decline
 *    gives the intention back to the buyer. A success settles: the listings are claimed all-or-none —
 *    still ours if we hold them, even past expiry when nobody took them; otherwise (a race the check
 *    in step 1 could not close) the money goes back: an order REFUND_PENDING that says why, and the
 *    payments refund job. Settlement is one transaction: order, SOLD listings, new owners with their
 *    codes superseded, payouts, webhooks.
 */

export type PurchaseDeps = Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>;

const checkoutActor = (tenantId: string): Actor => ({ tenantId, label: 'checkout' });

/** How long after the show starts its payouts wait when the show has no end date. */
const DEFAULT_SHOW_LENGTH_MS = 24 * 60 * 60 * 1000;

async function resultView(deps: PurchaseDeps, tenantId: string, intentionId: string, payment: PaymentRow): Promise<PayResultView> {
  const { intention, order } = await getBuyIntention(deps, tenantId, intentionId);
  return { intention, payment: paymentView(payment), order };
}

type Begun =
  | { kind: 'started'; tenantId: string; payment: PaymentRow; lines: PaymentLineRow[] }
  | { kind: 'finished'; tenantId: string; intentionId: string }
  | { kind: 'lost'; intentionId: string; listingIds: string[] };

/** Names the buyer of this attempt: the integrator's (fixed) or the page's (this attempt only). */
async function buyerOf(tx: Tx, found: IntentionRow, buyerEmail: string | undefined): Promise<string> {
  if (found.buyer_email !== null) {
    // The integrator named this buyer (buy intention `user`, or login trust): the page cannot change it.
    if (buyerEmail !== undefined && buyerEmail.toLowerCase() !== found.buyer_email) {
      throw new AppError('VALIDATION_ERROR', `this checkout's buyer is already named by the integrator; leave buyerEmail out`, { field: 'buyerEmail' });
    }
    return found.buyer_email;
  }
  if (buyerEmail === undefined) throw new AppError('VALIDATION_ERROR', 'buyerEmail is required: this checkout does not know its buyer yet', { field: 'buyerEmail' });
  const buyer = buyerEmail.toLowerCase();
  const own = (await intentionItems(tx, found.tenant_id, found.id)).find((i) => i.seller_email === buyer);
  if (own) throw new AppError('OWN_LISTING', `listing ${own.listing_id} is ${buyer}'s own`, { field: 'buyerEmail', details: { listingId: own.listing_id } });
  return buyer;
}

/** The holder's name as the buyer gave it (the page's two fields, or the API's two properties). */
export interface HolderInput {
  holderFirstName?: string | undefined;
  holderLastName?: string | undefined;
}

/**
 * The named holder of this attempt (SPEC §4.1 item 2): both names are required when the event's
 * policy is MANDATORY; given ones are kept whatever the policy. Checked before anything is charged.
 */
async function holderOf(tx: Tx, found: IntentionRow, given: HolderInput): Promise<string | null> {
  const first = given.holderFirstName?.trim() ?? '';
  const last = given.holderLastName?.trim() ?? '';
  if ((await holderPolicy(tx, found.tenant_id, found.event_id)) === 'MANDATORY') {
    if (first === '') throw new AppError('VALIDATION_ERROR', `holderFirstName is required: this event's tickets carry their holder's name`, { field: 'holderFirstName' });
    if (last === '') throw new AppError('VALIDATION_ERROR', `holderLastName is required: this event's tickets carry their holder's name`, { field: 'holderLastName' });
  }
  const name = `${first} ${last}`.trim();
  return name === '' ? null : name;
}

async function begin(deps: PurchaseDeps, intentionId: string, secret: string, buyerEmail: string | undefined, holder: HolderInput, cardLast4: string): Promise<Begun> {
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
    const buyer = await buyerOf(tx, found, buyerEmail);
    const holderName = await holderOf(tx, found, holder);
    if (now.getTime() >= found.expires_at.getTime()) {
      // The hold ran out: are the listings still free for this buyer? Asked before any charge.
      const items = await intentionItems(tx, found.tenant_id, found.id);
      const lost = await listingsNoLongerFor(tx, found.tenant_id, items.map((i) => ({ listingId: i.listing_id, priceMinor: i.price_minor, buyerFeeMinor: i.buyer_fee_minor })), found.id, now);
      if (lost.length > 0) {
        if (found.status === 'RESERVED') await moveIntention(tx, deps, checkoutActor(found.tenant_id), found, 'EXPIRED', now);
        await releaseListingsOf(tx, deps, found.tenant_id, found.id, now);
        return { kind: 'lost', intentionId: found.id, listingIds: lost };
      }
    }
    // An email the page gave holds for this attempt only: a failed charge clears it (the settlement).
    await moveIntention(tx, deps, checkoutActor(found.tenant_id), found, 'PAYING', now, {
      ...(found.buyer_email === null ? { buyer_email: buyer, buyer_from_checkout: true } : {}),
      holder_name: holderName,
    });
    const { payment, lines } = await beginPaymentWithLines(tx, deps, {
      tenantId: found.tenant_id,
      purpose: 'RESALE_ORDER',
      currency: found.currency,
      lines: [{ subjectId: found.id, kind: 'full', amountMinor: found.total_minor }],
      cardLast4,
      actor: checkoutActor(found.tenant_id),
      now,
    });
    return { kind: 'started', tenantId: found.tenant_id, payment, lines };
  });
}

/** POST /v1/checkout/:intentionId/pay: the whole purchase for the checkout page. */
export async function payIntention(deps: PurchaseDeps, intentionId: string, body: { secret: string; cardNumber: string; buyerEmail?: string | undefined } & HolderInput): Promise<PayResultView> {
  const cardNumber = normalizeCardNumber(body.cardNumber);
  const begun = await begin(deps, intentionId, body.secret, body.buyerEmail, body, cardNumber.slice(-4));
  if (begun.kind === 'lost') {
    const which = `listing${begun.listingIds.length > 1 ? 's' : ''} ${begun.listingIds.join(', ')}`;
    throw new AppError('LISTING_UNAVAILABLE', `the hold of buy intention ${begun.intentionId} expired and ${which} went to another buyer, changed price or was withdrawn; nothing was charged`, {
      details: { listingIds: begun.listingIds, intentionId: begun.intentionId },
    });
  }
  if (begun.kind === 'finished') {
    const payment = await latestPaymentOf(deps.db, begun.tenantId, 'RESALE_ORDER', begun.intentionId);
    return resultView(deps, begun.tenantId, begun.intentionId, payment!);
  }
  const result = await chargePayment(deps, begun.payment, cardNumber);
  return confirmCharge(deps, begun.tenantId, begun.payment.id, result, begun.lines);
}

/**
 * Step three, idempotent by payment: the provider's answer recorded once, and its consequences.
 * `lines`: the payment's lines when the caller just began it (saves reading them in the transaction).
 */
export async function confirmCharge(deps: PurchaseDeps, tenantId: string, paymentId: string, result: ChargeResult, lines?: readonly PaymentLineRow[]): Promise<PayResultView> {
  const { intentionId, payment } = await confirmPayment(deps, tenantId, paymentId, result, resaleSettlement(deps), lines);
  return resultView(deps, tenantId, intentionId, payment);
}

/**
 * What a resale payment's outcome does, in the confirming transaction. Lock order of the
 * marketplace: intention, then payment (the engine), then listings, then tickets.
 */
export function resaleSettlement(deps: PurchaseDeps): Settlement<IntentionRow, { intentionId: string; payment: PaymentRow }> {
  return {
    lock: (tx, tenantId, lines) => lockIntention(tx, tenantId, lines[0]!.subject_id),
    confirmedBefore: async (_tx, intention, payment) => ({ intentionId: intention.id, payment }),
    failed: async (tx, intention, payment) => {
      if (intention.status === 'PAYING') {
        const now = deps.clock.now();
        const stillHeld = intention.expires_at.getTime() > now.getTime();
        await moveIntention(tx, deps, checkoutActor(intention.tenant_id), intention, stillHeld ? 'RESERVED' : 'EXPIRED', now, intention.buyer_from_checkout ? { buyer_email: null, buyer_from_checkout: false } : {});
        if (!stillHeld) await releaseListingsOf(tx, deps, intention.tenant_id, intention.id, now);
      }
      return { intentionId: intention.id, payment };
    },
    succeeded: async (tx, intention, payment) => {
      await settle(tx, deps, checkoutActor(intention.tenant_id), intention, payment, deps.clock.now());
      return { intentionId: intention.id, payment };
    },
  };
}

/** Money was taken but the tickets cannot be delivered: an order that says why, and the refund job. */
async function refundAtOnce(tx: Tx, deps: PurchaseDeps, actor: Actor, intention: IntentionRow, payment: PaymentRow, outcome: string, reason: string, now: Date): Promise<void> {
  const orderId = newOrderId(now);
  await releaseListingsOf(tx, deps, intention.tenant_id, intention.id, now);
  await recordOrder(tx, actor, orderId, { intention, paymentId: payment.id, buyerEmail: intention.buyer_email!, status: 'REFUND_PENDING', outcome, refundReason: reason, items: [], now });
  // A cancelled intention stays CANCELLED but still points at its order, so the checkout shows the refund.
  if (intention.status === 'PAYING') await moveIntention(tx, deps, actor, intention, 'REFUNDED', now, { order_id: orderId });
  else await linkOrderToIntention(tx, intention, orderId, now);
  await requestRefund(tx, deps, intention.tenant_id, payment.id);
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
  for (const l of claim.listings) {
    // New owner, code rotated, SOLD history, audit and the `ticket.updated` webhook (tickets module).
    await changeTicketOwners(tx, deps, actor, { tenantId, ticketIds: l.ticketIds, newOwner: { email: buyerEmail, name: intention.holder_name ?? undefined }, reason: { type: 'RESALE', orderId, listingId: l.listingId }, now });
  }
  const orderItems = claim.listings.flatMap((l) =>
    l.ticketIds.map((ticketId) => ({ ticketId, listingId: l.listingId, sellerEmail: l.sellerEmail, priceMinor: l.priceMinor, buyerFeeMinor: l.buyerFeeMinor, sellerFeeMinor: l.sellerFeeMinor })),
  );
  await recordOrder(tx, actor, orderId, { intention, paymentId: payment.id, buyerEmail, status: 'COMPLETED', outcome: lateness, refundReason: null, items: orderItems, now });
  await moveIntention(tx, deps, actor, intention, 'COMPLETED', now, { order_id: orderId });
  // Only the show's times: settlement is the hot path of a purchase, the whole catalogue is not needed.
  const show = await showSchedule(tx, tenantId, intention.show_pk);
  const releaseAt = show?.endsAt ?? new Date((show?.startsAt ?? now).getTime() + DEFAULT_SHOW_LENGTH_MS);
  await schedulePayouts(tx, deps, actor, {
    orderId,
    releaseAt,
    now,
    items: claim.listings.map((l) => ({ listingId: l.listingId, sellerEmail: l.sellerEmail, amountMinor: (l.priceMinor - l.sellerFeeMinor) * l.quantity, currency: l.currency })),
  });
}
