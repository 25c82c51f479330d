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

/** One audit row per state change, written in the same transaction as the change itself. */
export async function recordAudit(ex: Executor, actor: Actor, entry: AuditEntry, at: Date): Promise<void> {
  await ex
    .insertInto('audit_log')
    .values({
      tenant_id: actor.tenantId,
      id: newId(ID_PREFIX.audit, at.getTime()),
      actor_key_id: actor.keyId ?? null,
      actor: actor.label,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      created_at: at,
    })
    .execute();
}
