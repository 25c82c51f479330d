import type { Deps } from '../../app/deps.js';
import type { Executor } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { isLuhnValid, type PaymentProvider } from './payments.provider.js';
import { paymentsRepository as repo, type PaymentRow } from './payments.repository.js';
import { SandboxProvider } from './payments.sandbox.js';
import type { PaymentLineKind, PaymentPurpose } from './payments.tables.js';

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

export async function findPayment(ex: Executor, tenantId: string, paymentId: string): Promise<PaymentRow | undefined> {
  return repo.find(ex, tenantId, paymentId);
}

/** The subject's payment that counts (its live or taken one, else its newest failed one). */
export async function latestPaymentOf(ex: Executor, tenantId: string, purpose: PaymentPurpose, subjectId: string): Promise<PaymentRow | undefined> {
  return repo.latestOf(ex, tenantId, purpose, subjectId);
}

/** Every payment of one subject, oldest first, with its share (`kind`, `line_minor`). */
export async function paymentsOf(ex: Executor, tenantId: string, purpose: PaymentPurpose, subjectId: string): Promise<(PaymentRow & { kind: PaymentLineKind; line_minor: number })[]> {
  return repo.ofSubject(ex, tenantId, purpose, subjectId);
}

/** A charge of one of these subjects is in flight: its payment id. */
export async function paymentInFlight(ex: Executor, tenantId: string, purpose: PaymentPurpose, subjectIds: readonly string[]): Promise<string | undefined> {
  return repo.inFlightFor(ex, tenantId, purpose, subjectIds);
}
