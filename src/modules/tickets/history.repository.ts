import type { Insertable } from 'kysely';
import type { Executor } from '../../db/tx.js';
import type { TicketHistoryTable } from './tickets.tables.js';

/** Rows per multi-row INSERT: 6 parameters a row stay far below PostgreSQL's 65535 bind parameters. */
const INSERT_CHUNK = 5000;

/** The ticket_history table (tickets.history.ts says what a history row means). */
export const ticketHistoryRepository = {
  async insert(ex: Executor, row: Insertable<TicketHistoryTable>): Promise<void> {
    await ex.insertInto('ticket_history').values(row).execute();
  },

  async insertMany(ex: Executor, rows: readonly Insertable<TicketHistoryTable>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await ex.insertInto('ticket_history').values(rows.slice(i, i + INSERT_CHUNK)).execute();
  },

  async list(ex: Executor, tenantId: string, ticketId: string): Promise<{ seq: number; at: Date; kind: string; actor: string; data: unknown }[]> {
    return ex
      .selectFrom('ticket_history')
      .select(['seq', 'at', 'kind', 'actor', 'data'])
      .where('tenant_id', '=', tenantId)
      .where('ticket_id', '=', ticketId)
      .orderBy('seq')
      .execute();
  },
};
