import { sql, type RawBuilder } from 'kysely';

/**
 * Rows that travel inside a statement's result as JSON (json_agg of a table's rows, to read a parent
 * and its children in one round trip: ADR 0022) have no timestamps: `dates` names the columns that
 * come back as ISO strings, and they become Dates here, as the pg driver gives them. Every other
 * column of such a table must already be JSON-shaped as the driver gives it: text, a number
 * (bigint is a number, see kysely.ts), a boolean, an array or JSON.
 */
export function rowsFromJson<T>(rows: unknown, dates: readonly string[]): T[] {
  const list = (rows ?? []) as Record<string, unknown>[];
  for (const row of list) for (const col of dates) if (typeof row[col] === 'string') row[col] = new Date(row[col]);
  return list as T[];
}

/**
 * The other direction: rows sent as ONE JSON parameter in `table`'s row type, for
 * `INSERT INTO <table> (<columns>) SELECT <columns> FROM <source>` (one round trip and one
 * statement text whatever the number of rows). The columns are the keys the rows name, so a column
 * they leave out takes its default; Dates become ISO timestamps and a json/jsonb column takes the
 * value itself, not its JSON text.
 */
export function rowsAsJson(table: string, rows: readonly Record<string, unknown>[]): { columns: RawBuilder<unknown>; source: RawBuilder<unknown> } {
  const columns = sql.join([...new Set(rows.flatMap((r) => Object.keys(r)))].map((c) => sql.ref(c)));
  return { columns, source: sql`jsonb_populate_recordset(NULL::${sql.table(table)}, ${JSON.stringify(rows)}::jsonb)` };
}
