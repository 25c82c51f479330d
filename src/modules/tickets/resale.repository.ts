import type { Executor, Tx } from '../../db/tx.js';
import type { TicketStatus } from './tickets.tables.js';

/** What the resale market reads of a ticket (tickets.resale.ts maps it to a ResaleTicket). */
export interface ResaleRow {
  ticket_id: string;
  event_id: string;
  show_pk: string;
  ticket_option_id: string;
  price_type_id: string | null;
  status: TicketStatus;
  buyer_email: string | null;
  price_minor: number | null;
  currency: string;
  order_id: string | null;
  props: unknown;
  access_reissue_pending: boolean;
}

const COLUMNS = [
  'ticket_id',
  'event_id',
  'show_pk',
  'ticket_option_id',
  'price_type_id',
  'status',
  'buyer_email',
  'price_minor',
  'currency',
  'order_id',
  'props',
  'access_reissue_pending',
] as const;

/**
 * The tickets table as the resale market writes it. Every `ids` argument is distinct and holds no
 * NUL (tickets.resale.ts filters them); several rows are locked in ticket_id order, so two writers
 * over the same tickets queue instead of deadlocking.
 */
export const resaleRepository = {
  /** FOR UPDATE, in ticket_id order; missing ids are simply absent. */
  async lockForResale(tx: Tx, tenantId: string, ids: readonly string[]): Promise<ResaleRow[]> {
    return tx
      .selectFrom('tickets')
      .select(COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('ticket_id', '=', (eb) => eb.fn.any(eb.val(ids)))
      .orderBy('ticket_id')
      .forUpdate()
      .execute();
  },

  /** The named tickets and the tickets of the named orders, in one read (no lock: a view, not a write). */
  async findByIdsOrOrders(ex: Executor, tenantId: string, ids: readonly string[], orderIds: readonly string[]): Promise<ResaleRow[]> {
    if (ids.length === 0 && orderIds.length === 0) return [];
    return ex
      .selectFrom('tickets')
      .select(COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('ticket_id', '=', eb.fn.any(eb.val(ids))), eb('order_id', '=', eb.fn.any(eb.val(orderIds)))]))
      .orderBy('ticket_id')
      .execute();
  },

  async findOfOrder(ex: Executor, tenantId: string, orderId: string): Promise<ResaleRow[]> {
    return ex.selectFrom('tickets').select(COLUMNS).where('tenant_id', '=', tenantId).where('order_id', '=', orderId).orderBy('ticket_id').execute();
  },

  /** Statuses only, FOR UPDATE in ticket_id order. */
  async lockStatuses(tx: Tx, tenantId: string, ids: readonly string[]): Promise<{ ticket_id: string; status: TicketStatus }[]> {
    return tx
      .selectFrom('tickets')
      .select(['ticket_id', 'status'])
      .where('tenant_id', '=', tenantId)
      .where('ticket_id', '=', (eb) => eb.fn.any(eb.val(ids)))
      .orderBy('ticket_id')
      .forUpdate()
      .execute();
  },

  async setStatus(tx: Tx, tenantId: string, ids: readonly string[], status: TicketStatus, now: Date): Promise<void> {
    await tx
      .updateTable('tickets')
      .set({ status, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('ticket_id', '=', (eb) => eb.fn.any(eb.val(ids)))
      .execute();
  },

  /** `from` → `to` for the tickets still in `from`; returns the ids it changed. */
  async changeStatus(tx: Tx, tenantId: string, ids: readonly string[], from: TicketStatus, to: TicketStatus, now: Date): Promise<string[]> {
    const rows = await tx
      .updateTable('tickets')
      .set({ status: to, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('ticket_id', '=', (eb) => eb.fn.any(eb.val(ids)))
      .where('status', '=', from)
      .returning('ticket_id')
      .execute();
    return rows.map((r) => r.ticket_id);
  },
};
