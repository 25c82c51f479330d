import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/tx.js';
import type { FanEmailCodesTable, FanSessionsTable } from './fan-sessions.tables.js';

export type FanSessionRow = Selectable<FanSessionsTable>;
export type FanEmailCodeRow = Selectable<FanEmailCodesTable>;

/** Every statement on `fan_sessions` and `fan_email_codes`. `now` is always the injected clock's. */
export const fanSessionsRepository = {
  async insertSession(tx: Tx, row: Insertable<FanSessionsTable>): Promise<void> {
    await tx.insertInto('fan_sessions').values(row).execute();
  },

  /** The live session of a token hash (not ended, not expired at `now`), whatever its tenant. */
  async findLive(ex: Executor, tokenHash: string, now: Date): Promise<FanSessionRow | undefined> {
    return ex
      .selectFrom('fan_sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  },

  /**
   * Slides the session: `last_seen_at` = now and a new expiry, only when it was last touched before
   * `staleBefore`. Conditional, so concurrent requests of one fan write it once; a session ended in
   * the meantime is not revived. Returns the new expiry, or undefined when nothing was written.
   */
  async touch(ex: Executor, tenantId: string, id: string, now: Date, staleBefore: Date, expiresAt: Date): Promise<Date | undefined> {
    const row = await ex
      .updateTable('fan_sessions')
      .set({ last_seen_at: now, expires_at: expiresAt })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .where('last_seen_at', '<=', staleBefore)
      .returning('expires_at')
      .executeTakeFirst();
    return row?.expires_at;
  },

  /**
   * Ends the live session of a token hash; the expiry moves to the end too (the sweep reads only
   * `expires_at`). Undefined when there was none (unknown, already ended or expired).
   */
  async end(ex: Executor, tokenHash: string, now: Date): Promise<{ tenant_id: string; id: string; email: string } | undefined> {
    return ex
      .updateTable('fan_sessions')
      .set({ ended_at: now, expires_at: now })
      .where('token_hash', '=', tokenHash)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['tenant_id', 'id', 'email'])
      .executeTakeFirst();
  },

  /** Expired (or ended) sessions, at most `limit` of them, skipping rows another sweep holds. */
  async deleteExpiredSessions(tx: Tx, now: Date, limit: number): Promise<number> {
    const r = await sql`
      DELETE FROM fan_sessions WHERE (tenant_id, id) IN (
        SELECT tenant_id, id FROM fan_sessions WHERE expires_at <= ${now} LIMIT ${limit} FOR UPDATE SKIP LOCKED
      )`.execute(tx);
    return Number(r.numAffectedRows ?? 0);
  },

  /** The new code replaces the e-mail's previous one, its tries included. */
  async upsertCode(tx: Tx, row: Insertable<FanEmailCodesTable>): Promise<void> {
    await tx
      .insertInto('fan_email_codes')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'email']).doUpdateSet((eb) => ({
          id: eb.ref('excluded.id'),
          code_hash: eb.ref('excluded.code_hash'),
          created_at: eb.ref('excluded.created_at'),
          expires_at: eb.ref('excluded.expires_at'),
          failed_tries: eb.ref('excluded.failed_tries'),
        })),
      )
      .execute();
  },

  /** Locks the e-mail's code for its check: concurrent guesses queue here, so none escapes the count of tries. */
  async lockCode(tx: Tx, tenantId: string, email: string): Promise<FanEmailCodeRow | undefined> {
    return tx.selectFrom('fan_email_codes').selectAll().where('tenant_id', '=', tenantId).where('email', '=', email).forUpdate().executeTakeFirst();
  },

  async setFailedTries(tx: Tx, tenantId: string, email: string, failedTries: number): Promise<void> {
    await tx.updateTable('fan_email_codes').set({ failed_tries: failedTries }).where('tenant_id', '=', tenantId).where('email', '=', email).execute();
  },

  async deleteCode(tx: Tx, tenantId: string, email: string): Promise<void> {
    await tx.deleteFrom('fan_email_codes').where('tenant_id', '=', tenantId).where('email', '=', email).execute();
  },

  async deleteExpiredCodes(tx: Tx, now: Date, limit: number): Promise<number> {
    const r = await sql`
      DELETE FROM fan_email_codes WHERE (tenant_id, email) IN (
        SELECT tenant_id, email FROM fan_email_codes WHERE expires_at <= ${now} LIMIT ${limit} FOR UPDATE SKIP LOCKED
      )`.execute(tx);
    return Number(r.numAffectedRows ?? 0);
  },
};
