import type { ColumnType } from 'kysely';

type Json<T> = ColumnType<T, T | string, T | string>;

export type ListingStatus = 'ACTIVE' | 'RESERVED' | 'SOLD' | 'TERMINATED';
export type ListingType = 'SINGLE' | 'PACK';

export interface ListingsTable {
  tenant_id: string;
  id: string;
  event_id: string;
  show_pk: string;
  external_event_id: string;
  external_show_id: string;
  ticket_option_id: string;
  price_type_id: string | null;
  type: ListingType;
  quantity: number;
  price_minor: number;
  buyer_fee_minor: number;
  seller_fee_minor: number;
  currency: string;
  seller_email: string;
  order_id: string | null;
  status: ListingStatus;
  end_reason: string | null;
  hold_intention_id: string | null;
  hold_expires_at: Date | null;
  sold_order_id: string | null;
  created_at: Date;
  updated_at: Date;
  /** The last time a buyer was refused the listing while a live hold had it (ADR 0017; migration 0027). */
  last_refused_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ListingTicketsTable {
  tenant_id: string;
  listing_id: string;
  ticket_id: string;
  open: boolean;
  face_value_minor: number | null;
  seat: Json<unknown> | null;
}
