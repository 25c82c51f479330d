import { sql, type RawBuilder } from 'kysely';
import type { DB } from './schema.js';
import type { Executor, Tx } from './executor.js';
import { rowsAsJson } from './json-rows.js';

/**
 * Writes a use case makes but never reads back (audit rows, webhook outbox rows) wait until just
 * before COMMIT and go to PostgreSQL in ONE statement, with every table's rows and the lookups they
 * need (issue 13). Each statement costs a round trip — a socket write and a wake-up of the server
 * process, the largest single cost of a request on a small machine — so a purchase that audits and
 * announces five changes pays one round trip for them instead of ten.
 *
 * Only transactions opened by `withTx` (db/tx.ts) collect: anywhere else `deferInsert` and
 * `deferLookup` answer false and the caller writes at once, so nothing is ever left unwritten. The
 * rows are checked by their constraints when the statement runs, still inside the transaction, so a
 * refused row rolls the whole use case back exactly as an immediate insert would.
 */

/** A read the flush makes in the same statement (its rows as JSON), then what to do with them. */
export interface PendingLookup {
  /** A SELECT whose rows hold only JSON-safe values (text, numbers, booleans): they travel as JSON. */
  query: RawBuilder<unknown>;
  /** Called with the rows after the statement; may defer more inserts (they go in a next statement). */
  apply(rows: Record<string, unknown>[]): void;
}

type Table = Extract<keyof DB, string>;
type Row = Record<string, unknown>;

interface Pending {
  inserts: Map<Table, Row[]>;
  lookups: Map<string, () => PendingLookup>;
}

const collecting = new WeakMap<object, Pending>();

/** Called by withTx for its transaction: from now on its deferred writes are collected. */
export function collectPendingWrites(tx: Tx): void {
  collecting.set(tx, { inserts: new Map(), lookups: new Map() });
}

/**
 * Queues a row for `table`, inserted before COMMIT. The row must name every column it sets (a column
 * it leaves out takes its default); values are JSON: Dates become ISO timestamps, and a json/jsonb
 * column takes the value itself (an object), not its JSON text. False when `ex` does not collect.
 */
export function deferInsert(ex: Executor, table: Table, row: Row): boolean {
  const pending = collecting.get(ex);
  if (!pending) return false;
  const rows = pending.inserts.get(table);
  if (rows) rows.push(row);
  else pending.inserts.set(table, [row]);
  return true;
}

/**
 * Registers a lookup under `key`, built when the transaction flushes (so it sees everything queued
 * by then). A key registered twice keeps its first builder. False when `ex` does not collect.
 */
export function deferLookup(ex: Executor, key: string, build: () => PendingLookup): boolean {
  const pending = collecting.get(ex);
  if (!pending) return false;
  if (!pending.lookups.has(key)) pending.lookups.set(key, build);
  return true;
}

/** Writes what the transaction collected: one statement, and one more only when a lookup queued rows. */
export async function flushPendingWrites(tx: Tx): Promise<void> {
  const pending = collecting.get(tx);
  if (!pending) return;
  for (let round = 0; pending.inserts.size > 0 || pending.lookups.size > 0; round++) {
    if (round > 3) throw new Error('pending writes kept queueing more writes');
    const inserts = [...pending.inserts];
    const lookups = [...pending.lookups].map(([key, build]) => [key, build()] as const);
    pending.inserts.clear();
    pending.lookups.clear();
    const ctes = inserts.map(([table, rows], i) => {
      const { columns, source } = rowsAsJson(table, rows);
      return sql`${sql.raw(`w${i}`)} AS (INSERT INTO ${sql.table(table)} (${columns}) SELECT ${columns} FROM ${source})`;
    });
    const selected = lookups.length
      ? sql.join(lookups.map(([key, l]) => sql`(SELECT coalesce(json_agg(x), '[]') FROM (${l.query}) x) AS ${sql.ref(key)}`))
      : sql`1 AS done`;
    const statement = ctes.length ? sql`WITH ${sql.join(ctes)} SELECT ${selected}` : sql`SELECT ${selected}`;
    const { rows } = await statement.execute(tx);
    const found = (rows[0] ?? {}) as Record<string, Row[]>;
    for (const [key, l] of lookups) l.apply(found[key] ?? []);
  }
}
