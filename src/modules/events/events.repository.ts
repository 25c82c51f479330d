import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../db/tx.js';
import type { EventsTable, PriceCombinationsTable, PriceTypesTable, ShowsTable, TicketOptionsTable } from './events.tables.js';

export type EventRow = Selectable<EventsTable>;
export type ShowRow = Selectable<ShowsTable>;
export type TicketOptionRow = Selectable<TicketOptionsTable>;
export type PriceTypeRow = Selectable<PriceTypesTable>;
export type CombinationRow = Selectable<PriceCombinationsTable>;

export interface EventTree {
  shows: ShowRow[];
  ticketOptions: TicketOptionRow[];
  priceTypes: PriceTypeRow[];
  combinations: CombinationRow[];
}

// Multi-row statements stay well below PostgreSQL's 65535 bind parameters.
const CHUNK = 500;
function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

export const eventsRepository = {

  /**
   * Locks the events (sorted by id, so two writers touching the same events never deadlock) for the
   * rest of the transaction. Every writer of an event's tree takes this lock first.
   */
  async lockEventsByRefs(ex: Executor, tenantId: string, externalReferenceIds: string[]): Promise<EventRow[]> {
    if (externalReferenceIds.length === 0) return [];
    return ex
      .selectFrom('events')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('external_reference_id', 'in', externalReferenceIds)
      .orderBy('id')
      .forUpdate()
      .execute();
  },

  /**
   * A new event and its whole catalogue in ONE statement (issue 13): each table's rows arrive as one
   * JSON array parameter, expanded by jsonb_populate_recordset into that table's row type. The
   * foreign keys between them are checked at the end of the statement, when every row is there.
   * One round trip whatever the catalogue's size, and no multi-row VALUES list near the bind limit.
   * Every column comes from the row given (a key it lacks is NULL, not the column's default), so a
   * column added to these tables must be added to the rows planTree and createEvent build.
   */
  async insertEventWithTree(ex: Executor, event: Insertable<EventsTable>, tree: EventTree): Promise<EventRow> {
    const rows = (list: readonly unknown[]) => JSON.stringify(list);
    const { rows: written } = await sql<EventRow>`
      WITH s AS (
        INSERT INTO shows SELECT * FROM jsonb_populate_recordset(NULL::shows, ${rows(tree.shows)}::jsonb)
      ), o AS (
        INSERT INTO ticket_options SELECT * FROM jsonb_populate_recordset(NULL::ticket_options, ${rows(tree.ticketOptions)}::jsonb)
      ), p AS (
        INSERT INTO price_types SELECT * FROM jsonb_populate_recordset(NULL::price_types, ${rows(tree.priceTypes)}::jsonb)
      ), c AS (
        INSERT INTO price_combinations SELECT * FROM jsonb_populate_recordset(NULL::price_combinations, ${rows(tree.combinations)}::jsonb)
      )
      INSERT INTO events SELECT * FROM jsonb_populate_record(NULL::events, ${JSON.stringify(event)}::jsonb)
      RETURNING *`.execute(ex);
    return written[0]!;
  },

  async updateEvent(
    ex: Executor,
    tenantId: string,
    id: string,
    set: Partial<Pick<Insertable<EventsTable>, 'title' | 'description' | 'location' | 'configuration' | 'producers' | 'seating' | 'status' | 'cancelled_at' | 'updated_at'>>,
  ): Promise<EventRow> {
    return ex.updateTable('events').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },

  async listEvents(ex: Executor, tenantId: string, page: { limit: number; offset: number }, status?: EventRow['status']) {
    let q = ex.selectFrom('events').where('tenant_id', '=', tenantId);
    if (status) q = q.where('status', '=', status);
    const [rows, total] = await Promise.all([
      q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(total.n) };
  },

  /** Shows, ticket options, price types and combinations of the events: one query per table. */
  async loadTree(ex: Executor, tenantId: string, eventIds: string[]): Promise<EventTree> {
    if (eventIds.length === 0) return { shows: [], ticketOptions: [], priceTypes: [], combinations: [] };
    const [shows, ticketOptions, priceTypes, combinations] = await Promise.all([
      ex.selectFrom('shows').selectAll().where('tenant_id', '=', tenantId).where('event_id', 'in', eventIds).orderBy('position').execute(),
      ex
        .selectFrom('ticket_options as o')
        .innerJoin('shows as s', (j) => j.onRef('s.tenant_id', '=', 'o.tenant_id').onRef('s.id', '=', 'o.show_pk'))
        .selectAll('o')
        .where('s.tenant_id', '=', tenantId)
        .where('s.event_id', 'in', eventIds)
        .orderBy('o.position')
        .execute(),
      ex
        .selectFrom('price_types as p')
        .innerJoin('shows as s', (j) => j.onRef('s.tenant_id', '=', 'p.tenant_id').onRef('s.id', '=', 'p.show_pk'))
        .selectAll('p')
        .where('s.tenant_id', '=', tenantId)
        .where('s.event_id', 'in', eventIds)
        .orderBy('p.position')
        .execute(),
      ex
        .selectFrom('price_combinations as c')
        .innerJoin('shows as s', (j) => j.onRef('s.tenant_id', '=', 'c.tenant_id').onRef('s.id', '=', 'c.show_pk'))
        .selectAll('c')
        .where('s.tenant_id', '=', tenantId)
        .where('s.event_id', 'in', eventIds)
        .orderBy('c.ticket_option_id')
        .orderBy('c.price_type_id')
        .execute(),
    ]);
    return { shows, ticketOptions, priceTypes, combinations };
  },

  /** The named-ticket policy of an event (`configuration.policy`), in one indexed read. */
  async findEventPolicy(ex: Executor, tenantId: string, id: string): Promise<string | undefined> {
    const row = await ex
      .selectFrom('events')
      .select(sql<string | null>`configuration->>'policy'`.as('policy'))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? (row.policy ?? 'NONE') : undefined;
  },

  async findShowById(ex: Executor, tenantId: string, showPk: string): Promise<ShowRow | undefined> {
    return ex.selectFrom('shows').selectAll().where('tenant_id', '=', tenantId).where('id', '=', showPk).executeTakeFirst();
  },

  /** Fails with a foreign-key violation (23503) when a show's ticket options already have tickets. */
  async deleteShows(ex: Executor, tenantId: string, showPks: string[]): Promise<void> {
    if (showPks.length > 0) await ex.deleteFrom('shows').where('tenant_id', '=', tenantId).where('id', 'in', showPks).execute();
  },

  /** Inserts new shows and rewrites the details of existing ones; status is left to the cancellation path. */
  async upsertShows(ex: Executor, rows: Insertable<ShowsTable>[]): Promise<ShowRow[]> {
    const out: ShowRow[] = [];
    for (const part of chunks(rows)) {
      const written = await ex
        .insertInto('shows')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'id']).doUpdateSet((eb) => ({
            position: eb.ref('excluded.position'),
            title: eb.ref('excluded.title'),
            description: eb.ref('excluded.description'),
            date_text: eb.ref('excluded.date_text'),
            starts_at: eb.ref('excluded.starts_at'),
            end_date_text: eb.ref('excluded.end_date_text'),
            ends_at: eb.ref('excluded.ends_at'),
            primary_sales_url: eb.ref('excluded.primary_sales_url'),
            images: eb.ref('excluded.images'),
          })),
        )
        .returningAll()
        .execute();
      out.push(...written);
    }
    return out;
  },

  async setShowsCancelled(ex: Executor, tenantId: string, showPks: string[], at: Date): Promise<void> {
    if (showPks.length === 0) return;
    await ex
      .updateTable('shows')
      .set({ status: 'CANCELLED', cancelled_at: at })
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', showPks)
      .where('status', '=', 'LIVE')
      .execute();
  },

  /** Fails with a foreign-key violation (23503) when one of the options already has tickets. */
  async deleteTicketOptions(ex: Executor, tenantId: string, keys: { showPk: string; id: string }[]): Promise<void> {
    for (const part of chunks(keys)) {
      await ex
        .deleteFrom('ticket_options')
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb(eb.refTuple('show_pk', 'ticket_option_id'), 'in', part.map((k) => eb.tuple(k.showPk, k.id))))
        .execute();
    }
  },

  async upsertTicketOptions(ex: Executor, rows: Insertable<TicketOptionsTable>[]): Promise<TicketOptionRow[]> {
    const out: TicketOptionRow[] = [];
    for (const part of chunks(rows)) {
      const written = await ex
        .insertInto('ticket_options')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'show_pk', 'ticket_option_id']).doUpdateSet((eb) => ({
            position: eb.ref('excluded.position'),
            title: eb.ref('excluded.title'),
            description: eb.ref('excluded.description'),
            price_minor: eb.ref('excluded.price_minor'),
            currency: eb.ref('excluded.currency'),
            capacity: eb.ref('excluded.capacity'),
            zone_id: eb.ref('excluded.zone_id'),
          })),
        )
        .returningAll()
        .execute();
      out.push(...written);
    }
    return out;
  },

  async deletePriceTypes(ex: Executor, tenantId: string, keys: { showPk: string; id: string }[]): Promise<void> {
    for (const part of chunks(keys)) {
      await ex
        .deleteFrom('price_types')
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb(eb.refTuple('show_pk', 'price_type_id'), 'in', part.map((k) => eb.tuple(k.showPk, k.id))))
        .execute();
    }
  },

  async upsertPriceTypes(ex: Executor, rows: Insertable<PriceTypesTable>[]): Promise<PriceTypeRow[]> {
    const out: PriceTypeRow[] = [];
    for (const part of chunks(rows)) {
      const written = await ex
        .insertInto('price_types')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'show_pk', 'price_type_id']).doUpdateSet((eb) => ({
            position: eb.ref('excluded.position'),
            title: eb.ref('excluded.title'),
            price_minor: eb.ref('excluded.price_minor'),
          })),
        )
        .returningAll()
        .execute();
      out.push(...written);
    }
    return out;
  },

  /** Combinations are plain data (nothing references them), so a PUT rewrites them wholesale. */
  async replaceCombinations(ex: Executor, tenantId: string, showPks: string[], rows: Insertable<PriceCombinationsTable>[]): Promise<CombinationRow[]> {
    if (showPks.length > 0) {
      await ex.deleteFrom('price_combinations').where('tenant_id', '=', tenantId).where('show_pk', 'in', showPks).execute();
    }
    const out: CombinationRow[] = [];
    for (const part of chunks(rows)) out.push(...(await ex.insertInto('price_combinations').values(part).returningAll().execute()));
    return out;
  },
};
