import type { Executor } from '../../db/tx.js';
import { ticketsRepository as repo, type TicketRefRow } from './tickets.repository.js';

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

const toRef = (r: TicketRefRow): TicketRef => ({ ticketId: r.ticket_id, eventId: r.event_id, showPk: r.show_pk, ticketOptionId: r.ticket_option_id, orderId: r.order_id });

/** One ticket of the tenant, any state; undefined when it has none by that id. */
export async function findTicketRef(ex: Executor, tenantId: string, ticketId: string): Promise<TicketRef | undefined> {
  if (hasNul(ticketId)) return undefined;
  const row = await repo.findRef(ex, tenantId, ticketId);
  return row && toRef(row);
}

/** The tickets of one primary-sale order (`order_id`), in ticketId order; empty when there is none. */
export async function findOrderTicketRefs(ex: Executor, tenantId: string, orderId: string): Promise<TicketRef[]> {
  if (hasNul(orderId)) return [];
  return (await repo.refsOfOrder(ex, tenantId, orderId)).map(toRef);
}

/**
 * Tickets of one ticket option in one show that still take a place: everything but CANCELLED,
 * DELETED and INVALID (a RESERVED ticket of a purchase intent holds its place until the intent dies).
 */
export async function countLiveTicketsOfOption(ex: Executor, tenantId: string, showPk: string, ticketOptionId: string): Promise<number> {
  return repo.countOfOptionExcept(ex, tenantId, showPk, ticketOptionId, ['CANCELLED', 'DELETED', 'INVALID']);
}
