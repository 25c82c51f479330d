import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/tx.js';
import type { CheckoutSessionStatus, PurchaseIntentCheckoutsTable } from './checkouts.tables.js';

export type CheckoutSessionRow = Selectable<PurchaseIntentCheckoutsTable>;

/** Purchase-intent checkout sessions (migration 0025). */
export const checkoutsRepository = {
  async insert(ex: Executor, row: Insertable<PurchaseIntentCheckoutsTable>): Promise<CheckoutSessionRow> {
    return ex.insertInto('purchase_intent_checkouts').values(row).returningAll().executeTakeFirstOrThrow();
  },

  /** By id alone (unique index): the hosted page carries no API key, so no tenant yet. */
  async findById(ex: Executor, id: string): Promise<CheckoutSessionRow | undefined> {
    return ex.selectFrom('purchase_intent_checkouts').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Records a status; a no-op when it is the stored one already. Returns whether it changed. */
  async setStatus(ex: Executor, tenantId: string, id: string, status: CheckoutSessionStatus, now: Date): Promise<boolean> {
    const res = await ex
      .updateTable('purchase_intent_checkouts')
      .set({ status, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '<>', status)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  },
};
