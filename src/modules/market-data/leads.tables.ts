import type { ColumnType } from 'kysely';

export type LeadType = 'TICKET_HOLDER' | 'ABANDONED_CART' | 'VIRTUAL_QUEUE' | 'WISHLIST';

type Json<T> = ColumnType<T, string | undefined, string>;

/** One fan of one show as the integrator reported them (migration 0020). */
export interface LeadsTable {
  tenant_id: string;
  id: string;
  event_id: string;
  show_pk: string;
  event_ref: string;
  show_ref: string;
  type: LeadType;
  email: string | null;
  phone: string | null;
  buyer_ref: string | null;
  buyer: Json<Record<string, unknown>>;
  ticket_id: string | null;
  ticket_option_id: string | null;
  price_type_id: string | null;
  price_minor: number | null;
  currency: string | null;
  lead_date: Date | null;
  seating: Json<Record<string, unknown> | null> | null;
  metadata: Json<Record<string, unknown> | null> | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  attributes: ColumnType<string[], string[] | undefined, string[]>;
  history: Json<{ type: LeadType; from: LeadType | null; at: string }[]>;
  created_at: Date;
  updated_at: Date;
  /** The last wishlist alert it was sent (a fan is alerted at most once an hour per show). */
  last_alerted_at: Date | null;
}

/** A wishlist lead alerted of a listing (migration 0021): once per lead and listing. */
export interface LeadAlertsTable {
  tenant_id: string;
  lead_id: string;
  listing_id: string;
  mail_id: string;
  created_at: Date;
}
