import type { Executor } from '../../db/tx.js';

/** Where a ticket sits in the catalogue: what other modules (URL endpoints, listings) need of it. */
export interface TicketRef {
  ticketId: string;
  /** Encore's event id (`evt_…`). */
  eventId: string;
  /** Encore's show id (`shw_…`). */
  showPk: string;
  ticketOptionId: string;
  orderId: string | null;
}

// PostgreSQL text cannot hold NUL: such an id names no ticket (and would be a 22021 error).
const hasNul = (s: string) => s.includes('\u0000');

/** One ticket of the tenant, any state; undefined when it has none by that id. */
export async function findTicketRef(ex: Executor, tenantId: string, ticketId: string): Promise<TicketRef | undefined> {
  if (hasNul(ticketId)) return undefined;
  const row = await ex
    .selectFrom('tickets')
    .select(['ticket_id', 'event_id', 'show_pk', 'ticket_option_id', 'order_id'])
    .where('tenant_id', '=', tenantId)
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
  return row && { ticketId: row.ticket_id, eventId: row.event_id, showPk: row.show_pk, ticketOptionId: row.ticket_option_id, orderId: row.order_id };
}

/** The tickets of one primary-sale order (`order_id`), in ticketId order; empty when there is none. */
export async function findOrderTicketRefs(ex: Executor, tenantId: string, orderId: string): Promise<TicketRef[]> {
  if (hasNul(orderId)) return [];
  const rows = await ex
    .selectFrom('tickets')
    .select(['ticket_id', 'event_id', 'show_pk', 'ticket_option_id', 'order_id'])
    .where('tenant_id', '=', tenantId)
    .where('order_id', '=', orderId)
    .orderBy('ticket_id')
    .execute();
  return rows.map((r) => ({ ticketId: r.ticket_id, eventId: r.event_id, showPk: r.show_pk, ticketOptionId: r.ticket_option_id, orderId: r.order_id }));
}
