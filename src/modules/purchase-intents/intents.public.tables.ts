import type { ColumnType } from 'kysely';

export type IntentPaymentStatus = 'PROCESSING' | 'SUCCEEDED' | 'DECLINED' | 'FAILED' | 'REFUNDED';
export type IntentPaymentKind = 'deposit' | 'balance' | 'full';

/** One charge attempt of the public checkout (migration 0012), for one or several intents. */
export interface PurchaseIntentPaymentsTable {
  tenant_id: string;
  id: string;
  checkout_id: string;
  provider: string;
  provider_ref: string | null;
  status: IntentPaymentStatus;
  amount_minor: ColumnType<number, number, number>;
  currency: string;
  card_last4: string | null;
  failure_code: string | null;
  failure_message: string | null;
  refund_ref: string | null;
  sales_channel_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The share of one intent in a charge (migration 0012). `live` while the payment is PROCESSING. */
export interface PurchaseIntentPaymentPartsTable {
  tenant_id: string;
  payment_id: string;
  intent_id: string;
  kind: IntentPaymentKind;
  amount_minor: ColumnType<number, number, number>;
  live: ColumnType<boolean, boolean | undefined, boolean>;
}
