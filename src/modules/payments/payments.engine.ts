import type { Deps } from '../../app/deps.js';
import { pgConstraint, pgErrorCode, withTx, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { recordTransition } from '../webhooks/index.js';
import type { ChargeResult } from './payments.provider.js';
import { paymentsRepository as repo, type LineInput, type PaymentLineRow, type PaymentRow } from './payments.repository.js';
import { paymentProvider } from './payments.service.js';
import { PAYMENT_STATES } from './payments.states.js';
import type { PaymentPurpose } from './payments.tables.js';

/**
 * The one payment engine (ADR 0014). Every checkout moves money the same way:
 *
 * 1. `beginPayment`, in the caller's transaction (under the caller's locks, after it decided the goods
 *    are still this buyer's): a PROCESSING payment and its lines. A live line per subject at most
 *    (unique index), so a second click never starts a second charge.
 * 2. `chargePayment`, outside any transaction: the provider is asked with Encore's payment id as its
 *    idempotency key. A provider that throws is recorded as a failed charge, never as a success.
 * 3. `confirmPayment`, one transaction: the caller's rows are locked first (its lock order), then the
 *    payment; the provider's answer is recorded once through the payment state machine, and the
 *    caller's settlement runs in that same transaction — so "paid" and "tickets delivered" commit
 *    together or not at all. A payment no longer PROCESSING was confirmed before (a retry, the
 *    reconciler): nothing is recorded again and the settlement is told so.
 * 4. `refundPayment`: the provider's refund (idempotent by payment id), then the payment REFUNDED and
 *    the caller's consequence in one transaction; a refund requested inside a business transaction
 *    goes through the payments refund job (`requestRefund`), so a crash loses nothing.
 * 5. `reconcileStuckPayments`: payments left PROCESSING by a process that died between 2 and 3 are
 *    looked up with the provider and confirmed as if the answer had just arrived (or as failed when
 *    the provider has no record of them).
 */

export type PaymentDeps = Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>;

/** The payments refund job: one refund path for every checkout (flows/payment-settlements.ts runs it). */
export const PAYMENT_REFUND_JOB = 'payment-refund';

/** A payment the provider was asked about this long ago without an answer recorded is reconciled. */
export const STUCK_PAYMENT_MS = 2 * 60 * 1000;

const engineActor = (tenantId: string): Actor => ({ tenantId, label: 'payments' });

export interface BeginPayment {
  tenantId: string;
  purpose: PaymentPurpose;
  currency: string;
  lines: readonly LineInput[];
  cardLast4: string;
  checkoutId?: string | null;
  context?: Record<string, unknown>;
  actor: Actor;
  now: Date;
}

/** Step 1, in the caller's transaction. A charge already in flight for a subject is 409 PAYMENT_IN_PROGRESS. */
export async function beginPayment(tx: Tx, deps: Pick<Deps, 'config'>, input: BeginPayment): Promise<PaymentRow> {
  return (await beginPaymentWithLines(tx, deps, input)).payment;
}

/** `beginPayment`, also answering the payment's lines (for `confirmPayment`, which then need not read them). */
export async function beginPaymentWithLines(tx: Tx, deps: Pick<Deps, 'config'>, input: BeginPayment): Promise<{ payment: PaymentRow; lines: PaymentLineRow[] }> {
  const subjects = input.lines.map((l) => l.subjectId);
  const amountMinor = input.lines.reduce((s, l) => s + l.amountMinor, 0);
  // No read first: the unique index on live lines is the check (checkouts lock their subjects, so
  // this is the backstop, and a purchase saves the round trip).
  const begun = await repo.insert(
    tx,
    {
      tenant_id: input.tenantId,
      id: newId(ID_PREFIX.payment, input.now.getTime()),
      purpose: input.purpose,
      checkout_id: input.checkoutId ?? null,
      context: input.context ?? {},
      provider: paymentProvider(deps.config).name,
      provider_ref: null,
      status: 'PROCESSING',
      amount_minor: amountMinor,
      currency: input.currency,
      card_last4: input.cardLast4,
      failure_code: null,
      failure_message: null,
      refund_ref: null,
      created_at: input.now,
      updated_at: input.now,
    },
    input.lines,
  ).catch((err: unknown) => {
    if (pgErrorCode(err) === '23505' && pgConstraint(err) === 'payment_lines_one_live') {
      throw new AppError('PAYMENT_IN_PROGRESS', `a payment for ${subjects.join(', ')} is in progress`, { details: { subjects } });
    }
    throw err;
  });
  await recordAudit(tx, input.actor, { action: 'payment.started', entityType: 'payment', entityId: begun.payment.id, after: { purpose: input.purpose, subjects, amountMinor } }, input.now);
  return begun;
}

/** Step 2, outside any transaction. */
export async function chargePayment(deps: Pick<Deps, 'config'>, payment: PaymentRow, cardNumber: string): Promise<ChargeResult> {
  try {
    return await paymentProvider(deps.config).charge({ paymentId: payment.id, amountMinor: payment.amount_minor, currency: payment.currency, cardNumber });
  } catch (err) {
    // The provider did not answer properly: as far as we can tell the charge did not happen (its
    // idempotency key would return the same payment if it had), so the buyer may try again.
    return { status: 'failed', providerRef: `unconfirmed_${payment.id}`, last4: cardNumber.slice(-4), code: 'provider_error', message: (err as Error).message };
  }
}

/**
 * What a checkout does with the outcome of its charge, in the confirming transaction. `lock` runs
 * first (the caller's rows before the payment row: every checkout's lock order); each other callback
 * gets what `lock` returned. `requestRefund` in `succeeded` is how a settlement that cannot deliver
 * gives the money back.
 */
export interface Settlement<L, R> {
  lock(tx: Tx, tenantId: string, lines: readonly PaymentLineRow[]): Promise<L>;
  /** The charge was taken just now: deliver (or decide a refund). */
  succeeded(tx: Tx, locked: L, payment: PaymentRow, lines: readonly PaymentLineRow[]): Promise<R>;
  /** The charge was declined or failed just now: give the goods back to the buyer. */
  failed(tx: Tx, locked: L, payment: PaymentRow, lines: readonly PaymentLineRow[]): Promise<R>;
  /** The payment had been confirmed before (a retry, the reconciler): describe what happened then. */
  confirmedBefore(tx: Tx, locked: L, payment: PaymentRow, lines: readonly PaymentLineRow[]): Promise<R>;
}

function statusOf(result: ChargeResult): 'SUCCEEDED' | 'DECLINED' | 'FAILED' {
  return result.status === 'succeeded' ? 'SUCCEEDED' : result.status === 'declined' ? 'DECLINED' : 'FAILED';
}

/**
 * Step 3: the provider's answer recorded once, and the caller's settlement in the same transaction.
 * `knownLines` are the payment's lines as `beginPaymentWithLines` answered them (lines never change
 * after the insert), which saves reading them; the reconciler passes none. The payment row is locked
 * and changed by one conditional statement (still PROCESSING), after the caller's rows.
 */
export async function confirmPayment<L, R>(deps: PaymentDeps, tenantId: string, paymentId: string, result: ChargeResult, settlement: Settlement<L, R>, knownLines?: readonly PaymentLineRow[]): Promise<R> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const lines = knownLines ?? (await repo.linesOf(tx, tenantId, paymentId));
    if (lines.length === 0) throw new Error(`payment ${paymentId} does not exist`);
    const locked = await settlement.lock(tx, tenantId, lines);
    const taken = result.status === 'succeeded';
    const recorded = await repo.confirmProcessing(tx, tenantId, paymentId, {
      status: statusOf(result),
      provider_ref: result.providerRef,
      card_last4: result.last4,
      failure_code: result.status === 'succeeded' ? null : result.code,
      failure_message: result.status === 'succeeded' ? null : result.message,
      updated_at: now,
    });
    if (!recorded) {
      const before = await repo.find(tx, tenantId, paymentId, { lock: true });
      if (!before) throw new Error(`payment ${paymentId} does not exist`);
      return settlement.confirmedBefore(tx, locked, before, lines);
    }
    // The transition was made by the statement above (PROCESSING → the answer, always allowed):
    // recorded here through the state machine, with its audit row and webhook.
    await recordTransition(
      tx,
      deps,
      {
        machine: PAYMENT_STATES,
        entity: `payment ${paymentId}`,
        from: 'PROCESSING',
        to: recorded.status,
        actor: engineActor(tenantId),
        audit: taken
          ? { action: 'payment.succeeded', entityType: 'payment', entityId: paymentId, after: { status: 'SUCCEEDED', providerRef: result.providerRef } }
          : { action: 'payment.failed', entityType: 'payment', entityId: paymentId, after: { status: statusOf(result), code: result.code } },
      },
      now,
    );
    return taken ? settlement.succeeded(tx, locked, recorded, lines) : settlement.failed(tx, locked, recorded, lines);
  });
}

/** Inside a business transaction that decided to give a charge back: the refund job, sent with it. */
export async function requestRefund(tx: Tx, deps: Pick<Deps, 'queue'>, tenantId: string, paymentId: string): Promise<void> {
  await deps.queue.send(tx, PAYMENT_REFUND_JOB, { tenantId, paymentId });
}

/**
 * Step 4: gives a taken charge back, once. The provider's refund is idempotent by payment id, so a
 * retried job cannot refund twice; the payment becomes REFUNDED and `refunded` (the caller's
 * consequence: an order REFUNDED and its webhook) runs in the same transaction. Returns false when
 * there was nothing to refund (never taken, or refunded before).
 */
export async function refundPayment(deps: PaymentDeps, tenantId: string, paymentId: string, refunded: (tx: Tx, payment: PaymentRow) => Promise<void>): Promise<boolean> {
  const payment = await repo.find(deps.db, tenantId, paymentId);
  if (!payment || (payment.status !== 'SUCCEEDED' && payment.status !== 'REFUNDED')) return false;
  const refundRef =
    payment.status === 'REFUNDED' && payment.refund_ref
      ? payment.refund_ref
      : (await paymentProvider(deps.config).refund({ paymentId: payment.id, providerRef: payment.provider_ref ?? payment.id, amountMinor: payment.amount_minor, currency: payment.currency })).refundRef;
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const current = await repo.find(tx, tenantId, paymentId, { lock: true });
    if (current?.status !== 'SUCCEEDED') return false;
    const status = await recordTransition(
      tx,
      deps,
      { machine: PAYMENT_STATES, entity: `payment ${paymentId}`, from: current.status, to: 'REFUNDED', actor: engineActor(tenantId), audit: { action: 'payment.refunded', entityType: 'payment', entityId: paymentId, after: { status: 'REFUNDED', refundRef } } },
      now,
    );
    const updated = await repo.setStatus(tx, tenantId, paymentId, { status, refund_ref: refundRef, updated_at: now });
    await refunded(tx, updated);
    return true;
  });
}

/**
 * Step 5, for the minute sweep: every payment stuck in PROCESSING is looked up with the provider and
 * confirmed through `confirm` (which picks the settlement of its purpose). Returns how many.
 */
export async function reconcileStuckPayments(
  deps: PaymentDeps,
  confirm: (payment: PaymentRow, result: ChargeResult) => Promise<unknown>,
  limit = 100,
): Promise<number> {
  const stuck = await repo.stuck(deps.db, new Date(deps.clock.now().getTime() - STUCK_PAYMENT_MS), limit);
  const provider = paymentProvider(deps.config);
  for (const p of stuck) {
    const found = await provider.retrieve({ paymentId: p.id, cardLast4: p.card_last4 });
    const result: ChargeResult = found ?? { status: 'failed', providerRef: `unconfirmed_${p.id}`, last4: p.card_last4 ?? '', code: 'provider_no_record', message: 'The provider has no record of this charge.' };
    await confirm(p, result);
  }
  return stuck.length;
}
