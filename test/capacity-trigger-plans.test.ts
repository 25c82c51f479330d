import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priced, sellerTenant, syncTickets } from '../src/modules/listings/listings.fixtures.js';
import { useContext } from './harness.js';

/**
 * The plans inside the capacity counters' trigger functions (migrations 0029 and 0031). A trigger's
 * statements are planned with its keys as unknown parameters; where the statistics say one show
 * holds every ticket (a single big on-sale, or a benchmark's), a sequential scan of `tickets` looks
 * cheaper than the index for "the tickets of this option", and every new ticket option paid a scan
 * of the whole table (the benchmark saw 50 ms per event create). auto_explain, reporting to this
 * session as notices, shows the nested plans of an insert into ticket_options.
 */

const ctx = useContext();
let db: pg.Client;
const notices: string[] = [];

beforeAll(async () => {
  const seller = await sellerTenant(ctx, 'capacity plans');
  await syncTickets(ctx, seller.key, Array.from({ length: 50 }, (_, i) => priced(`CAP-PLAN-${i}`)));
  db = new pg.Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  db.on('notice', (n) => notices.push(n.message ?? ''));
  // 5,000 tickets of the same show and option, analysed: the statistics of one big on-sale.
  await db.query(`
    INSERT INTO tickets
    SELECT (jsonb_populate_record(NULL::tickets, to_jsonb(t) || jsonb_build_object('ticket_id', t.ticket_id || '-copy-' || g, 'content_hash', t.content_hash || g))).*
    FROM (SELECT * FROM tickets WHERE ticket_id LIKE 'CAP-PLAN-%' LIMIT 1) t CROSS JOIN generate_series(1, 5000) g`);
  await db.query('ANALYZE tickets');
  await db.query(`LOAD 'auto_explain'`);
  await db.query(`SET auto_explain.log_min_duration = 0`);
  await db.query(`SET auto_explain.log_nested_statements = on`);
  await db.query(`SET auto_explain.log_level = 'notice'`);
  await db.query(`SET client_min_messages = 'notice'`);
});

afterAll(async () => {
  await db?.end();
});

/** Inserts a new show with one ticket option (copies of an existing one) and returns the plans the trigger ran. */
async function plansOfNewOption(suffix: string): Promise<string> {
  notices.length = 0;
  await db.query(`
    INSERT INTO shows
    SELECT (jsonb_populate_record(NULL::shows, to_jsonb(s) || jsonb_build_object('id', 'shw_capplan_${suffix}', 'show_id', 'capplan-${suffix}'))).*
    FROM (SELECT * FROM shows LIMIT 1) s`);
  await db.query(`
    INSERT INTO ticket_options
    SELECT (jsonb_populate_record(NULL::ticket_options, to_jsonb(o) || jsonb_build_object('show_pk', 'shw_capplan_${suffix}'))).*
    FROM (SELECT * FROM ticket_options LIMIT 1) o`);
  return notices.filter((n) => n.includes('purchase_intent_capacity')).join('\n');
}

describe('capacity counter triggers', () => {
  it('count a new option by the key indexes whatever the statistics say; without 0031 the same statistics scan tickets', async () => {
    await db.query('BEGIN');
    await db.query('ALTER FUNCTION purchase_intent_capacity_options() RESET enable_seqscan');
    const without = await plansOfNewOption('control');
    await db.query('ROLLBACK');
    // The set-up reproduces the defect: the control run (0031 undone) scans the whole table.
    expect(without).toMatch(/Seq Scan on tickets/);

    const plans = await plansOfNewOption('real');
    expect(plans).toMatch(/(Index (Only )?Scan using \w+|Bitmap Index Scan) on tickets/);
    expect(plans).not.toMatch(/Seq Scan on (tickets|purchase_intent_lines)/);
  });
});
