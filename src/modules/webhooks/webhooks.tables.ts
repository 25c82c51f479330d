import type { ColumnType, Generated } from 'kysely';

export interface WebhookEndpointsTable {
  tenant_id: string;
  id: string;
  url: string;
  secret: string;
  description: string | null;
  /** Event types this endpoint receives (`event.created`, `event.*`); empty = all. */
  event_types: string[];
  enabled: boolean;
  /** Failed attempts in a row (no answer, 5xx, 408, 429); any 2xx resets it. While above 0 the endpoint gets one delivery at a time. */
  consecutive_failures: Generated<number>;
  /** After a failure the endpoint rests until then; its deliveries wait, PENDING. */
  paused_until: Generated<Date | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface WebhookDeliveriesTable {
  tenant_id: string;
  id: string;
  endpoint_id: string;
  /** `encore-event-id`: one id per message, shared by its deliveries to every endpoint. */
  message_id: string;
  event_type: string;
  /** The exact body, signed and sent byte for byte the same on every attempt. */
  body: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: Generated<number>;
  /** Due when at or before now. While an attempt is in flight: the end of its lease (claimed_until). */
  next_attempt_at: Date | null;
  /** The lease of the attempt in flight: counts against the endpoint's bound until then (ADR 0019). */
  claimed_until: Generated<Date | null>;
  last_status_code: number | null;
  last_error: string | null;
  created_at: ColumnType<Date, Date | undefined, Date>;
  delivered_at: Date | null;
}

export interface WebhookAttemptsTable {
  tenant_id: string;
  delivery_id: string;
  attempt: number;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
}
