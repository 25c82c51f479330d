import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/tx.js';
import type { EventRulesTable } from './events.tables.js';

export type RuleRow = Selectable<EventRulesTable>;

export const rulesRepository = {
  async listRules(ex: Executor, tenantId: string, eventIds: string[]): Promise<RuleRow[]> {
    if (eventIds.length === 0) return [];
    return ex
      .selectFrom('event_rules')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('event_id', 'in', eventIds)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  },

  /**
   * One statement for the whole batch. The conflict target is the scope constraint (NULLS NOT
   * DISTINCT, so a null `show_id` is one scope, not many); an existing rule keeps its id and
   * created_at. The caller must not send the same scope twice: PostgreSQL refuses to update one
   * row twice in a statement.
   */
  async upsertRules(ex: Executor, rows: Insertable<EventRulesTable>[]): Promise<RuleRow[]> {
    if (rows.length === 0) return [];
    return ex
      .insertInto('event_rules')
      .values(rows)
      .onConflict((oc) =>
        oc.constraint('event_rules_scope').doUpdateSet((eb) => ({
          rules: eb.ref('excluded.rules'),
          price_minor: eb.ref('excluded.price_minor'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .returningAll()
      .execute();
  },

  async deleteRules(ex: Executor, tenantId: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await ex.deleteFrom('event_rules').where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
  },
};
