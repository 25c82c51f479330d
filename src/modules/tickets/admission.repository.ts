import { sql } from 'kysely';
import type { Executor } from '../../db/tx.js';
import type { TicketStatus } from './tickets.tables.js';

export interface AdmissionTicketRow {
  ticket_id: string;
  status: TicketStatus;
  status_reason: string | null;
  access_locator: string;
  /** The recorded admission, if any. */
  entry_date: Date | null;
  /** True when this very statement admitted the ticket (the other columns are from before it). */
  admitted_now: boolean;
}

type StatementRow = { admitted_now: boolean; ticket_id: string; status: TicketStatus | null; status_reason: string | null; access_locator: string | null; entry_date: Date | null };

export interface AdmissionWrite {
  ticketId: string;
  /** ISO 8601 (UTC): stored in `admissions.entry_date` and written as is into the history row. */
  entryDate: string;
  locator: string | null;
}

export const admissionRepository = {
  /**
   * ONE statement, whatever the number of scans: it records the admissions asked for in `rows` and
   * reads the tickets named in `read` (with their recorded admission), so the common case (every
   * scan admissible) costs a single round trip and no separate read.
   *
   * - A ticket moves to USED only while it is still admissible (`admissible`, from the state machine)
   *   and still has the code the scan carries: a conditional UPDATE, so a concurrent delete,
   *   cancellation, code change or second scan is never overwritten. The UPDATE takes the row locks
   *   in ticketId order (primary-key order, and `rows` sorted by the caller), so two batches over the
   *   same tickets wait for each other instead of deadlocking.
   * - The admissions primary key (one admission per ticket) is the backstop: ON CONFLICT DO NOTHING.
   * - One ADMITTED history row per admission (`{entryDate, locator}`).
   * - The read sees the tickets as they were when the statement started (one snapshot for the whole
   *   statement); `admitted_now` marks those this statement admitted. A ticket that changed under a
   *   concurrent writer may read stale here: the caller decides again on a fresh read.
   */
  async admitAndRead(
    ex: Executor,
    input: {
      tenantId: string;
      rows: readonly AdmissionWrite[];
      read: readonly string[];
      admissible: readonly TicketStatus[];
      now: Date;
      actor: string;
      keyId: string | null;
    },
  ): Promise<AdmissionTicketRow[]> {
    const ids = input.rows.map((r) => r.ticketId);
    const dates = input.rows.map((r) => r.entryDate);
    const locators = input.rows.map((r) => r.locator);
    // Every step is linear in the number of scans whatever the planner estimates for the CTEs: the
    // tickets are found through their primary key (ANY), and the results come back as a UNION
    // rather than a join of CTEs (a nested loop over two CTE scans would be quadratic).
    const result = await sql<StatementRow>`
      WITH state AS (
        SELECT t.ticket_id, t.status, t.status_reason, t.access_locator, a.entry_date
        FROM tickets t
        LEFT JOIN admissions a ON a.tenant_id = t.tenant_id AND a.ticket_id = t.ticket_id
        WHERE t.tenant_id = ${input.tenantId} AND t.ticket_id = ANY(${input.read}::text[])
      ), scan AS (
        SELECT * FROM unnest(${ids}::text[], ${dates}::timestamptz[], ${locators}::text[]) AS s(ticket_id, entry_date, locator)
      ), moved AS (
        UPDATE tickets t SET status = 'USED', updated_at = ${input.now}
        FROM scan
        WHERE t.tenant_id = ${input.tenantId} AND t.ticket_id = ANY(${ids}::text[]) AND t.ticket_id = scan.ticket_id
          AND t.status = ANY(${input.admissible}::text[])
          AND (scan.locator IS NULL OR t.access_locator = scan.locator)
        RETURNING scan.ticket_id, scan.entry_date, scan.locator
      ), admitted AS (
        INSERT INTO admissions (tenant_id, ticket_id, entry_date, locator, admitted_at, actor_key_id)
        SELECT ${input.tenantId}, ticket_id, entry_date, locator, ${input.now}, ${input.keyId} FROM moved
        ON CONFLICT (tenant_id, ticket_id) DO NOTHING
        RETURNING ticket_id, entry_date, locator
      ), history AS (
        INSERT INTO ticket_history (tenant_id, ticket_id, at, kind, actor, data)
        SELECT ${input.tenantId}, ticket_id, ${input.now}, 'ADMITTED', ${input.actor},
               jsonb_strip_nulls(jsonb_build_object('entryDate', to_char(entry_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'locator', locator))
        FROM admitted
        ORDER BY ticket_id
      )
      SELECT false AS admitted_now, ticket_id, status, status_reason, access_locator, entry_date FROM state
      UNION ALL
      SELECT true, ticket_id, NULL, NULL, NULL, NULL FROM admitted
    `.execute(ex);
    const admitted = new Set(result.rows.filter((r) => r.admitted_now).map((r) => r.ticket_id));
    return result.rows
      .filter((r) => !r.admitted_now)
      .map((r) => ({
        ticket_id: r.ticket_id,
        status: r.status!,
        status_reason: r.status_reason,
        access_locator: r.access_locator!,
        entry_date: r.entry_date,
        admitted_now: admitted.has(r.ticket_id),
      }));
  },
};
