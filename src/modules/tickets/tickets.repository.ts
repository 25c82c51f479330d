import { sql, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../db/tx.js';
import type { NormalizedTicket } from './tickets.normalize.js';
import type { AdmissionsTable, TicketStatus, TicketsTable } from './tickets.tables.js';

export type TicketRow = Selectable<TicketsTable>;
export type AdmissionRow = Selectable<AdmissionsTable>;

/** The JSON shape of one ticket for `json_to_recordset` (keys = the column names below). */
function recordOf(t: NormalizedTicket) {
  return {
    ticket_id: t.ticketId,
    event_id: t.eventId,
    show_pk: t.showPk,
    ticket_option_id: t.ticketOptionId,
    price_type_id: t.priceTypeId,
    buyer: t.buyer,
    buyer_email: t.buyerEmail,
    buyer_email_external: t.buyerEmailExternal,
    price_minor: t.priceMinor,
    currency: t.currency,
    access_type: t.accessType,
    access_locator: t.accessLocator,
    access_status: t.accessStatus,
    primary_sale_buyer_data: t.primarySaleBuyerData,
    nominal_ticket: t.nominalTicket,
    props: t.props,
    primary_sales_fee: t.primarySalesFee,
    order_id: t.orderId,
    tags: t.tags,
    content_hash: t.contentHash,
  };
}

/** Tickets per INSERT statement: one JSON parameter, so only the statement size bounds it. */
export const INSERT_CHUNK = 5000;

export const ticketsRepository = {
  /**
   * Takes a shared lock per event for the rest of the transaction. Ticket writers share it; event
   * cancellation takes it exclusively (lockEventForCancellation), so no ticket can be written into
   * a show between the moment cancellation reads its tickets and its commit — and a writer that
   * waited sees the show cancelled when it reads the catalogue afterwards.
   */
  async lockEventsShared(ex: Executor, tenantId: string, externalReferenceIds: string[]): Promise<void> {
    if (externalReferenceIds.length === 0) return;
    await sql`SELECT pg_advisory_xact_lock_shared(hashtext(${tenantId}), hashtext(r)) FROM unnest(${[...new Set(externalReferenceIds)].sort()}::text[]) AS r`.execute(ex);
  },

  async lockEventExclusive(ex: Executor, tenantId: string, externalReferenceId: string): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${tenantId}), hashtext(${externalReferenceId}))`.execute(ex);
  },

  /**
   * Inserts the tickets that do not exist yet and their CREATED history rows, in ONE statement per
   * chunk: the batch travels as one JSON parameter (no bind-parameter limit, no per-row escaping)
   * and `ON CONFLICT DO NOTHING` skips ids that already exist, including ones a concurrent
   * transaction has just committed. Returns the ids actually inserted.
   */
  async insertNew(
    ex: Executor,
    tenantId: string,
    tickets: NormalizedTicket[],
    at: Date,
    history: { actor: string; data: unknown },
  ): Promise<string[]> {
    const inserted: string[] = [];
    for (let i = 0; i < tickets.length; i += INSERT_CHUNK) {
      const records = JSON.stringify(tickets.slice(i, i + INSERT_CHUNK).map(recordOf));
      const { rows } = await sql<{ ticket_id: string }>`
        WITH input AS (
          SELECT * FROM json_to_recordset(${records}::json) AS x(
            ticket_id text, event_id text, show_pk text, ticket_option_id text, price_type_id text, buyer jsonb,
            buyer_email text, buyer_email_external text, price_minor bigint, currency text, access_type text,
            access_locator text, access_status text, primary_sale_buyer_data jsonb, nominal_ticket jsonb, props jsonb,
            primary_sales_fee jsonb, order_id text, tags text[], content_hash text)
        ), created AS (
          INSERT INTO tickets (tenant_id, ticket_id, event_id, show_pk, ticket_option_id, price_type_id, status, buyer, buyer_email,
            buyer_email_external, price_minor, currency, access_type, access_locator, access_status, primary_sale_buyer_data,
            nominal_ticket, props, primary_sales_fee, order_id, tags, content_hash, created_at, updated_at)
          SELECT ${tenantId}::text, ticket_id, event_id, show_pk, ticket_option_id, price_type_id, 'VALID', buyer, buyer_email,
            buyer_email_external, price_minor, currency, access_type, access_locator, access_status, primary_sale_buyer_data,
            nominal_ticket, props, primary_sales_fee, order_id, tags, content_hash, ${at}::timestamptz, ${at}::timestamptz
          FROM input
          ON CONFLICT (tenant_id, ticket_id) DO NOTHING
          RETURNING ticket_id
        ), history AS (
          INSERT INTO ticket_history (tenant_id, ticket_id, at, kind, actor, data)
          SELECT ${tenantId}::text, ticket_id, ${at}::timestamptz, 'CREATED', ${history.actor}::text, ${JSON.stringify(history.data)}::jsonb FROM created
        )
        SELECT ticket_id FROM created`.execute(ex);
      for (const r of rows) inserted.push(r.ticket_id);
    }
    return inserted;
  },

  async findExisting(ex: Executor, tenantId: string, ticketIds: string[]): Promise<{ ticket_id: string; content_hash: string; status: TicketStatus }[]> {
    if (ticketIds.length === 0) return [];
    return ex
      .selectFrom('tickets')
      .select(['ticket_id', 'content_hash', 'status'])
      .where('tenant_id', '=', tenantId)
      .where('ticket_id', '=', (eb) => eb.fn.any(eb.val(ticketIds)))
      .execute();
  },

  async findTicket(ex: Executor, tenantId: string, ticketId: string): Promise<TicketRow | undefined> {
    return ex.selectFrom('tickets').selectAll().where('tenant_id', '=', tenantId).where('ticket_id', '=', ticketId).executeTakeFirst();
  },

  /** Locks the ticket for the rest of the transaction: PUT, DELETE and admission of one ticket serialise. */
  async lockTicket(ex: Executor, tenantId: string, ticketId: string): Promise<TicketRow | undefined> {
    return ex
      .selectFrom('tickets')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('ticket_id', '=', ticketId)
      .forUpdate()
      .executeTakeFirst();
  },

  async updateTicket(ex: Executor, tenantId: string, ticketId: string, set: Updateable<TicketsTable>): Promise<TicketRow> {
    return ex
      .updateTable('tickets')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('ticket_id', '=', ticketId)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /**
   * Cancels the live tickets of the shows (one UPDATE) and writes their CANCELLED history rows
   * (INSERT … SELECT from the UPDATE's RETURNING): two statements' work in one round trip, however
   * many tickets the shows have.
   */
  async cancelTicketsOfShows(
    ex: Executor,
    tenantId: string,
    showPks: string[],
    from: TicketStatus[],
    reason: string,
    actor: string,
    at: Date,
  ): Promise<number> {
    if (showPks.length === 0 || from.length === 0) return 0;
    const { rows } = await sql<{ n: number }>`
      WITH cancelled AS (
        UPDATE tickets SET status = 'CANCELLED', status_reason = ${reason}::text, updated_at = ${at}::timestamptz
        WHERE tenant_id = ${tenantId} AND show_pk = ANY(${showPks}::text[]) AND status = ANY(${from}::text[])
        RETURNING ticket_id
      ), history AS (
        INSERT INTO ticket_history (tenant_id, ticket_id, at, kind, actor, data)
        SELECT ${tenantId}::text, ticket_id, ${at}::timestamptz, 'CANCELLED', ${actor}::text, ${JSON.stringify({ reason })}::jsonb FROM cancelled
      )
      SELECT count(*)::int AS n FROM cancelled`.execute(ex);
    return rows[0]?.n ?? 0;
  },

  async findAdmission(ex: Executor, tenantId: string, ticketId: string): Promise<AdmissionRow | undefined> {
    return ex.selectFrom('admissions').selectAll().where('tenant_id', '=', tenantId).where('ticket_id', '=', ticketId).executeTakeFirst();
  },
};
