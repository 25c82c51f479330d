import type { Generated } from 'kysely';

export interface IdempotencyKeysTable {
  tenant_id: string;
  key: string;
  /** SHA-256 of method, path and body: a key reused for a different request is refused. */
  request_hash: string;
  /** RUNNING → COMMITTED (in the change's own transaction, when it writes) → DONE (response stored). */
  status: 'RUNNING' | 'COMMITTED' | 'DONE';
  response_status: number | null;
  response_body: string | null;
  created_at: Generated<Date>;
  expires_at: Date;
}
