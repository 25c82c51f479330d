import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/tx.js';
import type { MailOutboxTable } from './mail.tables.js';

export type MailRow = Selectable<MailOutboxTable>;

/** Every statement on `mail_outbox`. */
export const mailRepository = {
  async insert(tx: Tx, row: Insertable<MailOutboxTable>): Promise<void> {
    await tx.insertInto('mail_outbox').values(row).execute();
  },

  async find(ex: Executor, tenantId: string, id: string): Promise<MailRow | undefined> {
    return ex.selectFrom('mail_outbox').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  },

  /** Marks a PENDING mail delivered or kept; false when it was not PENDING any more (a retried job). */
  async finish(ex: Executor, tenantId: string, id: string, status: 'SENT' | 'KEPT', at: Date): Promise<boolean> {
    const r = await ex
      .updateTable('mail_outbox')
      .set((eb) => ({ status, sent_at: at, attempts: eb('attempts', '+', 1) }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'PENDING')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  async failedAttempt(ex: Executor, tenantId: string, id: string, error: string): Promise<void> {
    await ex
      .updateTable('mail_outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500) }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  },

  /** Forgets these mails' recipient and text (erasure); one still PENDING is never sent. */
  async erase(tx: Tx, tenantId: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await tx.updateTable('mail_outbox').set({ status: 'ERASED', to_address: '', subject: '', text_body: '' }).where('tenant_id', '=', tenantId).where('id', 'in', ids).executeTakeFirst();
    return Number(r.numUpdatedRows);
  },

  /** Finished mails (sent, kept or erased) created before `before`, at most `limit` of them; a PENDING one is never deleted. */
  async deleteFinishedBefore(tx: Tx, before: Date, limit: number): Promise<number> {
    const r = await sql`
      DELETE FROM mail_outbox WHERE (tenant_id, id) IN (
        SELECT tenant_id, id FROM mail_outbox WHERE created_at < ${before} AND status <> 'PENDING' LIMIT ${limit} FOR UPDATE SKIP LOCKED
      )`.execute(tx);
    return Number(r.numAffectedRows ?? 0);
  },

  async recent(ex: Executor, limit: number): Promise<MailRow[]> {
    return ex.selectFrom('mail_outbox').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  },
};
