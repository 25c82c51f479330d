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
    // The statement lives in the function admit_tickets (migration 0006-admission-function, where it
    // is documented): PL/pgSQL caches its plan per connection, where this data-modifying CTE sent as
    // an unnamed statement was planned again on every call (ADR 0007).
    const result = await sql<StatementRow>`
      SELECT * FROM admit_tickets(
        ${input.tenantId}, ${ids}::text[], ${dates}::timestamptz[], ${locators}::text[], ${input.read}::text[],
        ${input.admissible}::text[], ${input.now}::timestamptz, ${input.actor}, ${input.keyId}::text
      )
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

  /** The codes resales replaced, for the tickets that have any: asked only after a code mismatch. */
  async findSupersededLocators(ex: Executor, tenantId: string, ticketIds: readonly string[]): Promise<Map<string, string[]>> {
    if (ticketIds.length === 0) return new Map();
    const rows = await ex
      .selectFrom('tickets')
      .select(['ticket_id', 'superseded_locators'])
      .where('tenant_id', '=', tenantId)
      .where('ticket_id', '=', (eb) => eb.fn.any(eb.val([...ticketIds])))
      .where(sql<boolean>`cardinality(superseded_locators) > 0`)
      .execute();
    return new Map(rows.map((r) => [r.ticket_id, r.superseded_locators]));
  },
};
