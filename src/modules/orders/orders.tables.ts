import type { ColumnType } from 'kysely';

/** A nullable column the inserts may leave out (added after the table: migration 0027). */
type Later<T> = ColumnType<T | null, T | null | undefined, T | null>;

export type IntentionStatus = 'RESERVED' | 'PAYING' | 'COMPLETED' | 'EXPIRED' | 'CANCELLED' | 'REFUNDED';
export type OrderStatus = 'COMPLETED' | 'REFUND_PENDING' | 'REFUNDED';

export interface BuyIntentionsTable {
  tenant_id: string;
  id: string;
  status: IntentionStatus;
  source: 'BUY_INTENTION' | 'CHECKOUT_URL';
  buyer_email: string | null;
  /** The hosted checkout page named the buyer for the current payment attempt (cleared when it fails). */
  buyer_from_checkout: boolean;
  event_id: string;
  show_pk: string;
  currency: string;
  subtotal_minor: number;
  buyer_fee_minor: number;
  total_minor: number;
  secret_hash: string;
  lang: string;
  expires_at: Date;
  order_id: string | null;
  created_at: Date;
  updated_at: Date;
  /** When the one extension of the hold was granted (ADR 0017); null: not extended. */
  extended_at: Later<Date>;
  /** The named holder given for the current payment attempt (events whose policy names tickets). */
  holder_name: Later<string>;
}

export interface BuyIntentionItemsTable {
  tenant_id: string;
  intention_id: string;
  listing_id: string;
  position: number;
  ticket_ids: string[];
  quantity: number;
  price_minor: number;
  buyer_fee_minor: number;
  seller_fee_minor: number;
  seller_email: string;
}

export interface OrdersTable {
  tenant_id: string;
  id: string;
  intention_id: string;
  payment_id: string;
  buyer_email: string;
  event_id: string;
  show_pk: string;
  currency: string;
  subtotal_minor: number;
  buyer_fee_minor: number;
  total_minor: number;
  status: OrderStatus;
  outcome: string;
  refund_reason: string | null;
  created_at: Date;
  updated_at: Date;
  refunded_at: Date | null;
}

export interface OrderItemsTable {
  tenant_id: string;
  order_id: string;
  ticket_id: string;
  listing_id: string;
  seller_email: string;
  price_minor: number;
  buyer_fee_minor: number;
  seller_fee_minor: number;
}
