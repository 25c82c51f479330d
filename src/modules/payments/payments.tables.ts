import type { ColumnType } from 'kysely';

export type PaymentStatus = 'PROCESSING' | 'SUCCEEDED' | 'DECLINED' | 'FAILED' | 'REFUNDED';

/** Which checkout settles a payment: the resale order of a buy intention, or purchase intents. */
export type PaymentPurpose = 'RESALE_ORDER' | 'PURCHASE_INTENTS';

/** What a line of a payment pays: the whole subject, its deposit, or the balance after a deposit. */
export type PaymentLineKind = 'full' | 'deposit' | 'balance';

/** One charge attempt, whatever it pays for (migrations 0007, 0018). */
export interface PaymentsTable {
  tenant_id: string;
  id: string;
  purpose: PaymentPurpose;
  /** Groups the purchase intents paid by one checkout; null for a resale order. */
  checkout_id: string | null;
  /** What the settling checkout needs back when the charge is confirmed (e.g. its salesChannelId). */
  context: ColumnType<Record<string, unknown>, string | undefined, string>;
  provider: string;
  provider_ref: string | null;
  status: PaymentStatus;
  amount_minor: ColumnType<number, number, number>;
  currency: string;
  card_last4: string | null;
  failure_code: string | null;
  failure_message: string | null;
  refund_ref: string | null;
  created_at: Date;
  updated_at: Date;
}

/** What one payment pays for: one line per subject (buy intention, purchase intent). `live` while PROCESSING. */
export interface PaymentLinesTable {
  tenant_id: string;
  payment_id: string;
  purpose: PaymentPurpose;
  subject_id: string;
  kind: PaymentLineKind;
  amount_minor: ColumnType<number, number, number>;
  live: ColumnType<boolean, boolean | undefined, boolean>;
}
