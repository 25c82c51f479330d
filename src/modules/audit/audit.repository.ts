import { deferInsert } from '../../db/pending-writes.js';
import type { Executor } from '../../db/tx.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';

export interface Actor {
  tenantId: string;
  /** The API key behind the change; absent for the command line and jobs. */
  keyId?: string;
  /** Who, in words: `key:<id>`, `cli`, `job:<name>`. */
  label: string;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/**
 * One audit row per state change, committed with the change itself. Nothing reads it back in the
 * transaction, so it waits for the transaction's one pre-commit statement (db/pending-writes.ts);
 * outside a use-case transaction it is inserted at once.
 */
export async function recordAudit(ex: Executor, actor: Actor, entry: AuditEntry, at: Date): Promise<void> {
  const row = {
    tenant_id: actor.tenantId,
    id: newId(ID_PREFIX.audit, at.getTime()),
    actor_key_id: actor.keyId ?? null,
    actor: actor.label,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    created_at: at,
  };
  // A deferred row travels as JSON, so its jsonb columns take the values themselves.
  if (deferInsert(ex, 'audit_log', { ...row, before: entry.before ?? null, after: entry.after ?? null })) return;
  await ex
    .insertInto('audit_log')
    .values({
      ...row,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .execute();
}
