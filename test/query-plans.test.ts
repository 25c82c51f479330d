import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullEvent } from '../src/modules/events/events.fixtures.js';
import { listOk, priced, sellerTenant, syncTickets } from '../src/modules/listings/listings.fixtures.js';
import { call } from '../src/modules/tickets/tickets.fixtures.js';
import { analyzeNeverAnalysedTables } from '../src/db/analyze.js';
import { useContext } from './harness.js';

/**
 * The plans PostgreSQL picks before it has statistics. A table that was never analysed is estimated
 * at ten pages whatever it holds, so every index whose leading column is bound ties on cost, and a
 * plan made then is kept for the life of a connection (the foreign-key checks keep theirs until an
 * ANALYZE invalidates them, which never comes where autovacuum is off). This test makes exactly that
 * database — rows written through the API, autovacuum off, no ANALYZE — and asserts that every
 * foreign-key check, every primary-key lookup and the hot statements below are answered by an index
 * that binds their selective columns, never by one that only binds `tenant_id` (which reads all of
 * the tenant's rows: the defect that made `POST /v1/events` slow down as events accumulated).
 */

const ctx = useContext();
let db: pg.Client;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

interface Key {
  table: string;
  columns: string[];
  types: string[];
}

/** The scans of `table` in a plan, wherever they are in the tree. */
function scansOf(node: PlanNode, table: string, out: PlanNode[] = []): PlanNode[] {
  if (node['Relation Name'] === table) out.push(node);
  for (const child of node.Plans ?? []) scansOf(child, table, out);
  return out;
}

function indexScansUnder(node: PlanNode): PlanNode[] {
  return (node.Plans ?? []).flatMap((child) => (child['Node Type'] === 'Bitmap Index Scan' ? [child] : indexScansUnder(child)));
}

let statement = 0;
/** EXPLAIN of `sql` as a generic plan: the plan a prepared statement (or a foreign-key check) keeps. */
async function genericPlan(sql: string, types: string[]): Promise<PlanNode> {
  const name = `plan_${++statement}`;
  await db.query(`PREPARE ${name}(${types.join(', ')}) AS ${sql}`);
  const params = types.map(() => 'NULL').join(', ');
  const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) EXECUTE ${name}${types.length ? `(${params})` : ''}`);
  await db.query(`DEALLOCATE ${name}`);
  return rows[0]!['QUERY PLAN'][0].Plan;
}

/**
 * A scan of `table` that binds every one of `selective` in its index condition. `tenant_id` alone
 * never counts: a tenant can own millions of rows.
 */
function problemOf(plan: PlanNode, table: string, selective: string[]): string | undefined {
  // Only `tenant_id` to bind (a key to the tenants table): tenants are never deleted by the product.
  if (!selective.length) return undefined;
  const scans = scansOf(plan, table);
  if (!scans.length) return `no scan of ${table}`;
  for (const found of scans) {
    // A bitmap scan reads the heap through the index scans under it (one, or several ANDed).
    const indexScans = found['Node Type'] === 'Bitmap Heap Scan' ? indexScansUnder(found) : [found];
    const scan = indexScans[0];
    if (!scan || !/^(Index|Bitmap Index)/.test(scan['Node Type'])) return `${found['Node Type']} on ${table}`;
    const cond = indexScans.map((n) => n['Index Cond'] ?? '').join(' AND ');
    const unbound = selective.filter((c) => !new RegExp(`\\b${c}\\b`).test(cond));
    if (unbound.length && !ENOUGH.some((e) => e.index === scan['Index Name'] && e.binds.every((c) => cond.includes(c)))) {
      return `${scan['Index Name']} binds only (${cond}), not ${unbound.join(', ')}`;
    }
  }
  return undefined;
}

/** Indexes that bind fewer than all of a key's columns, and why that reads few rows. */
const ENOUGH: { index: string; binds: string[]; why: string }[] = [
  { index: 'listing_tickets_ticket', binds: ['ticket_id'], why: 'a ticket is in a handful of listings over its life' },
  { index: 'order_items_ticket', binds: ['ticket_id'], why: 'a ticket is in a handful of orders over its life' },
  { index: 'tickets_show', binds: ['show_pk'], why: "a price type is deleted only when an event update removes it; the check reads that show's tickets" },
];

const selectiveOf = (columns: string[]) => columns.filter((c) => c !== 'tenant_id');
const where = (columns: string[]) => columns.map((c, i) => `${c} = $${i + 1}`).join(' AND ');

async function columnTypes(table: string, columns: string[]): Promise<string[]> {
  const { rows } = await db.query<{ attname: string; type: string }>(
    `SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attname = ANY($2)`,
    [table, columns],
  );
  return columns.map((c) => rows.find((r) => r.attname === c)!.type);
}

async function keys(contype: 'p' | 'f'): Promise<{ name: string; from: Key; to: Key | undefined }[]> {
  const { rows } = await db.query<{ name: string; from_table: string; from_cols: string[]; to_table: string | null; to_cols: string[] | null }>(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS from_table,
            (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS from_cols,
            c.confrelid::regclass::text AS to_table,
            (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) AS to_cols
       FROM pg_constraint c
      WHERE c.contype = $1 AND c.connamespace = 'public'::regnamespace AND c.conrelid::regclass::text NOT LIKE 'kysely%'
      ORDER BY 1`,
    [contype],
  );
  return Promise.all(
    rows.map(async (r) => ({
      name: r.name,
      from: { table: r.from_table, columns: r.from_cols, types: await columnTypes(r.from_table, r.from_cols) },
      to: r.to_table && r.to_cols && r.to_table !== '-' ? { table: r.to_table, columns: r.to_cols, types: await columnTypes(r.to_table, r.to_cols) } : undefined,
    })),
  );
}

/** Copies of each row: enough for several pages per table, so no index ties with another on size alone. */
const COPIES = 500;

/**
 * Every table that holds rows gets `copies` more of each, as the same tenant's: the text columns of
 * its unique keys (but `tenant_id`) are suffixed so the copies are distinct rows. Written with the
 * triggers off (session_replication_role = replica): the copies point at parents that are copies too.
 */
async function multiplyRows(copies: number): Promise<void> {
  const { rows } = await db.query<{ t: string; cols: string[]; keyed: string[] }>(`
    SELECT c.relname::text AS t,
           (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') AS cols,
           (SELECT coalesce(array_agg(DISTINCT a.attname::text), '{}') FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
             WHERE i.indrelid = c.oid AND i.indisunique AND a.attname <> 'tenant_id' AND a.atttypid = 'text'::regtype) AS keyed
      FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relname NOT LIKE 'kysely%' AND c.relname <> 'tenants'`);
  await db.query('SET session_replication_role = replica');
  for (const { t, cols, keyed } of rows) {
    const values = cols.map((c) => (keyed.includes(c) ? `${c} || '~' || g` : c)).join(', ');
    await db.query(`INSERT INTO ${t} (${cols.join(', ')}) SELECT ${values} FROM ${t}, generate_series(1, ${copies}) g`);
  }
  await db.query('SET session_replication_role = DEFAULT');
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  // The plan a foreign-key check or a prepared statement keeps: made without the parameters' values.
  await db.query('SET plan_cache_mode = force_generic_plan');
  // Rows but no statistics: autovacuum may not analyse these tables behind the test's back.
  const { rows } = await db.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`);
  for (const { t } of rows) await db.query(`ALTER TABLE ${t} SET (autovacuum_enabled = off)`);
  const seller = await sellerTenant(ctx, 'plans');
  expect((await call(ctx, seller.key, 'POST', '/v1/events', fullEvent('evt-plans'))).status).toBe(200);
  await syncTickets(ctx, seller.key, [priced('PLAN-1'), priced('PLAN-2'), priced('PLAN-3')]);
  await listOk(ctx, seller.key, ['PLAN-1'], 35);
  await multiplyRows(COPIES);
  const { rows: analysed } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL`,
  );
  expect(analysed[0]!.n).toBe(0);
});

afterAll(async () => {
  await db?.end();
});

describe('plans on a database with rows and no statistics', () => {
  it('answers every foreign-key check (insert side and delete side) by an index that binds its key', async () => {
    const problems: string[] = [];
    for (const fk of await keys('f')) {
      if (!fk.to) continue;
      // The check of an insert or update of the referencing row, as ri_triggers.c writes it.
      const parentCheck = await genericPlan(`SELECT 1 FROM ONLY ${fk.to.table} x WHERE ${where(fk.to.columns)} FOR KEY SHARE OF x`, fk.to.types);
      const parent = problemOf(parentCheck, fk.to.table, selectiveOf(fk.to.columns));
      if (parent) problems.push(`${fk.name} (check on ${fk.to.table}): ${parent}`);
      // The check of a delete of the referenced row (CASCADE or RESTRICT): the referencing rows.
      const childCheck = await genericPlan(`SELECT 1 FROM ONLY ${fk.from.table} x WHERE ${where(fk.from.columns)} FOR KEY SHARE OF x`, fk.from.types);
      const child = problemOf(childCheck, fk.from.table, selectiveOf(fk.from.columns));
      if (child) problems.push(`${fk.name} (delete side on ${fk.from.table}): ${child}`);
    }
    expect(problems).toEqual([]);
  });

  it('answers every primary-key lookup by an index that binds the key', async () => {
    const problems: string[] = [];
    for (const pk of await keys('p')) {
      const plan = await genericPlan(`SELECT * FROM ${pk.from.table} WHERE ${where(pk.from.columns)}`, pk.from.types);
      const problem = problemOf(plan, pk.from.table, selectiveOf(pk.from.columns));
      if (problem) problems.push(`${pk.name}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  // The hot reads of the API and the pages by something other than their primary key.
  const HOT: { name: string; table: string; sql: string; types: string[]; binds: string[] }[] = [
    { name: 'event by external reference', table: 'events', sql: 'SELECT * FROM events WHERE tenant_id = $1 AND external_reference_id = $2', types: ['text', 'text'], binds: ['external_reference_id'] },
    { name: 'shows of an event', table: 'shows', sql: 'SELECT * FROM shows WHERE tenant_id = $1 AND event_id = $2', types: ['text', 'text'], binds: ['event_id'] },
    { name: 'show by its public id', table: 'shows', sql: 'SELECT * FROM shows WHERE id = $1', types: ['text'], binds: ['id'] },
    { name: 'tickets of an option', table: 'tickets', sql: 'SELECT * FROM tickets WHERE tenant_id = $1 AND show_pk = $2 AND ticket_option_id = $3', types: ['text', 'text', 'text'], binds: ['show_pk', 'ticket_option_id'] },
    { name: "a fan's tickets", table: 'tickets', sql: 'SELECT * FROM tickets WHERE tenant_id = $1 AND buyer_email = $2', types: ['text', 'text'], binds: ['buyer_email'] },
    { name: 'open listings of a show', table: 'listings', sql: "SELECT * FROM listings WHERE tenant_id = $1 AND show_pk = $2 AND status IN ('ACTIVE', 'RESERVED')", types: ['text', 'text'], binds: ['show_pk'] },
    { name: 'open listings of an event by price', table: 'listings', sql: "SELECT * FROM listings WHERE tenant_id = $1 AND event_id = $2 AND status IN ('ACTIVE', 'RESERVED') ORDER BY price_minor, id LIMIT 50", types: ['text', 'text'], binds: ['event_id'] },
    { name: 'listing by its public id', table: 'listings', sql: 'SELECT * FROM listings WHERE id = $1', types: ['text'], binds: ['id'] },
    { name: "a seller's listings", table: 'listings', sql: 'SELECT * FROM listings WHERE tenant_id = $1 AND seller_email = $2', types: ['text', 'text'], binds: ['seller_email'] },
    { name: 'the open listing of a ticket', table: 'listing_tickets', sql: 'SELECT * FROM listing_tickets WHERE tenant_id = $1 AND ticket_id = $2 AND open', types: ['text', 'text'], binds: ['ticket_id'] },
    { name: 'buy intention by its public id', table: 'buy_intentions', sql: 'SELECT * FROM buy_intentions WHERE id = $1', types: ['text'], binds: ['id'] },
    { name: 'order of a buy intention', table: 'orders', sql: 'SELECT * FROM orders WHERE tenant_id = $1 AND intention_id = $2', types: ['text', 'text'], binds: ['intention_id'] },
    { name: 'order of a ticket', table: 'order_items', sql: 'SELECT * FROM order_items WHERE tenant_id = $1 AND ticket_id = $2', types: ['text', 'text'], binds: ['ticket_id'] },
    { name: 'payouts of an order', table: 'payouts', sql: 'SELECT * FROM payouts WHERE tenant_id = $1 AND order_id = $2', types: ['text', 'text'], binds: ['order_id'] },
    { name: "a seller's payouts", table: 'payouts', sql: 'SELECT * FROM payouts WHERE tenant_id = $1 AND seller_email = $2', types: ['text', 'text'], binds: ['seller_email'] },
    { name: 'purchase intent by its public id', table: 'purchase_intents', sql: 'SELECT * FROM purchase_intents WHERE id = $1', types: ['text'], binds: ['id'] },
    { name: 'holding lines of an option', table: 'purchase_intent_lines', sql: 'SELECT * FROM purchase_intent_lines WHERE tenant_id = $1 AND show_pk = $2 AND ticket_option_id = $3 AND holding', types: ['text', 'text', 'text'], binds: ['show_pk', 'ticket_option_id'] },
    { name: 'rules of an event', table: 'event_rules', sql: 'SELECT * FROM event_rules WHERE tenant_id = $1 AND event_id = $2', types: ['text', 'text'], binds: ['event_id'] },
    { name: 'inventory of a show', table: 'show_inventory', sql: 'SELECT * FROM show_inventory WHERE tenant_id = $1 AND show_pk = $2', types: ['text', 'text'], binds: ['show_pk'] },
    { name: 'fan session by token', table: 'fan_sessions', sql: 'SELECT * FROM fan_sessions WHERE token_hash = $1', types: ['text'], binds: ['token_hash'] },
    { name: 'api key by hash', table: 'api_keys', sql: 'SELECT * FROM api_keys WHERE key_hash = $1', types: ['text'], binds: ['key_hash'] },
  ];

  it.each(HOT)('$name: an index binds $binds', async ({ table, sql, types, binds }) => {
    expect(problemOf(await genericPlan(sql, types), table, binds)).toBeUndefined();
  });
});

describe('serve analyses the tables that were never analysed', () => {
  it('analyses each table that holds rows once, and then nothing', async () => {
    const analysed = await analyzeNeverAnalysedTables(ctx.deps.db);
    expect(analysed).toEqual(expect.arrayContaining(['public.events', 'public.shows', 'public.tickets', 'public.listings']));
    const { rows } = await db.query<{ name: string }>(
      `SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND reltuples < 0 AND pg_relation_size(oid) > 0`,
    );
    expect(rows).toEqual([]);
    expect(await analyzeNeverAnalysedTables(ctx.deps.db)).toEqual([]);
  });
});
