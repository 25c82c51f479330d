import type { Deps } from '../app/deps.js';
import { withTx, type Tx } from '../db/tx.js';
import { AppError } from '../lib/app-error.js';
import { newId } from '../lib/ids.js';
import { toMajor } from '../lib/money.js';
import type { Actor } from '../modules/audit/index.js';
import { findShow } from '../modules/events/index.js';
import {
  beginPayment,
  chargePayment,
  confirmPayment,
  normalizeCardNumber,
  paymentInFlight,
  refundPayment,
  requestRefund,
  type PaymentLineRow,
  type PaymentRow,
  type Settlement,
} from '../modules/payments/index.js';
import {
  amountDue,
  carriesPayment,
  completePaidIntent,
  findIntentRow,
  intentView,
  lockCheckoutIntents,
  lockIntentsById,
  publicActor,
  recordDepositPaid,
  ticketsToIssue,
  cartTickets,
  CHECKOUT_ID_PREFIX,
  type CheckoutItem,
  type IntentRow,
  type IntentView,
  type TakenCharge,
} from '../modules/purchase-intents/index.js';
import { issueTicketsForIntent, validateTicketsOfIntent } from '../modules/tickets/index.js';

/**
 * Public checkout of purchase intents (SPEC §7, ADR 0011), guarded by each intent's secret, on the
 * one payment engine (modules/payments, ADR 0014):
 * 1. begin (one transaction, the intents locked in id order): every intent must be payable (new,
 *    approved, not expired, `Online` allowed) with no charge in flight; the engine writes a
 *    PROCESSING payment with one line per intent (full, deposit or balance).
 * 2. The engine charges the card outside any transaction.
 * 3. The engine confirms once and runs `intentSettlement` in the confirming transaction (intents
 *    locked before the payment). A decline or failure leaves every intent as it was (an outcome of
 *    `payIntents`: the immediate checkout answers it as a 400 with the provider's reason, a checkout
 *    session's page shows it). A success applies each line: a deposit is recorded in `deposit` (the intent
 *    stays new); a full or balance payment completes the intent (transactionId, outcome.checkoutId,
 *    tickets VALID). If an intent was canceled while the charge was in flight, nothing is applied and
 *    the charge is refunded (the payments refund job, and at once for this answer): all intents of a
 *    checkout complete together or none does.
 */

export type CheckoutDeps = Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>;

export interface CheckoutBody {
  items: CheckoutItem[];
  cardNumber?: string | undefined;
  salesChannelId?: string | undefined;
  /**
   * The checkout the payment belongs to (`payments.checkout_id`, the completed intents'
   * `outcome.checkoutId`): a checkout session's id when paid on its page, else a new `chk_…` id.
   */
  checkoutId?: string | undefined;
}

export interface CheckoutResult {
  checkoutId: string;
  status: 'complete' | 'depositPaid' | 'partial';
  amount: number;
  currency: string;
  payment: { _id: string; status: string; amount: number; cardLast4: string | null; balanceTransactionId: string | null };
  purchaseIntents: IntentView[];
}

type Confirmed = { outcome: 'applied'; payment: PaymentRow; lines: readonly PaymentLineRow[] } | { outcome: 'unpaid'; payment: PaymentRow } | { outcome: 'refund'; payment: PaymentRow; stale: IntentRow[] };

async function begin(deps: CheckoutDeps, body: CheckoutBody): Promise<{ tenantId: string; payment: PaymentRow; cardNumber: string }> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const { tenantId, currency, rows } = await lockCheckoutIntents(tx, body.items);
    if (body.cardNumber === undefined || body.cardNumber === '') {
      throw new AppError('VALIDATION_ERROR', 'cardNumber is required: the card to charge (an Encore extension of the checkout body)', { field: 'cardNumber' });
    }
    const cardNumber = normalizeCardNumber(body.cardNumber);
    const lines = [];
    for (const row of rows) lines.push({ subjectId: row.id, ...(await amountDue(tx, row, now)) });
    const inflight = await paymentInFlight(tx, tenantId, 'PURCHASE_INTENTS', rows.map((r) => r.id));
    if (inflight !== undefined) throw new AppError('PURCHASE_INTENT_NOT_PAYABLE', `a payment for ${rows.length > 1 ? 'these purchase intents' : `purchase intent ${rows[0]!.id}`} is in progress`, { details: { paymentId: inflight } });
    const payment = await beginPayment(tx, deps, {
      tenantId,
      purpose: 'PURCHASE_INTENTS',
      currency,
      lines,
      cardLast4: cardNumber.slice(-4),
      checkoutId: body.checkoutId ?? newId(CHECKOUT_ID_PREFIX, now.getTime()),
      context: body.salesChannelId !== undefined ? { salesChannelId: body.salesChannelId } : {},
      actor: publicActor(tenantId),
      now,
    });
    return { tenantId, payment, cardNumber };
  });
}

function takenCharge(payment: PaymentRow, line: PaymentLineRow): TakenCharge {
  const salesChannelId = (payment.context as { salesChannelId?: string }).salesChannelId;
  return { paymentId: payment.id, providerRef: payment.provider_ref, checkoutId: payment.checkout_id ?? payment.id, amountMinor: line.amount_minor, salesChannelId: salesChannelId ?? null };
}

/** A full or balance payment: the intent's tickets become VALID (issued now when it had none reserved). */
async function deliverTickets(tx: Tx, actor: Actor, row: IntentRow, now: Date): Promise<boolean> {
  if (row.tickets_issued) {
    await validateTicketsOfIntent(tx, actor, row.id, now);
    return true;
  }
  // Paid without reserved tickets: its tickets are issued now, VALID, so its places stay taken.
  const found = await findShow(tx, row.tenant_id, { id: row.show_pk });
  if (!found) return false;
  const intent = { id: row.id, currency: row.currency, customerId: row.customer_id };
  await issueTicketsForIntent(tx, actor, ticketsToIssue(intent, found.event, row.show_pk, true, cartTickets(row)), now);
  return true;
}

/** What a purchase-intent payment's outcome does, in the confirming transaction. */
export function intentSettlement(deps: CheckoutDeps): Settlement<Map<string, IntentRow>, Confirmed> {
  return {
    lock: (tx, tenantId, lines) => lockIntentsById(tx, tenantId, lines.map((l) => l.subject_id)),
    confirmedBefore: async (_tx, rows, payment, lines) => {
      if (payment.status !== 'SUCCEEDED') return { outcome: 'unpaid', payment };
      const missing = lines.map((l) => rows.get(l.subject_id)).filter((r) => !carriesPayment(r, payment.id));
      return missing.length === 0 ? { outcome: 'applied', payment, lines } : { outcome: 'refund', payment, stale: missing.filter((r): r is IntentRow => r !== undefined) };
    },
    failed: async (_tx, _rows, payment) => ({ outcome: 'unpaid', payment }),
    succeeded: async (tx, rows, payment, lines) => {
      const stale = lines.map((l) => rows.get(l.subject_id)).filter((r) => r === undefined || r.status !== 'new');
      if (stale.length > 0) {
        await requestRefund(tx, deps, payment.tenant_id, payment.id);
        return { outcome: 'refund', payment, stale: stale.filter((r): r is IntentRow => r !== undefined) };
      }
      const now = deps.clock.now();
      const actor = publicActor(payment.tenant_id);
      for (const line of lines) {
        const row = rows.get(line.subject_id)!;
        if (line.kind === 'deposit') await recordDepositPaid(tx, deps, actor, row, takenCharge(payment, line), now);
        else await completePaidIntent(tx, deps, actor, row, { ...takenCharge(payment, line), ticketsIssued: await deliverTickets(tx, actor, row, now) }, now);
      }
      return { outcome: 'applied', payment, lines };
    },
  };
}

/** A payment the provider did not take (declined, or failed): an answer to show, not an error. */
export interface DeclinedPayment {
  outcome: 'declined';
  payment: { _id: string; status: string; amount: number; cardLast4: string | null; code: string | null; message: string };
  currency: string;
}

export type PayOutcome = { outcome: 'paid'; result: CheckoutResult } | DeclinedPayment;

/**
 * One charge for every intent given (each with its secret), all applied together or none (see the
 * file comment for the three steps). A declined or failed card is an outcome (the intents are
 * unchanged, the attempt is on record); refusals before the charge and a charge refunded because an
 * intent was canceled meanwhile are AppErrors.
 */
export async function payIntents(deps: CheckoutDeps, body: CheckoutBody): Promise<PayOutcome> {
  if (body.items.length === 0) throw new AppError('VALIDATION_ERROR', 'items must name at least one purchase intent', { field: 'items' });
  const { tenantId, payment, cardNumber } = await begin(deps, body);
  const result = await chargePayment(deps, payment, cardNumber);
  const confirmed = await confirmPayment(deps, tenantId, payment.id, result, intentSettlement(deps));
  if (confirmed.outcome === 'unpaid') {
    const p = confirmed.payment;
    return {
      outcome: 'declined',
      payment: { _id: p.id, status: p.status, amount: toMajor(p.amount_minor, p.currency), cardLast4: p.card_last4, code: p.failure_code, message: p.failure_message ?? 'declined' },
      currency: p.currency,
    };
  }
  if (confirmed.outcome === 'refund') {
    // The refund job was sent with the decision; giving the money back now lets this answer say so.
    await refundPayment(deps, tenantId, payment.id, async () => {});
    const ids = confirmed.stale.map((r) => r.id).join(', ');
    throw new AppError('PURCHASE_INTENT_NOT_PAYABLE', `purchase intent ${ids} was canceled while the payment was in progress; the charge was refunded and nothing was completed`, {
      details: { paymentId: payment.id, refunded: true },
    });
  }
  const views: IntentView[] = [];
  for (const line of confirmed.lines) {
    const row = await findIntentRow(deps.db, tenantId, line.subject_id);
    if (row) views.push(intentView(row));
  }
  const kinds = new Set(confirmed.lines.map((l) => l.kind));
  const p = confirmed.payment;
  return {
    outcome: 'paid',
    result: {
      checkoutId: p.checkout_id ?? p.id,
      status: kinds.has('deposit') ? (kinds.size === 1 ? 'depositPaid' : 'partial') : 'complete',
      amount: toMajor(p.amount_minor, p.currency),
      currency: p.currency,
      payment: { _id: p.id, status: p.status, amount: toMajor(p.amount_minor, p.currency), cardLast4: p.card_last4, balanceTransactionId: p.provider_ref },
      purchaseIntents: views,
    },
  };
}

/**
 * POST …/:id/checkout and POST …/checkout with a `cardNumber` (the immediate payment): `payIntents`,
 * with a declined or failed card answered as a 400 that changes nothing.
 */
export async function checkoutIntents(deps: CheckoutDeps, body: CheckoutBody): Promise<CheckoutResult> {
  const paid = await payIntents(deps, body);
  if (paid.outcome === 'declined') {
    const p = paid.payment;
    throw new AppError('PURCHASE_INTENT_PAYMENT_DECLINED', `the payment was not taken: ${p.message} (${p.code ?? p.status}); the purchase intent is unchanged`, {
      details: { paymentId: p._id, code: p.code, status: p.status },
    });
  }
  return paid.result;
}
