import type { Deps } from '../../app/deps.js';
import type { Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { transition } from '../../lib/state-machine.js';
import { isLuhnValid, type ChargeResult, type PaymentProvider } from './payments.provider.js';
import { paymentsRepository as repo, type PaymentRow } from './payments.repository.js';
import { SandboxProvider } from './payments.sandbox.js';
import { PAYMENT_STATES } from './payments.states.js';

const providers = new Map<number, PaymentProvider>();

/** The configured provider: the built-in sandbox (the only one today; a real processor plugs in here). */
export function paymentProvider(config: Deps['config']): PaymentProvider {
  let p = providers.get(config.sandboxFailDelayMs);
  if (!p) {
    p = new SandboxProvider(config.sandboxFailDelayMs);
    providers.set(config.sandboxFailDelayMs, p);
  }
  return p;
}

/** Card numbers arrive with spaces or dashes as people type them; anything else is a 400. */
export function normalizeCardNumber(raw: string): string {
  const digits = raw.replace(/[\s-]/g, '');
  if (!isLuhnValid(digits)) throw new AppError('VALIDATION_ERROR', 'cardNumber is not a valid card number', { field: 'cardNumber' });
  return digits;
}

/** Step one of a charge, inside the caller's transaction: the PROCESSING row that makes the charge idempotent. */
export async function startPayment(
  tx: Tx,
  input: { tenantId: string; intentionId: string; amountMinor: number; currency: string; provider: string; cardLast4: string; now: Date },
): Promise<PaymentRow> {
  const id = newId(ID_PREFIX.payment, input.now.getTime());
  await repo.insert(tx, {
    tenant_id: input.tenantId,
    id,
    intention_id: input.intentionId,
    provider: input.provider,
    provider_ref: null,
    status: 'PROCESSING',
    amount_minor: input.amountMinor,
    currency: input.currency,
    card_last4: input.cardLast4,
    failure_code: null,
    failure_message: null,
    refund_ref: null,
    created_at: input.now,
    updated_at: input.now,
  });
  return (await repo.find(tx, input.tenantId, id))!;
}

/**
 * Step three, inside the confirming transaction: records the provider's answer once. A payment that
 * is no longer PROCESSING was confirmed already (a retry, a reconciliation): it is returned as it is.
 */
export async function recordChargeResult(tx: Tx, tenantId: string, paymentId: string, result: ChargeResult, now: Date): Promise<{ payment: PaymentRow; changed: boolean }> {
  const payment = await repo.find(tx, tenantId, paymentId, { lock: true });
  if (!payment) throw new Error(`payment ${paymentId} vanished`);
  if (payment.status !== 'PROCESSING') return { payment, changed: false };
  const to = result.status === 'succeeded' ? 'SUCCEEDED' : result.status === 'declined' ? 'DECLINED' : 'FAILED';
  transition(PAYMENT_STATES, `payment ${paymentId}`, payment.status, to);
  const updated = await repo.update(tx, tenantId, paymentId, {
    status: to,
    provider_ref: result.providerRef,
    card_last4: result.last4,
    failure_code: result.status === 'succeeded' ? null : result.code,
    failure_message: result.status === 'succeeded' ? null : result.message,
    updated_at: now,
  });
  return { payment: updated, changed: true };
}

export async function markRefunded(tx: Tx, tenantId: string, paymentId: string, refundRef: string, now: Date): Promise<PaymentRow | undefined> {
  const payment = await repo.find(tx, tenantId, paymentId, { lock: true });
  if (!payment || payment.status === 'REFUNDED') return undefined;
  transition(PAYMENT_STATES, `payment ${paymentId}`, payment.status, 'REFUNDED');
  return repo.update(tx, tenantId, paymentId, { status: 'REFUNDED', refund_ref: refundRef, updated_at: now });
}

export async function findPayment(ex: Tx | Deps['db'], tenantId: string, paymentId: string): Promise<PaymentRow | undefined> {
  return repo.find(ex, tenantId, paymentId);
}

export async function latestPaymentOf(ex: Tx | Deps['db'], tenantId: string, intentionId: string): Promise<PaymentRow | undefined> {
  return repo.latestOf(ex, tenantId, intentionId);
}

/** Payments left PROCESSING longer than `olderThanMs` (their process died between charge and confirm). */
export async function findStuckPayments(ex: Tx | Deps['db'], now: Date, olderThanMs: number, limit = 100): Promise<PaymentRow[]> {
  return repo.stuck(ex, new Date(now.getTime() - olderThanMs), limit);
}
