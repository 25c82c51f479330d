import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { PaymentLineKind, PaymentPurpose } from './payments.tables.js';

/**
 * A charge left PROCESSING as a process that died between the provider call and its confirmation
 * leaves it: the payment and its live line, written straight to the database (tests only).
 */
export async function insertStrandedPayment(
  db: Kysely<DB>,
  p: { tenantId: string; id: string; purpose: PaymentPurpose; subjectId: string; amountMinor: number; at: Date; checkoutId?: string; cardLast4?: string; kind?: PaymentLineKind; currency?: string },
): Promise<void> {
  await db
    .insertInto('payments')
    .values({
      tenant_id: p.tenantId,
      id: p.id,
      purpose: p.purpose,
      checkout_id: p.checkoutId ?? null,
      context: '{}',
      provider: 'sandbox',
      provider_ref: null,
      status: 'PROCESSING',
      amount_minor: p.amountMinor,
      currency: p.currency ?? 'EUR',
      card_last4: p.cardLast4 ?? '4242',
      failure_code: null,
      failure_message: null,
      refund_ref: null,
      created_at: p.at,
      updated_at: p.at,
    })
    .execute();
  await db
    .insertInto('payment_lines')
    .values({ tenant_id: p.tenantId, payment_id: p.id, purpose: p.purpose, subject_id: p.subjectId, kind: p.kind ?? 'full', amount_minor: p.amountMinor, live: true })
    .execute();
}
