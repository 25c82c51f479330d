import { sql } from 'kysely';
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

  async findStatus(ex: Executor, tenantId: string, ticketId: string): Promise<{ status: TicketStatus } | undefined> {
    return ex.selectFrom('tickets').select('status').where('tenant_id', '=', tenantId).where('ticket_id', '=', ticketId).executeTakeFirst();
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

  /**
   * The resale transfer of tickets in one of `from` (see transferResoldTickets): VALID for the new
   * owner, access code superseded and emptied, LOCKED until re-issued. The old owner is read in the
   * same statement (a FOR UPDATE sub-select joined to the UPDATE), so the RETURNING gives both.
   */
  async transferToBuyer(
    tx: Tx,
    input: { tenantId: string; ids: readonly string[]; from: readonly TicketStatus[]; buyerEmail: string; newOwnerEmail: string; now: Date },
  ): Promise<{ ticket_id: string; previous_owner_email: string | null }[]> {
    const { tenantId, now } = input;
    const { rows } = await sql<{ ticket_id: string; previous_owner_email: string | null }>`
    WITH prev AS (
      SELECT ticket_id, buyer_email, access_locator FROM tickets
      WHERE tenant_id = ${tenantId} AND ticket_id = ANY(${input.ids}::text[]) AND status = ANY(${input.from}::text[])
      ORDER BY ticket_id
      FOR UPDATE
    )
    UPDATE tickets t SET
      status = 'VALID',
      buyer = ${JSON.stringify({ email: input.buyerEmail })}::jsonb,
      buyer_email = ${input.newOwnerEmail}::text,
      access_reissue_pending = true,
      access_status = 'LOCKED',
      superseded_locators = CASE
        WHEN prev.access_locator = '' OR prev.access_locator = ANY(t.superseded_locators) THEN t.superseded_locators
        ELSE array_append(t.superseded_locators, prev.access_locator)
      END,
      access_locator = '',
      access_version = t.access_version + 1,
      updated_at = ${now}::timestamptz
    FROM prev
    WHERE t.tenant_id = ${tenantId} AND t.ticket_id = prev.ticket_id
    RETURNING t.ticket_id, prev.buyer_email AS previous_owner_email`.execute(tx);
    return rows;
  },
};
