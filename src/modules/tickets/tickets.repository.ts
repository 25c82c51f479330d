import { sql, type Selectable, type Updateable } from 'kysely';
import { inLockOrder } from '../../db/locks.js';
import type { Executor } from '../../db/tx.js';
import type { NormalizedTicket } from './tickets.normalize.js';
import type { AdmissionsTable, TicketStatus, TicketsTable } from './tickets.tables.js';

export type TicketRow = Selectable<TicketsTable>;
export type AdmissionRow = Selectable<AdmissionsTable>;

const json = (v: unknown): string | null => (v === null ? null : JSON.stringify(v));

const NEEDS_ESCAPE = /[\\"]/;
const ESCAPE = /[\\"]/g;

/**
 * A PostgreSQL array literal (`{"a","b",NULL}`) built in one pass: the pg driver's own array
 * serialiser runs two regular-expression replacements per element, which showed up at ~5% of the
 * ingestion CPU profile.
 */
export function arrayLiteral(values: readonly (string | number | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) out += 'NULL';
    else {
      const text = typeof v === 'number' ? String(v) : v;
      out += `"${NEEDS_ESCAPE.test(text) ? text.replace(ESCAPE, '\\$&') : text}"`;
    }
  }
  return `${out}}`;
}

/** Column arrays for `unnest` (as array literals): one parameter per column, whatever the number of rows. */
function columnsOf(tickets: NormalizedTicket[]): string[] {
  const col = (f: (t: NormalizedTicket) => string | number | null): string => arrayLiteral(tickets.map(f));
  return [
    col((t) => t.ticketId),
    col((t) => t.eventId),
    col((t) => t.showPk),
    col((t) => t.ticketOptionId),
    col((t) => t.priceTypeId),
    col((t) => JSON.stringify(t.buyer)),
    col((t) => t.buyerEmail),
    col((t) => t.buyerEmailExternal),
    col((t) => t.priceMinor),
    col((t) => t.currency),
    col((t) => t.accessType),
    col((t) => t.accessLocator),
    col((t) => t.accessStatus),
    col((t) => json(t.primarySaleBuyerData)),
    col((t) => json(t.nominalTicket)),
    col((t) => json(t.props)),
    col((t) => json(t.primarySalesFee)),
    col((t) => t.orderId),
    // Rows' tag lists differ in length, which a 2-D array cannot hold: each travels as a JSON array.
    col((t) => (t.tags.length > 0 ? JSON.stringify(t.tags) : null)),
    col((t) => t.contentHash),
    col((t) => (t.accessUnlockAt === null ? null : t.accessUnlockAt.toISOString())),
  ];
}

/** Where a ticket sits in the catalogue (tickets.lookup.ts). */
const REF_COLUMNS = ['ticket_id', 'event_id', 'show_pk', 'ticket_option_id', 'order_id'] as const;
export type TicketRefRow = Pick<TicketRow, (typeof REF_COLUMNS)[number]>;

/** Tickets per INSERT statement: arrays have no bind-parameter limit, only the statement size bounds it. */
export const INSERT_CHUNK = 5000;

/**
 * The events' shared ticket-writer locks (one row per event, in lock order): the statement
 * lockEventsShared runs, and a part of statements that must hold the locks before they write.
 */
export function sharedEventLocks(tenantId: string, externalReferenceIds: readonly string[]) {
  return sql`SELECT pg_advisory_xact_lock_shared(hashtext(${tenantId}), hashtext(r)) FROM unnest(${inLockOrder(externalReferenceIds)}::text[]) AS r`;
}

export const ticketsRepository = {
  /**
   * Takes a shared lock per event for the rest of the transaction. Ticket writers share it; event
   * cancellation takes it exclusively (lockEventForCancellation), so no ticket can be written into
   * a show between the moment cancellation reads its tickets and its commit — and a writer that
   * waited sees the show cancelled when it reads the catalogue afterwards.
   */
  async lockEventsShared(ex: Executor, tenantId: string, externalReferenceIds: string[]): Promise<void> {
    if (externalReferenceIds.length === 0) return;
    await sharedEventLocks(tenantId, externalReferenceIds).execute(ex);
  },

  async lockEventExclusive(ex: Executor, tenantId: string, externalReferenceId: string): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${tenantId}), hashtext(${externalReferenceId}))`.execute(ex);
  },

  /**
   * Inserts the tickets that do not exist yet and their CREATED history rows, in ONE statement per
   * chunk: each column travels as one array (`unnest`), so the statement is the same whatever the
   * number of rows, and `ON CONFLICT DO NOTHING` skips ids that already exist, including ones a
   * concurrent transaction has just committed. Returns the ids actually inserted.
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
      const c = columnsOf(tickets.slice(i, i + INSERT_CHUNK));
      const { rows } = await sql<{ ticket_id: string }>`
        WITH created AS (
          INSERT INTO tickets (tenant_id, ticket_id, event_id, show_pk, ticket_option_id, price_type_id, status, buyer, buyer_email,
            buyer_email_external, price_minor, currency, access_type, access_locator, access_status, primary_sale_buyer_data,
            nominal_ticket, props, primary_sales_fee, order_id, tags, content_hash, access_unlock_at, created_at, updated_at)
          SELECT ${tenantId}::text, ticket_id, event_id, show_pk, ticket_option_id, price_type_id, 'VALID', buyer, buyer_email,
            buyer_email_external, price_minor, currency, access_type, access_locator, access_status, primary_sale_buyer_data,
            nominal_ticket, props, primary_sales_fee, order_id,
            CASE WHEN tags IS NULL THEN '{}'::text[] ELSE ARRAY(SELECT jsonb_array_elements_text(tags)) END,
            content_hash, access_unlock_at, ${at}::timestamptz, ${at}::timestamptz
          FROM unnest(${c[0]}::text[], ${c[1]}::text[], ${c[2]}::text[], ${c[3]}::text[], ${c[4]}::text[], ${c[5]}::jsonb[], ${c[6]}::text[],
            ${c[7]}::text[], ${c[8]}::bigint[], ${c[9]}::text[], ${c[10]}::text[], ${c[11]}::text[], ${c[12]}::text[], ${c[13]}::jsonb[],
            ${c[14]}::jsonb[], ${c[15]}::jsonb[], ${c[16]}::jsonb[], ${c[17]}::text[], ${c[18]}::jsonb[], ${c[19]}::text[], ${c[20]}::timestamptz[])
            AS x(ticket_id, event_id, show_pk, ticket_option_id, price_type_id, buyer, buyer_email, buyer_email_external, price_minor,
              currency, access_type, access_locator, access_status, primary_sale_buyer_data, nominal_ticket, props, primary_sales_fee,
              order_id, tags, content_hash, access_unlock_at)
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

  /** The tickets a purchase intent issued (`${intentId}-n`, order = the intent), in issue order. */
  async ticketsIssuedByIntent(ex: Executor, tenantId: string, intentId: string) {
    return ex
      .selectFrom('tickets')
      .select(['ticket_id', 'ticket_option_id', 'status', 'price_minor', 'currency', 'access_locator', 'access_status', 'props', 'created_at', 'updated_at'])
      .where('tenant_id', '=', tenantId)
      .where('order_id', '=', intentId)
      .where('ticket_id', 'like', `${intentId}-%`)
      .orderBy('created_at')
      .orderBy('ticket_id')
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

  async findRef(ex: Executor, tenantId: string, ticketId: string): Promise<TicketRefRow | undefined> {
    return ex.selectFrom('tickets').select(REF_COLUMNS).where('tenant_id', '=', tenantId).where('ticket_id', '=', ticketId).executeTakeFirst();
  },

  /** In ticket_id order. */
  async refsOfOrder(ex: Executor, tenantId: string, orderId: string): Promise<TicketRefRow[]> {
    return ex.selectFrom('tickets').select(REF_COLUMNS).where('tenant_id', '=', tenantId).where('order_id', '=', orderId).orderBy('ticket_id').execute();
  },

  /** Tickets of the option in the show whose status is not one of `gone`. */
  async countOfOptionExcept(ex: Executor, tenantId: string, showPk: string, ticketOptionId: string, gone: readonly TicketStatus[]): Promise<number> {
    const row = await ex
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('show_pk', '=', showPk)
      .where('ticket_option_id', '=', ticketOptionId)
      .where('status', 'not in', gone)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },
};
