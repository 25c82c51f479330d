import { sql } from 'kysely';
import type { Executor } from '../../db/tx.js';
import { newId } from '../../lib/ids.js';
import type { UnlockScope } from './ticket-shield.cells.js';

export interface UnlockClaim {
  id: string;
  announced: boolean;
}

export const ticketShieldRepository = {
  /**
   * The record of one (show, scope, unlock time), created or found, and row-locked until the
   * transaction ends either way (`DO UPDATE` locks an existing row; a no-op `DO NOTHING` would not).
   * A second worker on the same scope therefore waits here until the first commits, and then finds
   * the tickets already open and the record already announced.
   */
  async claim(ex: Executor, scope: UnlockScope, now: Date): Promise<UnlockClaim> {
    return ex
      .insertInto('ticket_shield_unlocks')
      .values({
        tenant_id: scope.tenantId,
        id: newId('shu', now.getTime()),
        event_id: scope.eventId,
        show_pk: scope.showPk,
        ticket_option_id: scope.ticketOptionId,
        price_type_id: scope.priceTypeId,
        rule_id: scope.ruleId,
        unlock_at: scope.unlockAt,
        unlocked_at: now,
      })
      .onConflict((oc) => oc.constraint('ticket_shield_unlocks_scope').doUpdateSet({ ticket_count: sql`ticket_shield_unlocks.ticket_count` }))
      .returning(['id', 'announced'])
      .executeTakeFirstOrThrow();
  },

  async recordOpened(ex: Executor, tenantId: string, id: string, opened: number, announced: boolean): Promise<void> {
    await ex
      .updateTable('ticket_shield_unlocks')
      .set((eb) => ({ ticket_count: eb('ticket_count', '+', opened), ...(announced ? { announced: true } : {}) }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  },
};
