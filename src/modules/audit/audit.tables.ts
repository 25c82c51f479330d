import type { Generated } from 'kysely';

export interface AuditLogTable {
  tenant_id: string;
  id: string;
  /** The API key that made the change; null for the CLI and background jobs. */
  actor_key_id: string | null;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before: unknown;
  after: unknown;
  created_at: Generated<Date>;
}
