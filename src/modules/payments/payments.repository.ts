import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/tx.js';
import type { PaymentsTable, PaymentStatus } from './payments.tables.js';

export type PaymentRow = Selectable<PaymentsTable>;

export const paymentsRepository = {
  async insert(tx: Tx, row: Insertable<PaymentsTable>): Promise<void> {
    await tx.insertInto('payments').values(row).execute();
  },

  async find(ex: Executor, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<PaymentRow | undefined> {
    let q = ex.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    if (opts.lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async update(
    tx: Tx,
    tenantId: string,
    id: string,
    set: { status: PaymentStatus; provider_ref?: string | null; card_last4?: string | null; failure_code?: string | null; failure_message?: string | null; refund_ref?: string | null; updated_at: Date },
  ): Promise<PaymentRow> {
    return tx.updateTable('payments').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },

  async stuck(ex: Executor, before: Date, limit: number): Promise<PaymentRow[]> {
    return ex.selectFrom('payments').selectAll().where('status', '=', 'PROCESSING').where('updated_at', '<', before).orderBy('updated_at').limit(limit).execute();
  },

  /**
   * The intention's payment that counts: its live one (at most one, by the partial unique index), else
   * the newest failed one. Time alone cannot tell: a declined attempt and the paying one may share a
   * millisecond, and ids within one millisecond are random.
   */
  async latestOf(ex: Executor, tenantId: string, intentionId: string): Promise<PaymentRow | undefined> {
    return ex
      .selectFrom('payments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('intention_id', '=', intentionId)
      .orderBy(sql`status IN ('PROCESSING', 'SUCCEEDED', 'REFUNDED')`, 'desc')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  },
};
