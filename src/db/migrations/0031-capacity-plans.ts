import { sql, type Kysely } from 'kysely';

/**
 * The capacity counters' trigger on new ticket options (migration 0029, ADR 0021) counts the new
 * option's tickets and holding lines by key. Inside the trigger those keys are unknown parameters,
 * and where the statistics say one show holds every ticket (one big on-sale; the benchmark's
 * ingestion) the planner chose a sequential scan of `tickets` for that count: 50 ms per event
 * create at 1× volume, 4 event creates a second under load (issue 13, found by the benchmark). The
 * function now runs with sequential scans ruled out, so it uses the key indexes whatever the
 * statistics say; its transition table is not a table scan and is unaffected
 * (test/capacity-trigger-plans.test.ts). The counters' other functions join their transition
 * tables to the counter rows by key and were not seen to change plan; ruling scans out there too
 * cost the purchase-intent benchmark about 5 % for nothing measured, and would stop
 * `purchase_intent_capacity_of` (SQL) from being inlined.
 */
const FUNCTIONS = ['purchase_intent_capacity_options()'];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const fn of FUNCTIONS) await sql.raw(`ALTER FUNCTION ${fn} SET enable_seqscan = off`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const fn of FUNCTIONS) await sql.raw(`ALTER FUNCTION ${fn} RESET enable_seqscan`).execute(db);
}
