import { sql, type Kysely } from 'kysely';

/**
 * Every statement in the capacity counters' functions (migration 0029, ADR 0021) reads or writes by
 * key: one option's tickets and holding lines, one counter row. Inside a trigger the planner sees a
 * transition table it cannot size and the correlation as unknown parameters, and on a database
 * whose statistics have drifted it chose a sequential scan of `tickets` for a new ticket option's
 * count: 50 ms per event create at 1× volume, 4 event creates a second under load (issue 13, found
 * by the benchmark). The functions now run with sequential scans ruled out, so their plans use the
 * key indexes whatever the statistics say; transition tables and JSON inputs are not table scans and
 * are unaffected.
 */
const FUNCTIONS = [
  'purchase_intent_capacity_apply(jsonb)',
  'purchase_intent_capacity_of(text, text, text)',
  'purchase_intent_capacity_precheck(text, text, text[], int[], timestamptz, text)',
  'purchase_intent_capacity_flush()',
  'purchase_intent_capacity_tickets()',
  'purchase_intent_capacity_lines()',
  'purchase_intent_capacity_options()',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const fn of FUNCTIONS) await sql.raw(`ALTER FUNCTION ${fn} SET enable_seqscan = off`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const fn of FUNCTIONS) await sql.raw(`ALTER FUNCTION ${fn} RESET enable_seqscan`).execute(db);
}
