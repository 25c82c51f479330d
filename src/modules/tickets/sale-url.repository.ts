import type { Executor } from '../../db/tx.js';

export const saleUrlRepository = {
  /** What a public URL of the ticket needs: the Encore show it belongs to. */
  async findTicketShow(ex: Executor, tenantId: string, ticketId: string): Promise<{ ticket_id: string; show_pk: string } | undefined> {
    return ex
      .selectFrom('tickets')
      .select(['ticket_id', 'show_pk'])
      .where('tenant_id', '=', tenantId)
      .where('ticket_id', '=', ticketId)
      .executeTakeFirst();
  },
};
