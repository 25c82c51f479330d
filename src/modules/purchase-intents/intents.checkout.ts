import { withTx, type Executor, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { toMajor, toMinor } from '../../lib/money.js';
import { transition } from '../../lib/state-machine.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { findShow } from '../events/index.js';
import { normalizeCardNumber, paymentProvider, type ChargeResult } from '../payments/index.js';
import { issueTicketsForIntent, validateTicketsOfIntent } from '../tickets/index.js';
import { intentView, type HistoryItem, type IntentRow, type StoredItem } from './intents.model.js';
import { publicIntentsRepository as pub, type IntentPaymentPartRow, type IntentPaymentRow } from './intents.public.repository.js';
import type { IntentPaymentKind } from './intents.public.tables.js';
import { intentsRepository as repo } from './intents.repository.js';
import { announceIntent, historyItem, ticketLine, type IntentView } from './intents.service.js';
import { INTENT_STATES } from './intents.states.js';
import { getStrategyForTenant } from './strategies.service.js';
import { findBySecret, publicActor, type PublicDeps } from './intents.public.service.js';

/**
 * Public checkout of purchase intents (SPEC §7, ADR 0011), guarded by each intent's secret like the
 * other public endpoints (intents.public.service.ts). It follows the marketplace's reserve → charge →
 * confirm (src/flows/resale-purchase.ts):
 * 1. `begin` (one transaction, the intents locked in id order): every intent must be payable (new,
 *    approved, not expired, `Online` allowed) with no charge in flight; a PROCESSING payment row and
 *    its parts (what each intent gets) are written.
 * 2. The provider is charged with Encore's payment id as idempotency key, outside any transaction.
 * 3. `confirm` (one transaction, intents then payment locked): the answer is recorded once. A
 *    decline or failure leaves every intent as it was (400 with the provider's reason). A success
 *    applies each part: a deposit is recorded in `deposit` (the intent stays new); a full or balance
 *    payment completes the intent (transactionId, outcome.checkoutId, tickets VALID). If an intent
 *    was canceled while the charge was in flight (admin cancel, expiry job), nothing is applied and
 *    the charge is refunded: all intents of a checkout complete together or none does.
 */

function refusal(row: IntentRow, reason: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('PURCHASE_INTENT_NOT_PAYABLE', `purchase intent ${row.id} cannot be checked out: ${reason}`, { details: { purchaseIntentId: row.id, ...details } });
}

interface Due {
  row: IntentRow;
  kind: IntentPaymentKind;
  amountMinor: number;
}

/**
 * What this checkout charges for one intent, or why it is refused (SPEC §7): the intent must be new,
 * approved, not past `expiresAt` (clock), and `Online` must be allowed by `restrictedCompletion`
 * (empty or absent: all channels). With a strategy deposit not paid yet, only the deposit (fixed in
 * major units, or a percentage of realPrice, rounded to the minor unit); after it, the balance
 * (realPrice − deposit); otherwise realPrice. A deposit of 0 or ≥ realPrice is simply the full price.
 */
async function dueOf(ex: Executor, row: IntentRow, now: Date): Promise<Due> {
  if (row.status !== 'new') throw refusal(row, row.status === 'complete' ? 'it is already complete (paid)' : 'it is canceled', { status: row.status });
  if (row.approval_status !== 'approved') {
    const why = row.approval_status === 'awaiting' ? 'it awaits the seller’s approval' : `it was rejected${row.rejection_reason ? ` (${row.rejection_reason})` : ''}`;
    throw refusal(row, why, { approvalStatus: row.approval_status });
  }
  if (row.expires_at !== null && row.expires_at.getTime() <= now.getTime()) throw refusal(row, `it expired at ${row.expires_at.toISOString()}`, { expiresAt: row.expires_at.toISOString() });
  const channels = row.restricted_completion ?? [];
  if (channels.length > 0 && !channels.includes('Online')) {
    throw refusal(row, `it can only be completed through ${channels.join(', ')}, not online`, { restrictedCompletion: channels });
  }
  const real = Number(row.real_price_minor);
  const paid = row.deposit as { amount: number } | null;
  if (paid !== null) return { row, kind: 'balance', amountMinor: Math.max(0, real - toMinor(paid.amount, row.currency, 'deposit.amount')) };
  const strategy = row.strategy_id !== null ? await getStrategyForTenant(ex, row.tenant_id, row.strategy_id) : undefined;
  const deposit = strategy?.deposit;
  if (deposit) {
    const depositMinor = deposit.method === 'fixed' ? toMinor(deposit.value, row.currency, 'deposit.value') : Math.round((real * deposit.value) / 100);
    if (depositMinor > 0 && depositMinor < real) return { row, kind: 'deposit', amountMinor: depositMinor };
  }
  return { row, kind: 'full', amountMinor: real };
}

export interface CheckoutItem {
  purchaseIntentId: string;
  secret?: string | undefined;
}

export interface CheckoutBody {
  items: CheckoutItem[];
  cardNumber?: string | undefined;
  salesChannelId?: string | undefined;
}

interface Begun {
  tenantId: string;
  payment: IntentPaymentRow;
  cardNumber: string;
}

async function begin(deps: PublicDeps, body: CheckoutBody): Promise<Begun> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const seen = new Set<string>();
    for (const [i, item] of body.items.entries()) {
      if (seen.has(item.purchaseIntentId)) {
        throw new AppError('VALIDATION_ERROR', `items[${i}].purchaseIntentId: purchase intent ${item.purchaseIntentId} appears twice`, { field: `items[${i}].purchaseIntentId` });
      }
      seen.add(item.purchaseIntentId);
    }
    // Locked in id order, so two checkouts sharing intents never deadlock.
    const sorted = [...body.items].sort((a, b) => (a.purchaseIntentId < b.purchaseIntentId ? -1 : a.purchaseIntentId > b.purchaseIntentId ? 1 : 0));
    const rows: IntentRow[] = [];
    for (const item of sorted) rows.push(await findBySecret(tx, item.purchaseIntentId, item.secret, { lock: true }));
    const tenantId = rows[0]!.tenant_id;
    if (rows.some((r) => r.tenant_id !== tenantId)) throw new AppError('VALIDATION_ERROR', 'the purchase intents of one checkout must belong to the same seller', { field: 'items' });
    const currency = rows[0]!.currency;
    if (rows.some((r) => r.currency !== currency)) throw new AppError('VALIDATION_ERROR', 'the purchase intents of one checkout must share their currency', { field: 'items' });
    if (body.cardNumber === undefined || body.cardNumber === '') {
      throw new AppError('VALIDATION_ERROR', 'cardNumber is required: the card to charge (an Encore extension of the checkout body)', { field: 'cardNumber' });
    }
    const cardNumber = normalizeCardNumber(body.cardNumber);
    const dues: Due[] = [];
    for (const row of rows) dues.push(await dueOf(tx, row, now));
    const inflight = await pub.processingFor(tx, tenantId, rows.map((r) => r.id));
    if (inflight !== undefined) throw new AppError('PURCHASE_INTENT_NOT_PAYABLE', `a payment for ${rows.length > 1 ? 'these purchase intents' : `purchase intent ${rows[0]!.id}`} is in progress`, { details: { paymentId: inflight } });
    const amountMinor = dues.reduce((s, d) => s + d.amountMinor, 0);
    const payment = await pub.insertPayment(
      tx,
      {
        tenant_id: tenantId,
        id: newId(ID_PREFIX.payment, now.getTime()),
        checkout_id: newId('chk', now.getTime()),
        provider: paymentProvider(deps.config).name,
        provider_ref: null,
        status: 'PROCESSING',
        amount_minor: amountMinor,
        currency,
        card_last4: cardNumber.slice(-4),
        failure_code: null,
        failure_message: null,
        refund_ref: null,
        sales_channel_id: body.salesChannelId ?? null,
        created_at: now,
        updated_at: now,
      },
      dues.map((d) => ({ intentId: d.row.id, kind: d.kind, amountMinor: d.amountMinor })),
    );
    await recordAudit(tx, publicActor(tenantId), { action: 'purchaseIntent.payment.started', entityType: 'purchaseIntentPayment', entityId: payment.id, after: { amountMinor, intents: rows.map((r) => r.id) } }, now);
    return { tenantId, payment, cardNumber };
  });
}

type Confirmed =
  | { outcome: 'applied'; payment: IntentPaymentRow; parts: IntentPaymentPartRow[] }
  | { outcome: 'unpaid'; payment: IntentPaymentRow }
  | { outcome: 'refund'; payment: IntentPaymentRow; stale: IntentRow[] };

/** Applies one part of a successful charge to its (locked, still new) intent. */
async function applyPart(tx: Tx, deps: PublicDeps, actor: Actor, row: IntentRow, part: IntentPaymentPartRow, payment: IntentPaymentRow, now: Date): Promise<void> {
  const amount = toMajor(Number(part.amount_minor), row.currency);
  if (part.kind === 'deposit') {
    const deposit = { amount, paymentId: payment.id, balanceTransactionId: payment.provider_ref ?? payment.id };
    const updated = await repo.update(tx, row.tenant_id, row.id, {
      deposit: JSON.stringify(deposit),
      history: JSON.stringify([...(row.history as HistoryItem[]), historyItem('purchaseIntent.updated', actor, now, { deposit, checkoutId: payment.checkout_id })]),
      version: row.version + 1,
      updated_at: now,
    });
    await recordAudit(tx, actor, { action: 'purchaseIntent.depositPaid', entityType: 'purchaseIntent', entityId: row.id, after: { deposit } }, now);
    await announceIntent(tx, deps, row.tenant_id, 'purchaseIntent.updated', intentView(updated));
    return;
  }
  const deposit = row.deposit as { amount: number } | null;
  const data = { checkoutId: payment.checkout_id, transactionId: payment.id, amount, ...(deposit ? { depositCredited: deposit.amount } : {}) };
  let ticketsIssued = row.tickets_issued;
  if (row.tickets_issued) {
    await validateTicketsOfIntent(tx, actor, row.id, now);
  } else {
    // Paid without reserved tickets: its tickets are issued now, VALID, so its places stay taken.
    const found = await findShow(tx, row.tenant_id, { id: row.show_pk });
    if (found) {
      await issueTicketsForIntent(
        tx,
        actor,
        {
          intentId: row.id,
          eventId: found.event.id,
          externalReferenceId: found.event.externalReferenceId,
          showPk: row.show_pk,
          currency: row.currency,
          customerId: row.customer_id,
          valid: true,
          lines: (row.tickets as StoredItem[]).map(ticketLine),
        },
        now,
      );
      ticketsIssued = true;
    }
  }
  const updated = await repo.update(tx, row.tenant_id, row.id, {
    status: transition(INTENT_STATES, 'purchase intent', row.status, 'complete'),
    transaction_id: payment.id,
    outcome_checkout_id: payment.checkout_id,
    tickets_issued: ticketsIssued,
    ...(row.sales_channel_id === null && payment.sales_channel_id !== null ? { sales_channel_id: payment.sales_channel_id } : {}),
    history: JSON.stringify([...(row.history as HistoryItem[]), historyItem('purchaseIntent.completed', actor, now, data)]),
    version: row.version + 1,
    updated_at: now,
  });
  await recordAudit(tx, actor, { action: 'purchaseIntent.completed', entityType: 'purchaseIntent', entityId: row.id, before: { status: 'new' }, after: { status: 'complete', ...data } }, now);
  await announceIntent(tx, deps, row.tenant_id, 'purchaseIntent.completed', intentView(updated));
}

/** Step three, idempotent by payment: the provider's answer recorded once, and its consequences. */
export async function confirmIntentCharge(deps: PublicDeps, tenantId: string, paymentId: string, result: ChargeResult): Promise<Confirmed> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const actor = publicActor(tenantId);
    const parts = await pub.partsOf(tx, tenantId, paymentId);
    // Lock order of every intent change: intents (id order), then the payment.
    const rows = new Map<string, IntentRow>();
    for (const part of parts) {
      const row = await repo.lock(tx, tenantId, part.intent_id);
      if (row) rows.set(row.id, row);
    }
    const payment = await pub.findPayment(tx, tenantId, paymentId, { lock: true });
    if (!payment) throw new Error(`purchase intent payment ${paymentId} vanished`);
    if (payment.status !== 'PROCESSING') {
      if (payment.status !== 'SUCCEEDED') return { outcome: 'unpaid', payment };
      // Confirmed before: applied if every intent carries it (completed by it, or its deposit).
      const carries = (r: IntentRow | undefined): boolean => r !== undefined && (r.transaction_id === payment.id || (r.deposit as { paymentId?: string } | null)?.paymentId === payment.id);
      const missing = parts.map((p) => rows.get(p.intent_id)).filter((r) => !carries(r));
      return missing.length === 0 ? { outcome: 'applied', payment, parts } : { outcome: 'refund', payment, stale: missing.filter((r): r is IntentRow => r !== undefined) };
    }
    const status = result.status === 'succeeded' ? 'SUCCEEDED' : result.status === 'declined' ? 'DECLINED' : 'FAILED';
    const recorded = await pub.setPaymentStatus(tx, tenantId, paymentId, {
      status,
      provider_ref: result.providerRef,
      card_last4: result.last4,
      failure_code: result.status === 'succeeded' ? null : result.code,
      failure_message: result.status === 'succeeded' ? null : result.message,
      updated_at: now,
    });
    if (status !== 'SUCCEEDED') {
      await recordAudit(tx, actor, { action: 'purchaseIntent.payment.failed', entityType: 'purchaseIntentPayment', entityId: paymentId, after: { status, code: recorded.failure_code } }, now);
      return { outcome: 'unpaid', payment: recorded };
    }
    await recordAudit(tx, actor, { action: 'purchaseIntent.payment.succeeded', entityType: 'purchaseIntentPayment', entityId: paymentId, after: { providerRef: recorded.provider_ref } }, now);
    const stale = parts.map((p) => rows.get(p.intent_id)).filter((r): r is IntentRow => r === undefined || r.status !== 'new');
    if (stale.length > 0 || rows.size !== parts.length) return { outcome: 'refund', payment: recorded, stale };
    for (const part of parts) await applyPart(tx, deps, actor, rows.get(part.intent_id)!, part, recorded, now);
    return { outcome: 'applied', payment: recorded, parts };
  });
}

/** Gives back a charge that could not be applied (an intent died while it was in flight); once. */
async function refundCharge(deps: PublicDeps, tenantId: string, payment: IntentPaymentRow): Promise<void> {
  const refund = await paymentProvider(deps.config).refund({ paymentId: payment.id, providerRef: payment.provider_ref ?? payment.id, amountMinor: Number(payment.amount_minor), currency: payment.currency });
  await withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const current = await pub.findPayment(tx, tenantId, payment.id, { lock: true });
    if (current?.status !== 'SUCCEEDED') return;
    await pub.setPaymentStatus(tx, tenantId, payment.id, { status: 'REFUNDED', refund_ref: refund.refundRef, updated_at: now });
    await recordAudit(tx, publicActor(tenantId), { action: 'purchaseIntent.payment.refunded', entityType: 'purchaseIntentPayment', entityId: payment.id, after: { refundRef: refund.refundRef } }, now);
  });
}

/** A purchase-intent charge asked this long ago without an answer recorded is reconciled. */
export const STUCK_INTENT_PAYMENT_MS = 2 * 60 * 1000;

/**
 * Reconciliation of charges whose process died between the provider call and the confirmation (a
 * PROCESSING payment blocks its intents' checkout and public cancel): the provider is asked what
 * became of the charge (by Encore's payment id) and the answer is confirmed as if it had just
 * arrived — applied, refunded or given up, exactly once. For a periodic job; returns the count.
 */
export async function reconcileStuckIntentPayments(deps: PublicDeps, limit = 100): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - STUCK_INTENT_PAYMENT_MS);
  const stuck = await pub.stuckPayments(deps.db, before, limit);
  const provider = paymentProvider(deps.config);
  for (const p of stuck) {
    const found = await provider.retrieve({ paymentId: p.id, cardLast4: p.card_last4 });
    const result: ChargeResult = found ?? { status: 'failed', providerRef: `unconfirmed_${p.id}`, last4: p.card_last4 ?? '', code: 'provider_no_record', message: 'The provider has no record of this charge.' };
    const confirmed = await confirmIntentCharge(deps, p.tenant_id, p.id, result);
    if (confirmed.outcome === 'refund') await refundCharge(deps, p.tenant_id, confirmed.payment);
  }
  return stuck.length;
}

export interface CheckoutResult {
  checkoutId: string;
  status: 'complete' | 'depositPaid' | 'partial';
  amount: number;
  currency: string;
  payment: { _id: string; status: string; amount: number; cardLast4: string | null; balanceTransactionId: string | null };
  purchaseIntents: IntentView[];
}

/**
 * POST …/:id/checkout and POST …/checkout: one charge for every intent given (each with its secret),
 * all applied together or none. See the file comment for the three steps.
 */
export async function checkoutIntents(deps: PublicDeps, body: CheckoutBody): Promise<CheckoutResult> {
  if (body.items.length === 0) throw new AppError('VALIDATION_ERROR', 'items must name at least one purchase intent', { field: 'items' });
  const begun = await begin(deps, body);
  const { payment, tenantId, cardNumber } = begun;
  const provider = paymentProvider(deps.config);
  let result: ChargeResult;
  try {
    result = await provider.charge({ paymentId: payment.id, amountMinor: Number(payment.amount_minor), currency: payment.currency, cardNumber });
  } catch (err) {
    result = { status: 'failed', providerRef: `unconfirmed_${payment.id}`, last4: cardNumber.slice(-4), code: 'provider_error', message: (err as Error).message };
  }
  const confirmed = await confirmIntentCharge(deps, tenantId, payment.id, result);
  if (confirmed.outcome === 'unpaid') {
    const p = confirmed.payment;
    throw new AppError('PURCHASE_INTENT_PAYMENT_DECLINED', `the payment was not taken: ${p.failure_message ?? 'declined'} (${p.failure_code ?? p.status}); the purchase intent is unchanged`, {
      details: { paymentId: p.id, code: p.failure_code, status: p.status },
    });
  }
  if (confirmed.outcome === 'refund') {
    await refundCharge(deps, tenantId, confirmed.payment);
    const ids = confirmed.stale.map((r) => r.id).join(', ');
    throw new AppError('PURCHASE_INTENT_NOT_PAYABLE', `purchase intent ${ids} was canceled while the payment was in progress; the charge was refunded and nothing was completed`, {
      details: { paymentId: payment.id, refunded: true },
    });
  }
  const views: IntentView[] = [];
  for (const part of confirmed.parts) {
    const row = await repo.find(deps.db, tenantId, part.intent_id);
    if (row) views.push(intentView(row));
  }
  const kinds = new Set(confirmed.parts.map((p) => p.kind));
  const p = confirmed.payment;
  return {
    checkoutId: p.checkout_id,
    status: kinds.has('deposit') ? (kinds.size === 1 ? 'depositPaid' : 'partial') : 'complete',
    amount: toMajor(Number(p.amount_minor), p.currency),
    currency: p.currency,
    payment: { _id: p.id, status: p.status, amount: toMajor(Number(p.amount_minor), p.currency), cardLast4: p.card_last4, balanceTransactionId: p.provider_ref },
    purchaseIntents: views,
  };
}
