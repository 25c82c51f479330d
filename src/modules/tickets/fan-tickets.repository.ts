import type { Executor } from '../../db/tx.js';

/** The tickets table as a fan's "my tickets" page reads it (tickets.fan.ts). */
export const fanTicketsRepository = {
  /** Tickets whose owner is `email` (lower-cased), optionally of one order, at most `limit` (index tickets_buyer_email). */
  async idsOfOwner(ex: Executor, tenantId: string, email: string, orderId: string | undefined, limit: number): Promise<string[]> {
    let q = ex.selectFrom('tickets').select('ticket_id').where('tenant_id', '=', tenantId).where('buyer_email', '=', email);
    if (orderId !== undefined) q = q.where('order_id', '=', orderId);
    const rows = await q.orderBy('ticket_id').limit(limit).execute();
    return rows.map((r) => r.ticket_id);
  },

  async accessOf(
    ex: Executor,
    tenantId: string,
    ids: readonly string[],
  ): Promise<{ ticket_id: string; access_type: 'URL' | 'API' | 'OTHER'; access_locator: string; access_status: 'LOCKED' | 'UNLOCKED'; access_unlock_at: Date | null; access_reissue_pending: boolean }[]> {
    if (ids.length === 0) return [];
    return ex
      .selectFrom('tickets')
      .select(['ticket_id', 'access_type', 'access_locator', 'access_status', 'access_unlock_at', 'access_reissue_pending'])
      .where('tenant_id', '=', tenantId)
      .where('ticket_id', '=', (eb) => eb.fn.any(eb.val(ids)))
      .execute();
  },
};
