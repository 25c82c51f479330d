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
  next_attempt_at: Date | null;
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
