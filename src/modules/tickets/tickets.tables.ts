import type { ColumnType, Generated } from 'kysely';

type Json<T> = ColumnType<T, T | string, T | string>;

export type TicketStatus = 'VALID' | 'LISTED' | 'USED' | 'CANCELLED' | 'DELETED' | 'RESERVED' | 'INVALID';

export interface TicketsTable {
  tenant_id: string;
  ticket_id: string;
  /** Encore's event id (`evt_…`). */
  event_id: string;
  /** Encore's show id (`shw_…`). */
  show_pk: string;
  ticket_option_id: string;
  price_type_id: string | null;
  status: TicketStatus;
  status_reason: string | null;
  buyer: Json<unknown>;
  /** The buyer's email, lower-cased, when it has one: the owner identity for listings. */
  buyer_email: string | null;
  buyer_email_external: string | null;
  price_minor: number | null;
  currency: string;
  access_type: 'URL' | 'API' | 'OTHER';
  access_locator: string;
  access_status: 'LOCKED' | 'UNLOCKED';
  access_version: Generated<number>;
  /** Set while a TICKET_SHIELD keeps the code LOCKED: when it opens (ADR 0009). */ access_unlock_at: Date | null;
  /** A resold ticket waits LOCKED for the integrator's new code (SPEC §3). */
  access_reissue_pending: Generated<boolean>;
  /** The codes a resale replaced: admission refuses them as ACCESS_CODE_SUPERSEDED. */
  superseded_locators: Generated<string[]>;
  primary_sale_buyer_data: Json<unknown> | null;
  nominal_ticket: Json<unknown> | null;
  props: Json<unknown> | null;
  primary_sales_fee: Json<unknown> | null;
  order_id: string | null;
  tags: string[];
  content_hash: string;
  created_at: ColumnType<Date, Date | undefined, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface TicketHistoryTable {
  tenant_id: string;
  ticket_id: string;
  seq: Generated<number>;
  at: Date;
  kind: string;
  actor: string;
  data: Json<unknown>;
}

export interface AdmissionsTable {
  tenant_id: string;
  ticket_id: string;
  entry_date: Date;
  locator: string | null;
  admitted_at: Date;
  actor_key_id: string | null;
}

export interface IngestionJobsTable {
  tenant_id: string;
  id: string;
  status: 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';
  total: number;
  processed: Generated<number>;
  succeeded: Generated<number>;
  failed: Generated<number>;
  payload: Json<unknown>;
  errors: Json<unknown>;
  actor: string;
  actor_key_id: string | null;
  lease_token: string | null;
  lease_until: Date | null;
  attempts: Generated<number>;
  created_at: ColumnType<Date, Date | undefined, Date>;
  started_at: Date | null;
  completed_at: Date | null;
}
