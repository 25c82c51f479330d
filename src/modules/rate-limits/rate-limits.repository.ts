import { sql } from 'kysely';
import type { Executor } from '../../db/tx.js';

export const rateLimitsRepository = {
  /**
   * Counts one request in its fixed window and returns the window's count so far. One tiny
   * autocommit statement: every API process shares the counter, and the row lock lasts only for
   * the statement, so concurrent requests of one key queue for microseconds, not for a transaction.
   */
  async hit(ex: Executor, tenantId: string, subject: string, windowStart: Date): Promise<number> {
    const { rows } = await sql<{ count: number }>`
      INSERT INTO rate_limit_windows (tenant_id, subject, window_start, count)
      VALUES (${tenantId}, ${subject}, ${windowStart}, 1)
      ON CONFLICT (tenant_id, subject, window_start) DO UPDATE SET count = rate_limit_windows.count + 1
      RETURNING count`.execute(ex);
    return rows[0]!.count;
  },

  async deleteOlderThan(ex: Executor, before: Date): Promise<number> {
    const res = await ex.deleteFrom('rate_limit_windows').where('window_start', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  },
};
