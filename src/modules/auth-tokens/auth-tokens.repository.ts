import type { Executor } from '../../db/tx.js';

export const authTokensRepository = {
  /** One statement for any number of tokens (the Smart Access Layer signs every CTA of a fan's tickets). */
  async insert(
    ex: Executor,
    rows: readonly { tenantId: string; id: string; tokenHash: string; userEmail: string; method: 'email'; createdAt: Date; expiresAt: Date }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await ex
      .insertInto('one_time_tokens')
      .values(
        rows.map((row) => ({
          tenant_id: row.tenantId,
          id: row.id,
          token_hash: row.tokenHash,
          user_email: row.userEmail,
          method: row.method,
          created_at: row.createdAt,
          expires_at: row.expiresAt,
        })),
      )
      .execute();
  },

  /**
   * Marks the token used and returns it, in one statement: of two concurrent consumers exactly one
   * gets the row (the second waits on the row lock, re-checks `used_at` and finds it set).
   * `now` is the injected clock's, not the database's, so expiry follows the same time everywhere.
   */
  async consume(ex: Executor, tokenHash: string, now: Date) {
    return ex
      .updateTable('one_time_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['tenant_id', 'id', 'user_email', 'method'])
      .executeTakeFirst();
  },

  async deleteExpiredBefore(ex: Executor, before: Date): Promise<number> {
    const res = await ex.deleteFrom('one_time_tokens').where('expires_at', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  },
};
