import type { Executor } from '../../db/tx.js';

/**
 * Tickets of one ticket option in one show that still take a place: everything but CANCELLED,
 * DELETED and INVALID (a RESERVED ticket of a purchase intent holds its place until the intent dies).
 */
export async function countLiveTicketsOfOption(ex: Executor, tenantId: string, showPk: string, ticketOptionId: string): Promise<number> {
  const row = await ex
    .selectFrom('tickets')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('show_pk', '=', showPk)
    .where('ticket_option_id', '=', ticketOptionId)
    .where('status', 'not in', ['CANCELLED', 'DELETED', 'INVALID'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
