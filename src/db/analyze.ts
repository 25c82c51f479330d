import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';
import { withTx } from './tx.js';

/**
 * ANALYZE of the tables PostgreSQL has never analysed but that hold rows (issue 13, ADR 0020).
 *
 * Until a table has statistics the planner estimates it at ten pages whatever it holds, and a plan
 * made then (a foreign-key check's, a prepared statement's) is kept until something invalidates it.
 * Where autovacuum is off (CI's server, some managed set-ups) nothing ever does; elsewhere it comes
 * only after autovacuum's threshold. An ANALYZE gives the table statistics and invalidates the
 * plans made without them, so the next execution plans on what the table really holds.
 *
 * `reltuples < 0` is PostgreSQL's own "never analysed or vacuumed" mark; the relation size says
 * whether it holds anything (an empty table has no pages). Several `serve` processes may run this
 * at once: a transaction-scoped advisory lock lets one of them do it and the others skip, since two
 * concurrent ANALYZEs of one table can fail on the same statistics row.
 *
 * Answers the tables it analysed.
 */
export async function analyzeNeverAnalysedTables(db: Kysely<DB>): Promise<string[]> {
  return withTx(db, async (tx) => {
    const { rows: lock } = await sql<{ got: boolean }>`SELECT pg_try_advisory_xact_lock(hashtext('encore.analyze-never-analysed')) AS got`.execute(tx);
    if (!lock[0]?.got) return [];
    // Encore's tables and the job queue's (its own schema).
    const { rows } = await sql<{ name: string }>`
      SELECT n.nspname || '.' || c.relname AS name
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
         AND c.relkind = 'r'
         AND c.reltuples < 0
         AND pg_relation_size(c.oid) > 0
       ORDER BY 1`.execute(tx);
    for (const { name } of rows) await sql`ANALYZE ${sql.table(name)}`.execute(tx);
    return rows.map((r) => r.name);
  });
}
