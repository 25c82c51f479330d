import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { onCleanup } from './cleanup.js';
import { sleep } from './process.js';
import { startEncore } from './servers.js';
import type { Volume } from './volume-state.js';

export { activeVolume, setActiveVolume, type Volume } from './volume-state.js';

/**
 * The data volume every benchmark runs on (issue 13): a database that already holds what a
 * production installation holds, so a cost that grows with data shows up as a curve over volume
 * instead of hiding behind a fresh, empty database.
 *
 * One "1×" volume is 50,000 events (one show each, two ticket options, one price type), 1,000,000
 * tickets, 100,000 listings and 100,000 purchase intents, spread over VOLUME_TENANTS integrators.
 * It is written with set-based SQL (generate_series), then VACUUM ANALYZE'd as a database that has
 * been running for a while would be. The folder is kept in the system's temporary folder and
 * reused by later runs (`--fresh-volume` rebuilds it), because a 30× volume takes minutes to write.
 *
 * While a volume is active, every benchmark's `tempDataDir()` is that folder and each
 * `createTenant()` adopts the next volume integrator (volume-state.ts), so a benchmark's own writes
 * land in a tenant that already holds its share of the volume.
 */

export const VOLUME_BASE = { events: 50_000, ticketsPerEvent: 20, listingsPerEvent: 2, intentsPerEvent: 2 } as const;
export const VOLUME_TENANTS = 100;


const MARK = 'encore-volume.json';

function volumeDir(scale: number): string {
  return path.join(os.tmpdir(), `encore-bench-volume-${scale}x`);
}

export function volumePool(dir: string, max = 2): pg.Pool {
  const p = new pg.Pool({ host: path.join(dir, 'pg'), port: 5432, user: 'postgres', database: 'encore', max });
  p.on('error', () => {});
  return p;
}

/** The volume at `scale`, reused when a previous run left it complete, otherwise written now. */
export async function prepareVolume(scale: number, opts: { fresh: boolean; log: (l: string) => void }): Promise<Volume> {
  const dir = volumeDir(scale);
  const markFile = path.join(dir, MARK);
  if (!opts.fresh && fs.existsSync(markFile)) {
    const v = JSON.parse(fs.readFileSync(markFile, 'utf8')) as Volume;
    opts.log(`  volume ${scale}×: reusing ${dir} (${fmtCounts(v.counts)})`);
    return { ...v, loadSeconds: 0 };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  opts.log(`  volume ${scale}×: writing into ${dir}`);
  const t0 = performance.now();
  // serve creates the cluster and migrates it; the rows are written beside it through the socket.
  const server = await startEncore({ dataDir: dir, healthTimeoutMs: 300_000 });
  const unregister = onCleanup(async () => server.dispose());
  const pool = volumePool(dir, 3);
  try {
    const tenantIds = await writeVolume(pool, scale, opts.log);
    const counts = await countRows(pool);
    const loadSeconds = (performance.now() - t0) / 1000;
    const v: Volume = { scale, dir, tenantIds, counts, loadSeconds };
    opts.log(`  volume ${scale}×: ${fmtCounts(counts)} in ${Math.round(loadSeconds)} s`);
    await pool.end();
    await server.stop();
    fs.writeFileSync(markFile, JSON.stringify(v));
    return v;
  } finally {
    unregister();
    await pool.end().catch(() => {});
    await server.dispose();
  }
}

export function fmtCounts(c: Record<string, number>): string {
  return Object.entries(c)
    .map(([t, n]) => `${n.toLocaleString('en-US')} ${t}`)
    .join(', ');
}

async function countRows(pool: pg.Pool): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['events', 'tickets', 'listings', 'purchase_intents']) {
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`);
    out[t] = Number(rows[0]!.n);
  }
  return out;
}

/**
 * Writes the volume in slices of events, two slices at a time (the machine's cores), each slice one
 * transaction per table. Answers the volume integrators' ids.
 */
async function writeVolume(pool: pg.Pool, scale: number, log: (l: string) => void): Promise<string[]> {
  const tenantIds = Array.from({ length: VOLUME_TENANTS }, (_, i) => `ten_vol${scale}x_${String(i).padStart(2, '0')}`);
  await pool.query(
    `INSERT INTO tenants (id, name, return_origins) SELECT id, 'volume ' || id, '{}' FROM unnest($1::text[]) id`,
    [tenantIds],
  );
  const events = VOLUME_BASE.events * scale;
  const slice = 25_000;
  const slices = Array.from({ length: Math.ceil(events / slice) }, (_, i) => [i * slice, Math.min(events, (i + 1) * slice)] as const);
  let done = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    for (;;) {
      const s = slices.shift();
      if (!s) return;
      await writeSlice(pool, scale, s[0], s[1]);
      done += s[1] - s[0];
      const rate = done / ((performance.now() - t0) / 1000);
      log(`    ${done.toLocaleString('en-US')} / ${events.toLocaleString('en-US')} events (${Math.round(rate)} events/s with their tickets, listings and intents)`);
    }
  };
  await Promise.all([worker(), worker()]);
  log('    VACUUM ANALYZE');
  await pool.query('VACUUM ANALYZE');
  await sleep(0);
  return tenantIds;
}

/** Events [from, to) with everything under them. `e` is the event's number; its tenant is e mod VOLUME_TENANTS. */
async function writeSlice(pool: pg.Pool, scale: number, from: number, to: number): Promise<void> {
  const v = `vol${scale}x`;
  const T = VOLUME_TENANTS;
  const tenant = (e: string) => `'ten_${v}_' || lpad((${e} % ${T})::text, 2, '0')`;
  const ev = `generate_series(${from}, ${to - 1}) e`;
  const { ticketsPerEvent: tpe, listingsPerEvent: lpe, intentsPerEvent: ipe } = VOLUME_BASE;
  // Ticket options last, with the product's triggers on: their insert trigger (purchase-intent
  // capacity counters, migration 0029) counts the tickets and holds already written for them.
  const withTriggers = [
    `INSERT INTO ticket_options (tenant_id, show_pk, ticket_option_id, position, title, price_minor, currency, capacity)
     SELECT ${tenant('e')}, 'shw_${v}_' || e, o.id, o.pos, o.title, o.price, 'EUR', o.capacity
       FROM ${ev}, (VALUES ('ga', 0, 'General', 3000, 1000), ('vip', 1, 'VIP', 9000, NULL)) o(id, pos, title, price, capacity)`
  ];
  const statements = [
    `INSERT INTO events (tenant_id, id, external_reference_id, title, description, currency, location, configuration, producers, status, created_at, updated_at)
     SELECT ${tenant('e')}, 'evt_${v}_' || e, '${v}-' || e, 'Volume event ' || e, 'Written by the benchmark volume', 'EUR',
            '{"venueName":"Sala","address":"Calle 1","city":"Madrid","country":"ES","timeZone":"Europe/Madrid"}',
            '{"policy":"NONE","currency":"EUR"}', '[]', 'LIVE', now() - make_interval(secs => e), now() - make_interval(secs => e)
       FROM ${ev}`,
    `INSERT INTO shows (tenant_id, id, event_id, show_id, position, date_text, starts_at, images, status)
     SELECT ${tenant('e')}, 'shw_${v}_' || e, 'evt_${v}_' || e, 'main', 0, '2027-06-01T21:00:00+02:00',
            timestamptz '2027-06-01 19:00Z' + make_interval(mins => e % 100000), '[]', 'LIVE'
       FROM ${ev}`,
    `INSERT INTO price_types (tenant_id, show_pk, price_type_id, position, title, price_minor)
     SELECT ${tenant('e')}, 'shw_${v}_' || e, 'adult', 0, 'Adult', NULL FROM ${ev}`,
    // Tickets k < listingsPerEvent of each event are LISTED (their listing follows); the rest VALID.
    `INSERT INTO tickets (tenant_id, ticket_id, event_id, show_pk, ticket_option_id, price_type_id, status, buyer, buyer_email, price_minor, currency,
                          access_type, access_locator, access_status, content_hash)
     SELECT ${tenant('e')}, 'VOL${scale}X-' || e || '-' || k, 'evt_${v}_' || e, 'shw_${v}_' || e,
            CASE WHEN k < ${Math.round(tpe * 0.75)} THEN 'ga' ELSE 'vip' END, 'adult',
            CASE WHEN k < ${lpe} THEN 'LISTED' ELSE 'VALID' END,
            jsonb_build_object('email', 'fan' || e || '-' || k || '@fans.example'), 'fan' || e || '-' || k || '@fans.example',
            CASE WHEN k < ${Math.round(tpe * 0.75)} THEN 3000 ELSE 9000 END, 'EUR',
            'URL', 'https://t.example/vol/' || e || '/' || k, 'UNLOCKED', md5(e || '-' || k)
       FROM ${ev}, generate_series(0, ${tpe - 1}) k`,
    `INSERT INTO listings (tenant_id, id, event_id, show_pk, external_event_id, external_show_id, ticket_option_id, price_type_id, type, quantity,
                           price_minor, buyer_fee_minor, seller_fee_minor, currency, seller_email, status, created_at, updated_at)
     SELECT ${tenant('e')}, 'lst_${v}_' || e || '_' || k, 'evt_${v}_' || e, 'shw_${v}_' || e, '${v}-' || e, 'main', 'ga', 'adult', 'SINGLE', 1,
            3300 + k * 100, 330, 165, 'EUR', 'fan' || e || '-' || k || '@fans.example', 'ACTIVE', now(), now()
       FROM ${ev}, generate_series(0, ${lpe - 1}) k`,
    `INSERT INTO listing_tickets (tenant_id, listing_id, ticket_id, open, face_value_minor)
     SELECT ${tenant('e')}, 'lst_${v}_' || e || '_' || k, 'VOL${scale}X-' || e || '-' || k, true, 3000
       FROM ${ev}, generate_series(0, ${lpe - 1}) k`,
    // Intent k = 0 of each event is open and holds two GA seats; the others are complete.
    `INSERT INTO purchase_intents (tenant_id, id, secret, status, approval_status, email, event_ref, event_id, show_pk, currency,
                                   regular_price_minor, real_price_minor, tickets, cancellation_strategy, expires_at, created_at, updated_at)
     SELECT ${tenant('e')}, 'pi_${v}_' || e || '_' || k, md5('pi' || e || '-' || k), CASE WHEN k = 0 THEN 'new' ELSE 'complete' END, 'approved',
            'buyer' || e || '-' || k || '@fans.example', '${v}-' || e, 'evt_${v}_' || e, 'shw_${v}_' || e, 'EUR', 6000, 6000,
            '[{"ticketOptionId":"ga","amount":2}]', 'cancellationAllowed',
            CASE WHEN k = 0 THEN now() + interval '30 days' END, now(), now()
       FROM ${ev}, generate_series(0, ${ipe - 1}) k`,
    `INSERT INTO purchase_intent_lines (tenant_id, intent_id, show_pk, ticket_option_id, amount, holding, expires_at)
     SELECT ${tenant('e')}, 'pi_${v}_' || e || '_' || k, 'shw_${v}_' || e, 'ga', 2, k = 0, CASE WHEN k = 0 THEN now() + interval '30 days' END
       FROM ${ev}, generate_series(0, ${ipe - 1}) k`,
  ];
  const client = await pool.connect();
  try {
    // Consistent by construction, so the foreign-key checks (a trigger call per row) are skipped
    // with session_replication_role = replica; that skips the product's own triggers too, so the
    // rows they derive from are written before the statement whose trigger counts them (above).
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    for (const s of statements) await client.query(s);
    await client.query('SET LOCAL session_replication_role = DEFAULT');
    for (const s of withTriggers) await client.query(s);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
