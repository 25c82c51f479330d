import type { ColumnType, Generated } from 'kysely';

type Json<T> = ColumnType<T, T | string, T | string>;

export interface EventsTable {
  tenant_id: string;
  id: string;
  external_reference_id: string;
  title: string;
  description: string;
  currency: string;
  location: Json<unknown>;
  configuration: Json<unknown>;
  producers: Json<unknown>;
  seating: Json<unknown>;
  status: 'LIVE' | 'CANCELLED';
  cancelled_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ShowsTable {
  tenant_id: string;
  id: string;
  event_id: string;
  show_id: string;
  position: number;
  title: string | null;
  description: string | null;
  /** The date exactly as the integrator sent it (its offset matters to them) and as an instant. */
  date_text: string;
  starts_at: Date;
  end_date_text: string | null;
  ends_at: Date | null;
  primary_sales_url: string | null;
  images: Json<unknown>;
  status: 'LIVE' | 'CANCELLED';
  cancelled_at: Date | null;
}

export interface TicketOptionsTable {
  tenant_id: string;
  show_pk: string;
  ticket_option_id: string;
  position: number;
  title: string;
  description: string | null;
  price_minor: number;
  currency: string;
  capacity: number | null;
  zone_id: string | null;
}

export interface PriceTypesTable {
  tenant_id: string;
  show_pk: string;
  price_type_id: string;
  position: number;
  title: string;
  price_minor: number | null;
}

export interface PriceCombinationsTable {
  tenant_id: string;
  show_pk: string;
  ticket_option_id: string;
  price_type_id: string;
  price_minor: number;
}

export interface EventRulesTable {
  tenant_id: string;
  id: string;
  event_id: string;
  show_id: string | null;
  ticket_option_id: string | null;
  price_type_id: string | null;
  rule_type: 'RESALE' | 'TRANSFER' | 'TICKET_SHIELD' | 'FEES';
  rules: Json<unknown>;
  price_minor: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
