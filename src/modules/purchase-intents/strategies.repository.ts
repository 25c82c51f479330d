import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/tx.js';
import type { PurchaseIntentStrategiesTable } from './strategies.tables.js';

export type StrategyRow = Selectable<PurchaseIntentStrategiesTable>;

export const strategiesRepository = {
  async insert(ex: Executor, row: Insertable<PurchaseIntentStrategiesTable>): Promise<StrategyRow> {
    return ex.insertInto('purchase_intent_strategies').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async find(ex: Executor, tenantId: string, id: string): Promise<StrategyRow | undefined> {
    return ex.selectFrom('purchase_intent_strategies').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  },

  /** The row under a lock, so two concurrent updates never lose one another's change or `__v`. */
  async lock(ex: Executor, tenantId: string, id: string): Promise<StrategyRow | undefined> {
    return ex
      .selectFrom('purchase_intent_strategies')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  },

  async update(ex: Executor, tenantId: string, id: string, set: Updateable<PurchaseIntentStrategiesTable>): Promise<StrategyRow> {
    return ex
      .updateTable('purchase_intent_strategies')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** Oldest first (ids sort by creation time), so paging is stable while strategies are added. */
  async list(ex: Executor, tenantId: string, page: { top: number; skip: number }): Promise<{ rows: StrategyRow[]; total: number }> {
    const q = ex.selectFrom('purchase_intent_strategies').where('tenant_id', '=', tenantId);
    const [rows, total] = await Promise.all([
      q.selectAll().orderBy('id').limit(page.top).offset(page.skip).execute(),
      q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(total.n) };
  },
};
