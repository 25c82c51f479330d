import type { Insertable } from 'kysely';
import type { Tx } from '../../db/tx.js';
import type { TicketStatus, TicketsTable } from './tickets.tables.js';

/** Rows per INSERT: a purchase intent's tickets are few; this only bounds the bind parameters. */
const INSERT_CHUNK = 1000;

/**
 * The tickets of a purchase intent (tickets.issue.ts): ids `${intentId}-${n}` with `order_id` =
 * the intent id. Every query matches both, so a ticket ingested under the same order id is never
 * taken for one of the intent's.
 */
export const issueRepository = {
  async insertTickets(tx: Tx, rows: readonly Insertable<TicketsTable>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.insertInto('tickets').values(rows.slice(i, i + INSERT_CHUNK)).execute();
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
