import { sql } from 'kysely';
import type { Executor } from '../../db/tx.js';

export const idempotencyRepository = {
  /**
   * Claims the key for this request: inserts it RUNNING, or takes over an expired record, or a
   * RUNNING one whose request died long ago. Returns nothing when someone else holds it.
   */
  async claim(ex: Executor, row: { tenantId: string; key: string; requestHash: string; now: Date; expiresAt: Date; staleBefore: Date }) {
    return ex
      .insertInto('idempotency_keys')
      .values({ tenant_id: row.tenantId, key: row.key, request_hash: row.requestHash, status: 'RUNNING', created_at: row.now, expires_at: row.expiresAt })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'key'])
          .doUpdateSet({ request_hash: row.requestHash, status: 'RUNNING', response_status: null, response_body: null, created_at: row.now, expires_at: row.expiresAt })
          .where((eb) =>
            eb.or([
              eb('idempotency_keys.expires_at', '<', row.now),
              eb.and([eb('idempotency_keys.status', '=', 'RUNNING'), eb('idempotency_keys.created_at', '<', row.staleBefore)]),
            ]),
          ),
      )
      .returning('key')
      .executeTakeFirst();
  },

  async find(ex: Executor, tenantId: string, key: string) {
    return ex.selectFrom('idempotency_keys').selectAll().where('tenant_id', '=', tenantId).where('key', '=', key).executeTakeFirst();
  },

  /** In the guarded change's transaction: from now on a retry must never run the request again. */
  async markCommitted(tx: Executor, tenantId: string, key: string): Promise<void> {
    await tx.updateTable('idempotency_keys').set({ status: 'COMMITTED' }).where('tenant_id', '=', tenantId).where('key', '=', key).where('status', '=', 'RUNNING').execute();
  },

  async complete(ex: Executor, tenantId: string, key: string, status: number, body: string): Promise<void> {
    await ex
      .updateTable('idempotency_keys')
      .set({ status: 'DONE', response_status: status, response_body: body })
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .execute();
  },

  /** Forgets a key whose request changed nothing; false when its change had committed. */
  async release(ex: Executor, tenantId: string, key: string): Promise<boolean> {
    const res = await ex.deleteFrom('idempotency_keys').where('tenant_id', '=', tenantId).where('key', '=', key).where('status', '=', 'RUNNING').executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  },

  async deleteExpired(ex: Executor, now: Date): Promise<number> {
    const res = await ex.deleteFrom('idempotency_keys').where('expires_at', '<', sql<Date>`${now}`).executeTakeFirst();
    return Number(res.numDeletedRows);
  },
};
