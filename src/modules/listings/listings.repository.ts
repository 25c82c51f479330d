import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/tx.js';
import type { ListingStatus, ListingsTable, ListingTicketsTable } from './listings.tables.js';

export type ListingRow = Selectable<ListingsTable>;
export type ListingTicketRow = Selectable<ListingTicketsTable>;

/** An open listing: ACTIVE, or RESERVED (held); whether the hold has run out is a separate question. */
const OPEN: ListingStatus[] = ['ACTIVE', 'RESERVED'];

/** One (show, ticket option) of the market depth read. Money in minor units of `currency`. */
export interface DepthRow {
  show_pk: string;
  ticket_option_id: string;
  listings: number;
  tickets: number;
  held: number;
  min_ask: number | null;
  max_ask: number | null;
  median_ask: number | null;
  /** What a ticket costs the buyer (price + buyer fee), lowest and highest. */
  min_total: number | null;
  max_total: number | null;
  sold_recently: number;
  median_seconds_to_sell: number | null;
  currency: string;
}

/** Listings a buyer can take now in one (show, ticket option, price type); all-in prices in minor units. */
export interface AskRangeRow {
  show_pk: string;
  ticket_option_id: string;
  price_type_id: string | null;
  listings: number;
  min_total: number;
  max_total: number;
}

export const listingsRepository = {
  async insertListing(tx: Tx, row: Insertable<ListingsTable>, tickets: Insertable<ListingTicketsTable>[]): Promise<void> {
    await tx.insertInto('listings').values(row).execute();
    await tx.insertInto('listing_tickets').values(tickets).execute();
  },

  async findListing(ex: Executor, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<ListingRow | undefined> {
    let q = ex.selectFrom('listings').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    if (opts.lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  /** The ticket's newest listing in any status (optionally that seller's); undefined when it never was listed. */
  async findNewestListingOfTicket(ex: Executor, tenantId: string, ticketId: string, sellerEmail?: string): Promise<ListingRow | undefined> {
    let q = ex
      .selectFrom('listing_tickets as lt')
      .innerJoin('listings as l', (j) => j.onRef('l.tenant_id', '=', 'lt.tenant_id').onRef('l.id', '=', 'lt.listing_id'))
      .selectAll('l')
      .where('lt.tenant_id', '=', tenantId)
      .where('lt.ticket_id', '=', ticketId);
    if (sellerEmail !== undefined) q = q.where('l.seller_email', '=', sellerEmail);
    return q.orderBy('lt.open', 'desc').orderBy('l.created_at', 'desc').orderBy('l.id', 'desc').limit(1).executeTakeFirst();
  },

  /**
   * For a seller's view of tickets (the Smart Access Layer's sell mode), in one read: each ticket's
   * open listing (whoever listed it; the caller knows who owns the ticket), and the SOLD listings
   * of it by `sellerEmail`, newest first.
   */
  async sellerListingsOfTickets(ex: Executor, tenantId: string, ticketIds: readonly string[], sellerEmail: string): Promise<(ListingRow & { ticket_id: string; open: boolean })[]> {
    if (ticketIds.length === 0) return [];
    return ex
      .selectFrom('listing_tickets as lt')
      .innerJoin('listings as l', (j) => j.onRef('l.tenant_id', '=', 'lt.tenant_id').onRef('l.id', '=', 'lt.listing_id'))
      .selectAll('l')
      .select(['lt.ticket_id', 'lt.open'])
      .where('lt.tenant_id', '=', tenantId)
      .where('lt.ticket_id', '=', (eb) => eb.fn.any(eb.val(ticketIds)))
      .where((eb) => eb.or([eb('lt.open', '=', true), eb.and([eb('l.status', '=', 'SOLD'), eb('l.seller_email', '=', sellerEmail)])]))
      .orderBy('l.created_at', 'desc')
      .orderBy('l.id', 'desc')
      .execute();
  },

  /** How many tickets `sellerEmail` has on sale (listed or held) per show. */
  async listedTicketsOfSeller(ex: Executor, tenantId: string, sellerEmail: string, showPks: readonly string[]): Promise<{ show_pk: string; tickets: number }[]> {
    if (showPks.length === 0) return [];
    return ex
      .selectFrom('listings')
      .select(['show_pk', (eb) => eb.fn.sum<number>('quantity').as('tickets')])
      .where('tenant_id', '=', tenantId)
      .where('show_pk', '=', (eb) => eb.fn.any(eb.val(showPks)))
      .where('status', 'in', OPEN)
      .where('seller_email', '=', sellerEmail)
      .groupBy('show_pk')
      .execute();
  },

  async ticketsOf(ex: Executor, tenantId: string, listingIds: readonly string[]): Promise<ListingTicketRow[]> {
    if (listingIds.length === 0) return [];
    return ex
      .selectFrom('listing_tickets')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('listing_id', 'in', listingIds)
      .orderBy('listing_id')
      .orderBy('ticket_id')
      .execute();
  },

  async updatePrice(tx: Tx, tenantId: string, id: string, money: { priceMinor: number; buyerFeeMinor: number; sellerFeeMinor: number }, now: Date): Promise<ListingRow> {
    return tx
      .updateTable('listings')
      .set({ price_minor: money.priceMinor, buyer_fee_minor: money.buyerFeeMinor, seller_fee_minor: money.sellerFeeMinor, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** Open listings holding any of these tickets, row-locked in id order. */
  async lockOpenListingsOfTickets(tx: Tx, tenantId: string, ticketIds: readonly string[]): Promise<ListingRow[]> {
    if (ticketIds.length === 0) return [];
    return tx
      .selectFrom('listings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('status', 'in', OPEN)
      .where('id', 'in', (eb) =>
        eb.selectFrom('listing_tickets').select('listing_id').where('tenant_id', '=', tenantId).where('ticket_id', 'in', ticketIds).where('open', '=', true),
      )
      .orderBy('id')
      .forUpdate()
      .execute();
  },

  /** Open listings of these shows, row-locked in id order. */
  async lockOpenListingsOfShows(tx: Tx, tenantId: string, showPks: readonly string[]): Promise<ListingRow[]> {
    if (showPks.length === 0) return [];
    return tx.selectFrom('listings').selectAll().where('tenant_id', '=', tenantId).where('show_pk', 'in', showPks).where('status', 'in', OPEN).orderBy('id').forUpdate().execute();
  },

  /** Listings row-locked in id order (the one lock order of the marketplace: no deadlocks between buyers). */
  /**
   * Market depth per (show, ticket option) in one grouped read: the asks a buyer can take now (ACTIVE,
   * or held past the hold), the live holds, and the SOLD listings (a SOLD listing's updated_at is when
   * it sold: SOLD is final).
   */
  async depth(ex: Executor, tenantId: string, showPks: readonly string[], now: Date, since: Date): Promise<DepthRow[]> {
    if (showPks.length === 0) return [];
    const result = await sql<DepthRow>`
      SELECT show_pk, ticket_option_id,
        count(*) FILTER (WHERE (status = 'ACTIVE' OR (status = 'RESERVED' AND hold_expires_at <= ${now})))::int AS listings,
        coalesce(sum(quantity) FILTER (WHERE (status = 'ACTIVE' OR (status = 'RESERVED' AND hold_expires_at <= ${now}))), 0)::int AS tickets,
        count(*) FILTER (WHERE status = 'RESERVED' AND hold_expires_at > ${now})::int AS held,
        min(price_minor) FILTER (WHERE (status = 'ACTIVE' OR (status = 'RESERVED' AND hold_expires_at <= ${now}))) AS min_ask,
        max(price_minor) FILTER (WHERE (status = 'ACTIVE' OR (status = 'RESERVED' AND hold_expires_at <= ${now}))) AS max_ask,
        min(price_minor + buyer_fee_minor) FILTER (WHERE (status = 'ACTIVE' OR (status = 'RESERVED' AND hold_expires_at <= ${now}))) AS min_total,
        max(price_minor + buyer_fee_minor) FILTER (WHERE (status = 'ACTIVE' OR (status = 'RESERVED' AND hold_expires_at <= ${now}))) AS max_total,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY price_minor) FILTER (WHERE (status = 'ACTIVE' OR (status = 'RESERVED' AND hold_expires_at <= ${now}))) AS median_ask,
        coalesce(sum(quantity) FILTER (WHERE status = 'SOLD' AND updated_at >= ${since}), 0)::int AS sold_recently,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at)) FILTER (WHERE status = 'SOLD') AS median_seconds_to_sell,
        min(currency) AS currency
      FROM listings
      WHERE tenant_id = ${tenantId} AND show_pk = ANY(${showPks}::text[])
      GROUP BY show_pk, ticket_option_id`.execute(ex);
    return result.rows;
  },

  /**
   * What a buyer can take now per (show, ticket option, price type): listings on sale (ACTIVE, or
   * held past the hold) and their lowest and highest all-in price. The Smart Access Layer's buy
   * mode; lighter than `depth`, which a buy page does not need.
   */
  async askRanges(ex: Executor, tenantId: string, showPks: readonly string[], now: Date): Promise<AskRangeRow[]> {
    if (showPks.length === 0) return [];
    const result = await sql<AskRangeRow>`
      SELECT show_pk, ticket_option_id, price_type_id, count(*)::int AS listings,
        min(price_minor + buyer_fee_minor)::bigint AS min_total, max(price_minor + buyer_fee_minor)::bigint AS max_total
      FROM listings
      WHERE tenant_id = ${tenantId} AND show_pk = ANY(${showPks}::text[])
        AND (status = 'ACTIVE' OR (status = 'RESERVED' AND hold_expires_at <= ${now}))
      GROUP BY show_pk, ticket_option_id, price_type_id`.execute(ex);
    return result.rows.map((r) => ({ ...r, min_total: Number(r.min_total), max_total: Number(r.max_total) }));
  },

  async findMany(ex: Executor, tenantId: string, ids: readonly string[]): Promise<ListingRow[]> {
    if (ids.length === 0) return [];
    return ex.selectFrom('listings').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
  },

  async lockListings(tx: Tx, tenantId: string, ids: readonly string[]): Promise<ListingRow[]> {
    if (ids.length === 0) return [];
    return tx.selectFrom('listings').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).orderBy('id').forUpdate().execute();
  },

  /** SOLD or TERMINATED: the listing closes and its tickets may be listed again (by their new owner). */
  async closeListings(tx: Tx, tenantId: string, ids: readonly string[], to: 'SOLD' | 'TERMINATED', reason: string | null, orderId: string | null, now: Date): Promise<ListingRow[]> {
    if (ids.length === 0) return [];
    // One statement: the listings and their tickets' open flags change together.
    return tx
      .with('closed', (db) =>
        db
          .updateTable('listings')
          .set({ status: to, end_reason: reason, sold_order_id: orderId, hold_intention_id: null, hold_expires_at: null, updated_at: now })
          .where('tenant_id', '=', tenantId)
          .where('id', 'in', ids)
          .returningAll(),
      )
      .with('tickets_closed', (db) => db.updateTable('listing_tickets').set({ open: false }).where('tenant_id', '=', tenantId).where('listing_id', 'in', ids).where('open', '=', true))
      .selectFrom('closed')
      .selectAll()
      .execute();
  },

  /**
   * The reservation itself, as one conditional UPDATE: a listing is taken only if it is ACTIVE or its
   * hold has run out, so two buyers can never both get it (the second UPDATE re-checks the row after
   * the first commits). The caller compares the count with what it asked for. The hold lasts until
   * `until` (the tenant's hold time, read by the caller), and each row comes back with its tickets:
   * one round trip for the whole hold, the hot path of an on-sale race.
   */
  async holdListings(tx: Tx, tenantId: string, ids: readonly string[], intentionId: string, now: Date, until: Date): Promise<(ListingRow & { tickets: ListingTicketRow[] })[]> {
    const result = await sql<ListingRow & { tickets: { ticket_id: string; seat: unknown }[] }>`
      UPDATE listings l
      SET status = 'RESERVED', hold_intention_id = ${intentionId}, updated_at = ${now}, hold_expires_at = ${until}
      WHERE l.tenant_id = ${tenantId} AND l.id = ANY(${ids}::text[])
        AND (l.status = 'ACTIVE' OR (l.status = 'RESERVED' AND l.hold_expires_at <= ${now}))
      RETURNING l.*, (
        SELECT coalesce(json_agg(json_build_object('ticket_id', lt.ticket_id, 'seat', lt.seat) ORDER BY lt.ticket_id), '[]')
        FROM listing_tickets lt WHERE lt.tenant_id = l.tenant_id AND lt.listing_id = l.id
      ) AS tickets`.execute(tx);
    return result.rows.map(({ tickets, ...l }) => ({
      ...l,
      tickets: tickets.map((t) => ({ tenant_id: tenantId, listing_id: l.id, ticket_id: t.ticket_id, open: true, face_value_minor: null, seat: t.seat })),
    }));
  },

  /** The status and hold of these listings (those of the tenant that exist), for the buyers' availability check. */
  async availability(ex: Executor, tenantId: string, ids: readonly string[]): Promise<Pick<ListingRow, 'id' | 'status' | 'hold_expires_at'>[]> {
    return ex.selectFrom('listings').select(['id', 'status', 'hold_expires_at']).where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
  },

  /** Gives back the listings an intention still holds (after a refund, a cancellation). */
  async releaseHoldsOf(tx: Tx, tenantId: string, intentionId: string, now: Date): Promise<ListingRow[]> {
    return tx
      .updateTable('listings')
      .set({ status: 'ACTIVE', hold_intention_id: null, hold_expires_at: null, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'RESERVED')
      .where('hold_intention_id', '=', intentionId)
      .returningAll()
      .execute();
  },

  /** Expired holds, any tenant, back to ACTIVE; SKIP LOCKED so concurrent sweepers and buyers never wait on each other. */
  async releaseExpiredHolds(tx: Tx, now: Date, limit: number): Promise<ListingRow[]> {
    const result = await sql<ListingRow>`
      UPDATE listings l SET status = 'ACTIVE', hold_intention_id = NULL, hold_expires_at = NULL, updated_at = ${now}
      WHERE (l.tenant_id, l.id) IN (
        SELECT tenant_id, id FROM listings WHERE status = 'RESERVED' AND hold_expires_at <= ${now}
        ORDER BY hold_expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
      )
      RETURNING l.*`.execute(tx);
    return result.rows;
  },

  /** Listings a buyer can take now (ACTIVE or with an expired hold) of an event or one show, cheapest first, one page. */
  async browse(ex: Executor, q: { tenantId: string; eventId: string; showPk?: string; limit: number; offset: number; now: Date }): Promise<{ rows: ListingRow[]; total: number }> {
    let base = ex
      .selectFrom('listings')
      .where('tenant_id', '=', q.tenantId)
      .where('event_id', '=', q.eventId)
      .where('status', 'in', OPEN)
      .where((eb) => eb.or([eb('status', '=', 'ACTIVE'), eb('hold_expires_at', '<=', q.now)]));
    if (q.showPk !== undefined) base = base.where('show_pk', '=', q.showPk);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy(sql`price_minor + buyer_fee_minor`).orderBy('id').limit(q.limit).offset(q.offset).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  },
};
