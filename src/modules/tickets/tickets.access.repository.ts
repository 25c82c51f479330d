import { sql } from 'kysely';
import type { Executor } from '../../db/tx.js';
import type { DueCell, ShieldCell } from '../ticket-shield/index.js';
import { arrayLiteral } from './tickets.repository.js';

/**
 * TICKET_SHIELD's writes to `tickets` (ADR 0009; the shield's decisions come from
 * modules/ticket-shield). A shield-locked ticket is one with `access_unlock_at` set: its stored
 * `access_status` is LOCKED whatever the integrator sent, and the unlock sweep opens it once that
 * time has passed. A ticket the integrator itself sent LOCKED never has the column set, so the
 * shield never opens a code the integrator closed.
 */

// Live tickets whose code the shield may hold; RESERVED ones are a purchase intent's and keep theirs.
const LOCKABLE = ['VALID', 'LISTED'];
const cellsOf = (cells: readonly ShieldCell[]) => ({
  shows: arrayLiteral(cells.map((c) => c.showPk)),
  options: arrayLiteral(cells.map((c) => c.ticketOptionId)),
  types: arrayLiteral(cells.map((c) => c.priceTypeId)),
  at: arrayLiteral(cells.map((c) => c.unlockAt.toISOString())),
});

export const accessRepository = {
  /**
   * Locks (or re-times) the live tickets of cells whose shield holds: UNLOCKED ones become LOCKED
   * until the cell's time, already shield-locked ones take the new time. Rows are locked in ticket id
   * order first (concurrent admissions and PUTs lock single tickets). ACCESS_LOCKED history rows for
   * the newly locked ones travel in the same statement. Returns the newly locked ids.
   */
  async lockCells(ex: Executor, tenantId: string, cells: readonly ShieldCell[], actor: string, at: Date): Promise<string[]> {
    if (cells.length === 0) return [];
    const c = cellsOf(cells);
    const { rows } = await sql<{ ticket_id: string }>`
      WITH cell AS (
        SELECT * FROM unnest(${c.shows}::text[], ${c.options}::text[], ${c.types}::text[], ${c.at}::timestamptz[]) AS x(show_pk, ticket_option_id, price_type_id, unlock_at)
      ), old AS (
        SELECT t.ticket_id, t.access_status AS was, x.unlock_at
        FROM tickets t JOIN cell x ON t.show_pk = x.show_pk AND t.ticket_option_id = x.ticket_option_id AND t.price_type_id IS NOT DISTINCT FROM x.price_type_id
        WHERE t.tenant_id = ${tenantId} AND t.status = ANY(${LOCKABLE}::text[])
          AND (t.access_unlock_at IS NOT NULL OR t.access_status = 'UNLOCKED')
          AND t.access_unlock_at IS DISTINCT FROM x.unlock_at
        ORDER BY t.ticket_id
        FOR UPDATE OF t
      ), locked AS (
        UPDATE tickets t SET access_status = 'LOCKED', access_unlock_at = old.unlock_at, updated_at = ${at}::timestamptz
        FROM old WHERE t.tenant_id = ${tenantId} AND t.ticket_id = old.ticket_id
        RETURNING t.ticket_id, old.was, old.unlock_at
      ), history AS (
        INSERT INTO ticket_history (tenant_id, ticket_id, at, kind, actor, data)
        SELECT ${tenantId}::text, ticket_id, ${at}::timestamptz, 'ACCESS_LOCKED', ${actor}::text,
          jsonb_build_object('reason', 'TICKET_SHIELD', 'unlocksAt', to_char(unlock_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        FROM locked WHERE was = 'UNLOCKED'
      )
      SELECT ticket_id FROM locked WHERE was = 'UNLOCKED'`.execute(ex);
    return rows.map((r) => r.ticket_id);
  },

  /**
   * Cells whose shield no longer holds (disabled, removed, or its time already passed): their
   * shield-locked tickets become due at `unlockAt` (if earlier than planned), so the unlock job
   * opens and announces them through its one path. Returns how many tickets became due.
   */
  async releaseCells(ex: Executor, tenantId: string, cells: readonly ShieldCell[], at: Date): Promise<number> {
    if (cells.length === 0) return 0;
    const c = cellsOf(cells);
    const result = await sql`
      UPDATE tickets t SET access_unlock_at = x.unlock_at, updated_at = ${at}::timestamptz
      FROM unnest(${c.shows}::text[], ${c.options}::text[], ${c.types}::text[], ${c.at}::timestamptz[]) AS x(show_pk, ticket_option_id, price_type_id, unlock_at)
      WHERE t.tenant_id = ${tenantId} AND t.show_pk = x.show_pk AND t.ticket_option_id = x.ticket_option_id
        AND t.price_type_id IS NOT DISTINCT FROM x.price_type_id AND t.access_unlock_at > x.unlock_at`.execute(ex);
    return Number(result.numAffectedRows ?? 0);
  },

  /** Across tenants (the job's sweep): cells with shield-locked tickets due by `now`, oldest first. */
  async findDueCells(ex: Executor, now: Date, limit: number): Promise<DueCell[]> {
    const { rows } = await sql<{ tenant_id: string; show_pk: string; ticket_option_id: string; price_type_id: string | null; unlock_at: Date; n: number }>`
      SELECT tenant_id, show_pk, ticket_option_id, price_type_id, access_unlock_at AS unlock_at, count(*)::int AS n
      FROM tickets WHERE access_unlock_at <= ${now}::timestamptz
      GROUP BY 1, 2, 3, 4, 5 ORDER BY unlock_at, tenant_id, show_pk LIMIT ${limit}`.execute(ex);
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      showPk: r.show_pk,
      ticketOptionId: r.ticket_option_id,
      priceTypeId: r.price_type_id,
      unlockAt: r.unlock_at,
      count: r.n,
    }));
  },

  /**
   * Opens the due shield-locked tickets of one show's cells: live ones become UNLOCKED with an
   * ACCESS_UNLOCKED history row; a ticket waiting for a resale's new code (`access_reissue_pending`)
   * or no longer live stays LOCKED but leaves the shield (it is no longer the shield's to open).
   * Rows are locked in id order first, and re-checked after any wait, so a concurrent run opens
   * nothing twice. Returns the ids opened.
   */
  async unlockDue(
    ex: Executor,
    tenantId: string,
    showPk: string,
    cells: readonly { ticketOptionId: string; priceTypeId: string | null }[],
    now: Date,
    actor: string,
    historyData: unknown,
  ): Promise<string[]> {
    if (cells.length === 0) return [];
    const options = arrayLiteral(cells.map((c) => c.ticketOptionId));
    const types = arrayLiteral(cells.map((c) => c.priceTypeId));
    const { rows } = await sql<{ ticket_id: string }>`
      WITH cell AS (
        SELECT * FROM unnest(${options}::text[], ${types}::text[]) AS x(ticket_option_id, price_type_id)
      ), due AS (
        SELECT t.ticket_id, (t.status = ANY(${LOCKABLE}::text[]) AND NOT t.access_reissue_pending) AS opens
        FROM tickets t JOIN cell x ON t.ticket_option_id = x.ticket_option_id AND t.price_type_id IS NOT DISTINCT FROM x.price_type_id
        WHERE t.tenant_id = ${tenantId} AND t.show_pk = ${showPk} AND t.access_unlock_at <= ${now}::timestamptz
        ORDER BY t.ticket_id
        FOR UPDATE OF t
      ), opened AS (
        UPDATE tickets t SET access_unlock_at = NULL,
          access_status = CASE WHEN due.opens THEN 'UNLOCKED' ELSE t.access_status END,
          updated_at = CASE WHEN due.opens THEN ${now}::timestamptz ELSE t.updated_at END
        FROM due WHERE t.tenant_id = ${tenantId} AND t.ticket_id = due.ticket_id
        RETURNING t.ticket_id, due.opens
      ), history AS (
        INSERT INTO ticket_history (tenant_id, ticket_id, at, kind, actor, data)
        SELECT ${tenantId}::text, ticket_id, ${now}::timestamptz, 'ACCESS_UNLOCKED', ${actor}::text, ${JSON.stringify(historyData)}::jsonb
        FROM opened WHERE opens
      )
      SELECT ticket_id FROM opened WHERE opens ORDER BY ticket_id`.execute(ex);
    return rows.map((r) => r.ticket_id);
  },
};
