import type { Deps } from '../../app/deps.js';
import { inLockOrder } from '../../db/locks.js';
import type { Executor, Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { toMajor, toMinor } from '../../lib/money.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { recordTransition } from '../webhooks/index.js';
import { intentView, type HistoryItem, type IntentRow } from './intents.model.js';
import { findBySecret } from './intents.public.service.js';
import { intentsRepository as repo } from './intents.repository.js';
import { announceIntent, historyItem } from './intents.service.js';
import { INTENT_STATES } from './intents.states.js';
import { getStrategyForTenant } from './strategies.service.js';

/**
 * What a checkout's payment does to purchase intents (SPEC §7, ADR 0011): which intents may be paid
 * and how much is due, and how a taken charge is recorded on each (deposit, or completion). The
 * checkout itself — lock, charge, confirm, refund — is the flow `flows/purchase-intent-checkout.ts`
 * on the one payment engine.
 */

export type IntentPaymentKind = 'deposit' | 'balance' | 'full';

export interface CheckoutItem {
  purchaseIntentId: string;
  secret?: string | undefined;
}

export function notPayable(row: IntentRow, reason: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('PURCHASE_INTENT_NOT_PAYABLE', `purchase intent ${row.id} cannot be checked out: ${reason}`, { details: { purchaseIntentId: row.id, ...details } });
}

/**
 * The checkout's intents, each found by its secret and locked in id order (so two checkouts sharing
 * intents never deadlock); one seller and one currency per checkout.
 */
export async function lockCheckoutIntents(tx: Tx, items: readonly CheckoutItem[]): Promise<{ tenantId: string; currency: string; rows: IntentRow[] }> {
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    if (seen.has(item.purchaseIntentId)) {
      throw new AppError('VALIDATION_ERROR', `items[${i}].purchaseIntentId: purchase intent ${item.purchaseIntentId} appears twice`, { field: `items[${i}].purchaseIntentId` });
    }
    seen.add(item.purchaseIntentId);
  }
  const secrets = new Map(items.map((i) => [i.purchaseIntentId, i.secret]));
  const rows: IntentRow[] = [];
  for (const id of inLockOrder(secrets.keys())) rows.push(await findBySecret(tx, id, secrets.get(id), { lock: true }));
  const tenantId = rows[0]!.tenant_id;
  if (rows.some((r) => r.tenant_id !== tenantId)) throw new AppError('VALIDATION_ERROR', 'the purchase intents of one checkout must belong to the same seller', { field: 'items' });
  const currency = rows[0]!.currency;
  if (rows.some((r) => r.currency !== currency)) throw new AppError('VALIDATION_ERROR', 'the purchase intents of one checkout must share their currency', { field: 'items' });
  return { tenantId, currency, rows };
}

/** The intents of a payment, locked (id order) before its payment row; a vanished one is absent. */
export async function lockIntentsById(tx: Tx, tenantId: string, ids: readonly string[]): Promise<Map<string, IntentRow>> {
  const rows = new Map<string, IntentRow>();
  for (const id of inLockOrder(ids)) {
    const row = await repo.lock(tx, tenantId, id);
    if (row) rows.set(row.id, row);
  }
  return rows;
}

/** Why an intent cannot be paid online now, for a page to say in its own words. */
export type PaymentRefusalReason = 'complete' | 'canceled' | 'awaitingApproval' | 'rejected' | 'expired' | 'notOnline';

/**
 * Why the intent cannot be paid online now (SPEC §7), or undefined when it can: it must be new,
 * approved, not past `expiresAt` (clock), and `Online` must be allowed by `restrictedCompletion`
 * (empty or absent: all channels). The hosted checkout page shows these reasons without paying.
 */
export function paymentRefusal(row: IntentRow, now: Date): { reason: PaymentRefusalReason; error: AppError } | undefined {
  if (row.status !== 'new') {
    const reason = row.status === 'complete' ? 'complete' : 'canceled';
    return { reason, error: notPayable(row, reason === 'complete' ? 'it is already complete (paid)' : 'it is canceled', { status: row.status }) };
  }
  if (row.approval_status !== 'approved') {
    const awaiting = row.approval_status === 'awaiting';
    const why = awaiting ? 'it awaits the seller’s approval' : `it was rejected${row.rejection_reason ? ` (${row.rejection_reason})` : ''}`;
    return { reason: awaiting ? 'awaitingApproval' : 'rejected', error: notPayable(row, why, { approvalStatus: row.approval_status }) };
  }
  if (row.expires_at !== null && row.expires_at.getTime() <= now.getTime()) {
    return { reason: 'expired', error: notPayable(row, `it expired at ${row.expires_at.toISOString()}`, { expiresAt: row.expires_at.toISOString() }) };
  }
  const channels = row.restricted_completion ?? [];
  if (channels.length > 0 && !channels.includes('Online')) {
    return { reason: 'notOnline', error: notPayable(row, `it can only be completed through ${channels.join(', ')}, not online`, { restrictedCompletion: channels }) };
  }
  return undefined;
}

/**
 * The intent's deposit, in minor units: `requiredMinor` what it is (the one paid, once paid; else the
 * strategy's, fixed in major units or a percentage of realPrice rounded to the minor unit), null when
 * the intent has none (no strategy deposit, or one of 0 or ≥ realPrice, which is simply the full
 * price); `paidMinor` what was paid, null before. The strategy is read now: a later change of its
 * deposit does not alter a paid one.
 */
export async function depositTerms(ex: Executor, row: IntentRow): Promise<{ requiredMinor: number | null; paidMinor: number | null }> {
  const paid = row.deposit as { amount: number } | null;
  if (paid !== null) {
    const paidMinor = toMinor(paid.amount, row.currency, 'deposit.amount');
    return { requiredMinor: paidMinor, paidMinor };
  }
  const real = Number(row.real_price_minor);
  const strategy = row.strategy_id !== null ? await getStrategyForTenant(ex, row.tenant_id, row.strategy_id) : undefined;
  const deposit = strategy?.deposit;
  if (deposit) {
    const depositMinor = deposit.method === 'fixed' ? toMinor(deposit.value, row.currency, 'deposit.value') : Math.round((real * deposit.value) / 100);
    if (depositMinor > 0 && depositMinor < real) return { requiredMinor: depositMinor, paidMinor: null };
  }
  return { requiredMinor: null, paidMinor: null };
}

/**
 * What the intent's next payment charges, whatever its state: the deposit when it has one not paid
 * yet; after it, the balance (realPrice − deposit); otherwise realPrice. `terms`: the intent's
 * `depositTerms` when the caller read them already.
 */
export async function nextCharge(ex: Executor, row: IntentRow, terms?: Awaited<ReturnType<typeof depositTerms>>): Promise<{ kind: IntentPaymentKind; amountMinor: number }> {
  const real = Number(row.real_price_minor);
  const { requiredMinor, paidMinor } = terms ?? (await depositTerms(ex, row));
  if (paidMinor !== null) return { kind: 'balance', amountMinor: Math.max(0, real - paidMinor) };
  if (requiredMinor !== null) return { kind: 'deposit', amountMinor: requiredMinor };
  return { kind: 'full', amountMinor: real };
}

/** What this checkout charges for one intent (`nextCharge`), or why it is refused (`paymentRefusal`). */
export async function amountDue(ex: Executor, row: IntentRow, now: Date): Promise<{ kind: IntentPaymentKind; amountMinor: number }> {
  const refusal = paymentRefusal(row, now);
  if (refusal) throw refusal.error;
  return nextCharge(ex, row);
}

/** Whether the intent carries this payment already (completed by it, or its deposit). */
export function carriesPayment(row: IntentRow | undefined, paymentId: string): boolean {
  return row !== undefined && (row.transaction_id === paymentId || (row.deposit as { paymentId?: string } | null)?.paymentId === paymentId);
}

export interface TakenCharge {
  paymentId: string;
  providerRef: string | null;
  checkoutId: string;
  amountMinor: number;
  salesChannelId: string | null;
}

/** A deposit was taken: recorded in `deposit`, the intent stays new (the balance is paid later). */
export async function recordDepositPaid(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, actor: Actor, row: IntentRow, charge: TakenCharge, now: Date): Promise<void> {
  const deposit = { amount: toMajor(charge.amountMinor, row.currency), paymentId: charge.paymentId, balanceTransactionId: charge.providerRef ?? charge.paymentId };
  const updated = await repo.update(tx, row.tenant_id, row.id, {
    deposit: JSON.stringify(deposit),
    history: JSON.stringify([...(row.history as HistoryItem[]), historyItem('purchaseIntent.updated', actor, now, { deposit, checkoutId: charge.checkoutId })]),
    version: row.version + 1,
    updated_at: now,
  });
  await recordAudit(tx, actor, { action: 'purchaseIntent.depositPaid', entityType: 'purchaseIntent', entityId: row.id, after: { deposit } }, now);
  await announceIntent(tx, deps, row.tenant_id, 'purchaseIntent.updated', intentView(updated));
}

/** The full price or the balance was taken: the intent is complete (transactionId, outcome.checkoutId). */
export async function completePaidIntent(
  tx: Tx,
  deps: Pick<Deps, 'clock' | 'queue'>,
  actor: Actor,
  row: IntentRow,
  charge: TakenCharge & { ticketsIssued: boolean },
  now: Date,
): Promise<void> {
  const deposit = row.deposit as { amount: number } | null;
  const data = { checkoutId: charge.checkoutId, transactionId: charge.paymentId, amount: toMajor(charge.amountMinor, row.currency), ...(deposit ? { depositCredited: deposit.amount } : {}) };
  const updated = await repo.update(tx, row.tenant_id, row.id, {
    status: 'complete',
    transaction_id: charge.paymentId,
    outcome_checkout_id: charge.checkoutId,
    tickets_issued: charge.ticketsIssued,
    ...(row.sales_channel_id === null && charge.salesChannelId !== null ? { sales_channel_id: charge.salesChannelId } : {}),
    history: JSON.stringify([...(row.history as HistoryItem[]), historyItem('purchaseIntent.completed', actor, now, data)]),
    version: row.version + 1,
    updated_at: now,
  });
  // After the write, because the webhook carries the completed intent; a refused transition rolls it back.
  await recordTransition(
    tx,
    deps,
    {
      machine: INTENT_STATES,
      entity: 'purchase intent',
      from: row.status,
      to: 'complete',
      actor,
      audit: { action: 'purchaseIntent.completed', entityType: 'purchaseIntent', entityId: row.id, after: { status: 'complete', ...data } },
      purchaseIntentWebhook: { type: 'purchaseIntent.completed', purchaseIntent: intentView(updated) },
    },
    now,
  );
}

export async function findIntentRow(ex: Executor, tenantId: string, id: string): Promise<IntentRow | undefined> {
  return repo.find(ex, tenantId, id);
}

/** Customer cancel is refused when the intent's strategy forbids it. */
export function assertCustomerMayCancel(row: IntentRow): void {
  if (row.cancellation_strategy === 'notAllowed') {
    throw new AppError('INVALID_STATE_TRANSITION', `purchase intent ${row.id} cannot be canceled by the customer: its strategy does not allow cancellation`, {
      details: { cancellationStrategy: row.cancellation_strategy },
    });
  }
}
