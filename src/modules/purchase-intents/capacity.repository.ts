import { sql } from 'kysely';
import type { Executor } from '../../db/tx.js';

/**
 * The capacity counter of a (show, ticket option) (migration 0029): places held by purchase-intent
 * lines and live tickets, both kept by triggers on every write of those tables. Raw SQL: the counter
 * is written only by those triggers, so it has no Kysely table type.
 */
export interface CapacityCounter {
  held: number;
  tickets: number;
}

export const capacityRepository = {
  /**
   * A checking create's first look, one round trip (migration 0029's precheck): the options the
   * committed counters cannot cover, with the places left; when there are none, the rest of the
   * transaction's counter changes are kept for its commit, where they are applied and checked.
   */
  async precheck(ex: Executor, tenantId: string, showPk: string, wanted: readonly { optionId: string; amount: number }[], now: Date, lockTimeoutMs: number): Promise<{ ticket_option_id: string; available: number }[]> {
    const { rows } = await sql<{ ticket_option_id: string; available: number }>`
      SELECT ticket_option_id, available FROM purchase_intent_capacity_precheck(${tenantId}, ${showPk},
        ${wanted.map((w) => w.optionId)}::text[], ${wanted.map((w) => w.amount)}::int[], ${now}, ${`${Math.trunc(lockTimeoutMs)}ms`})`.execute(ex);
    return rows;
  },

  /** The counter as last committed (no lock): the cheap first look of a create. */
  async read(ex: Executor, tenantId: string, showPk: string, ticketOptionId: string): Promise<CapacityCounter | undefined> {
    const { rows } = await sql<CapacityCounter>`
      SELECT held, tickets FROM purchase_intent_capacity
      WHERE tenant_id = ${tenantId} AND show_pk = ${showPk} AND ticket_option_id = ${ticketOptionId}`.execute(ex);
    return rows[0];
  },

  /**
   * The counter under its row lock, after the caller's own lines and tickets were written (their
   * triggers took the lock already, so this waits for nobody): every other create of the option is
   * either committed and counted, or waits for this transaction.
   */
  async lock(ex: Executor, tenantId: string, showPk: string, ticketOptionId: string): Promise<CapacityCounter | undefined> {
    const { rows } = await sql<CapacityCounter>`
      SELECT held, tickets FROM purchase_intent_capacity
      WHERE tenant_id = ${tenantId} AND show_pk = ${showPk} AND ticket_option_id = ${ticketOptionId}
      FOR NO KEY UPDATE`.execute(ex);
    return rows[0];
  },

  /**
   * Lines of intents past their `expiresAt` that the sweeper has not cancelled yet stop holding (the
   * counter follows through its trigger): availability ignores expired holds even before the sweep.
   * Returns the places released.
   */
  async releaseExpiredHolds(ex: Executor, tenantId: string, showPk: string, ticketOptionId: string, now: Date): Promise<number> {
    const { rows } = await sql<{ n: string | null }>`
      WITH released AS (
        UPDATE purchase_intent_lines SET holding = false
        WHERE tenant_id = ${tenantId} AND show_pk = ${showPk} AND ticket_option_id = ${ticketOptionId} AND holding AND expires_at <= ${now}
        RETURNING amount)
      SELECT sum(amount) AS n FROM released`.execute(ex);
    return Number(rows[0]?.n ?? 0);
  },
};
