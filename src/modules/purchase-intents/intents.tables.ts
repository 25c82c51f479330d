import type { ColumnType, Generated } from 'kysely';

type Json<T> = ColumnType<T, T | string, T | string>;

export type IntentStatus = 'new' | 'complete' | 'canceled';
export type ApprovalStatus = 'awaiting' | 'approved' | 'rejected';

export interface PurchaseIntentsTable {
  tenant_id: string;
  id: string;
  secret: string;
  status: IntentStatus;
  approval_status: ApprovalStatus;
  rejection_reason: string | null;
  customer_id: string | null;
  name: string | null;
  firstname: string | null;
  lastname: string | null;
  company: string | null;
  email: string | null;
  /** The eventId as the client gave it. */
  event_ref: string;
  /** Encore's event id (`evt_…`) and show id (`shw_…`) it resolved to. */
  event_id: string;
  show_pk: string;
  shop_id: string | null;
  strategy_id: string | null;
  sales_channel_id: string | null;
  seating_reservation_token: string | null;
  currency: string;
  regular_price_minor: ColumnType<number, number, number>;
  real_price_minor: ColumnType<number, number, number>;
  inner_charge_minor: number;
  outer_charge_minor: number;
  tickets: Json<unknown>;
  products: Json<unknown>;
  additional_items: Json<unknown>;
  extra_fields: Json<unknown> | null;
  meta: Json<unknown> | null;
  identification: Json<unknown> | null;
  restricted_completion: string[] | null;
  cancellation_strategy: 'notAllowed' | 'cancellationAllowed';
  tickets_issued: boolean;
  expires_at: Date | null;
  transaction_id: string | null;
  outcome_checkout_id: string | null;
  deposit: Json<unknown> | null;
  history: Json<unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface PurchaseIntentLinesTable {
  tenant_id: string;
  intent_id: string;
  show_pk: string;
  ticket_option_id: string;
  amount: number;
  /** Kept in step with the intent by the repository (see migration 0011). */
  holding: Generated<boolean>;
  expires_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
