import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/tx.js';
import type { PayoutsTable } from './payouts.tables.js';

export type PayoutRow = Selectable<PayoutsTable>;

export const payoutsRepository = {
  async insert(tx: Tx, rows: Insertable<PayoutsTable>[]): Promise<PayoutRow[]> {
    if (rows.length === 0) return [];
    return tx.insertInto('payouts').values(rows).returningAll().execute();
  },

  async cancelScheduledOfOrders(tx: Tx, tenantId: string, orderIds: readonly string[], reason: string, now: Date): Promise<PayoutRow[]> {
    if (orderIds.length === 0) return [];
    return tx
      .updateTable('payouts')
      .set({ status: 'CANCELLED', cancelled_at: now, cancel_reason: reason, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('order_id', 'in', orderIds)
      .where('status', '=', 'SCHEDULED')
      .returningAll()
      .execute();
  },

  /**
   * Due payouts of any tenant, released in batches; SKIP LOCKED lets several workers share the work.
   * Only payouts whose seller has a payout account (SPEC §4.1 item 7): the others are not taken
   * (so they neither fill a batch nor end the sweep early) and stay SCHEDULED until a later sweep
   * finds the account. Only the payout rows are locked, not the accounts.
   */
  async releaseDue(tx: Tx, now: Date, limit: number): Promise<PayoutRow[]> {
    const result = await sql<PayoutRow>`
      UPDATE payouts p SET status = 'RELEASED', released_at = ${now}, updated_at = ${now}
      WHERE (p.tenant_id, p.id) IN (
        SELECT d.tenant_id, d.id FROM payouts d
        WHERE d.status = 'SCHEDULED' AND d.release_at <= ${now}
          AND EXISTS (SELECT 1 FROM payout_accounts a WHERE a.tenant_id = d.tenant_id AND a.seller_email = d.seller_email)
        ORDER BY d.release_at LIMIT ${limit} FOR UPDATE OF d SKIP LOCKED
      )
      RETURNING p.*`.execute(tx);
    return result.rows;
  },

  async ofOrder(ex: Executor, tenantId: string, orderId: string): Promise<PayoutRow[]> {
    return ex.selectFrom('payouts').selectAll().where('tenant_id', '=', tenantId).where('order_id', '=', orderId).orderBy('id').execute();
  },
};
