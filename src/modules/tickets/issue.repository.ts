import { sql, type Insertable } from 'kysely';
import { rowsAsJson } from '../../db/json-rows.js';
import type { Tx } from '../../db/tx.js';
import { sharedEventLocks } from './tickets.repository.js';
import type { TicketStatus, TicketsTable } from './tickets.tables.js';

/**
 * The tickets of a purchase intent (tickets.issue.ts): ids `${intentId}-${n}` with `order_id` =
 * the intent id. Every query matches both, so a ticket ingested under the same order id is never
 * taken for one of the intent's.
 */
export const issueRepository = {
  /**
   * The intent's tickets and their CREATED history rows in ONE statement, under the event's shared
   * ticket-writer lock, taken first (the rows are joined to it, so none is written before it is
   * held). The rows travel as one JSON array in the tickets table's row type; a json column takes
   * its value itself, not its JSON text.
   */
  async insertWithHistory(
    tx: Tx,
    input: { tenantId: string; lockRef: string; rows: readonly Insertable<TicketsTable>[]; history: { actor: string; data: unknown; at: Date } },
  ): Promise<void> {
    const { columns, source } = rowsAsJson('tickets', input.rows);
    const { history } = input;
    await sql`
      WITH locked AS (
        SELECT count(*) AS held FROM (${sharedEventLocks(input.tenantId, [input.lockRef])}) l
      ), created AS (
        INSERT INTO tickets (${columns})
        SELECT ${columns} FROM ${source} CROSS JOIN locked
        RETURNING ticket_id
      )
      INSERT INTO ticket_history (tenant_id, ticket_id, at, kind, actor, data)
      SELECT ${input.tenantId}::text, ticket_id, ${history.at}::timestamptz, 'CREATED', ${history.actor}::text, ${JSON.stringify(history.data)}::jsonb
      FROM created`.execute(tx);
  },

  /**
   * `from` → `to` for the intent's tickets in `from` (only those named in `only`, when given), with
   * `set` applied too; returns the ids it changed.
   */
  async changeStatusOfIntent(
    tx: Tx,
    input: { tenantId: string; intentId: string; from: TicketStatus; to: TicketStatus; set: { status_reason: string | null; access_status?: 'UNLOCKED' }; at: Date; only?: readonly string[] },
  ): Promise<string[]> {
    let q = tx
      .updateTable('tickets')
      .set({ status: input.to, ...input.set, updated_at: input.at })
      .where('tenant_id', '=', input.tenantId)
      .where('order_id', '=', input.intentId)
      .where('ticket_id', 'like', `${input.intentId}-%`)
      .where('status', '=', input.from);
    if (input.only !== undefined) q = q.where('ticket_id', 'in', input.only);
    return (await q.returning('ticket_id').execute()).map((r) => r.ticket_id);
  },

  /** Row-locked, in no particular order. */
  async lockOfIntent(tx: Tx, tenantId: string, intentId: string): Promise<{ ticket_id: string; ticket_option_id: string; status: TicketStatus; price_minor: number | null }[]> {
    return tx
      .selectFrom('tickets')
      .select(['ticket_id', 'ticket_option_id', 'status', 'price_minor'])
      .where('tenant_id', '=', tenantId)
      .where('order_id', '=', intentId)
      .where('ticket_id', 'like', `${intentId}-%`)
      .forUpdate()
      .execute();
  },
};
