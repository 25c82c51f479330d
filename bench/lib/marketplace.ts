/**
 * Shared set-up and checks of the marketplace benchmarks (onsale-race, purchase): an event, tickets
 * through `POST /v1/sync/tickets`, one SINGLE listing per ticket through `POST /v1/marketplace/listings`,
 * a light keep-alive HTTP client (node:http, so the load generator costs less CPU than fetch on a
 * machine it shares with the server), and the database invariants checked after a run.
 */
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { allProcesses, cpuSeconds, postmasterPid, processTree } from './process.js';
import { createTenant, startEncore, tempDataDir, type Server } from './servers.js';
import { fmtNum, sum } from './stats.js';

export interface Answer {
  status: number;
  text: string;
  ms: number;
}

/** A keep-alive client for one server: at most `sockets` connections, one request per call. */
export function httpClient(server: Server, sockets: number): { request(method: string, url: string, body: unknown, headers?: Record<string, string>): Promise<Answer>; close(): void } {
  const target = new URL(server.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  return {
    request: (method, url, body, headers = {}) =>
      new Promise<Answer>((resolve) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const t0 = performance.now();
        const req = http.request(
          {
            hostname: target.hostname,
            port: target.port,
            path: url,
            method,
            agent,
            timeout: 30_000,
            headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }));
            res.on('error', (err) => resolve({ status: 0, text: `response error: ${err.message}`, ms: performance.now() - t0 }));
          },
        );
        req.on('error', (err) => resolve({ status: 0, text: `request error: ${err.message}`, ms: performance.now() - t0 }));
        req.on('timeout', () => req.destroy(new Error('timeout after 30 s')));
        req.end(payload);
      }),
    close: () => agent.destroy(),
  };
}

export type Client = ReturnType<typeof httpClient>;

/** Runs `count` jobs on `workers` concurrent workers; each job gets its index. */
export async function pool(count: number, workers: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(workers, count) }, worker));
}

/** A connection to serve's embedded PostgreSQL through its Unix socket, for the bench's checks. */
export function openDb(dataDir: string): pg.Pool {
  const p = new pg.Pool({ host: path.join(dataDir, 'pg'), port: 5432, user: 'postgres', database: 'encore', max: 2 });
  p.on('error', () => {});
  return p;
}

function parse<T>(a: Answer): T | undefined {
  try {
    return JSON.parse(a.text) as T;
  } catch {
    return undefined;
  }
}

export function dataOf<T>(a: Answer): T | undefined {
  return parse<{ data?: T }>(a)?.data;
}

/** One event with one show and one ticket option (`ga`, 30 EUR), policy NONE: resale at the tenant's defaults. */
export async function createEvent(client: Client, apiKey: string, ref: string): Promise<void> {
  const res = await client.request(
    'POST',
    '/v1/events',
    {
      externalReferenceId: ref,
      title: 'Marketplace benchmark',
      description: 'One show, one ticket option',
      location: { venueName: 'Sala Apolo', city: 'Barcelona', country: 'ES', timeZone: 'Europe/Madrid' },
      configuration: { policy: 'NONE', currency: 'EUR' },
      shows: [{ showId: 'main', date: '2027-06-01T21:00:00+02:00', ticketOptions: [{ ticketId: 'ga', title: 'General', price: 30 }], priceTypes: [{ priceTypeId: 'adult', title: 'Adult' }] }],
    },
    { authorization: apiKey },
  );
  if (res.status !== 200) throw new Error(`POST /v1/events answered ${res.status}: ${res.text.slice(0, 500)}`);
}

export const sellerOf = (ticketId: string): string => `${ticketId.toLowerCase()}@fans.example`;

/** Tickets `ids` of event `ref` through `POST /v1/sync/tickets` (1,000 per call, its limit); each owned by sellerOf(id). */
export async function createTickets(client: Client, apiKey: string, ref: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const res = await client.request(
      'POST',
      '/v1/sync/tickets',
      chunk.map((ticketId) => ({ externalReferenceEventId: ref, buyer: sellerOf(ticketId), ticketId, ticketAccess: { type: 'URL', locator: `https://t.example/${ticketId}` }, ticketOptionId: 'ga' })),
      { authorization: apiKey },
    );
    const results = dataOf<{ status?: string }[]>(res);
    if (res.status !== 200 || !results || results.some((r) => r.status !== 'CREATED')) {
      throw new Error(`POST /v1/sync/tickets answered ${res.status}: ${res.text.slice(0, 800)}`);
    }
  }
}

/** One SINGLE listing per ticket (price 40 EUR), `workers` requests in flight; returns the listing ids in the order of `ticketIds`. */
export async function createListings(client: Client, apiKey: string, ticketIds: string[], workers = 8, priceOf: (i: number) => number = () => 40): Promise<string[]> {
  const ids: string[] = new Array<string>(ticketIds.length);
  const failures: string[] = [];
  await pool(ticketIds.length, workers, async (i) => {
    const ticketId = ticketIds[i]!;
    const res = await client.request('POST', '/v1/marketplace/listings', { ticketIds: [ticketId], price: priceOf(i), sellerEmail: sellerOf(ticketId) }, { authorization: apiKey });
    const listingId = dataOf<{ listingId?: string }>(res)?.listingId;
    if (res.status !== 200 || !listingId) failures.push(`${ticketId}: ${res.status} ${res.text.slice(0, 500)}`);
    else ids[i] = listingId;
  });
  if (failures.length) throw new Error(`POST /v1/marketplace/listings failed ${failures.length} times: ${failures.slice(0, 3).join(' | ')}`);
  return ids;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * The rules that must never break, over the whole tenant: no listing in the items of two live
 * (RESERVED / PAYING / COMPLETED) intentions, no ticket in two COMPLETED orders, and every RESERVED
 * listing held by a live intention that holds it. Returns one line per broken rule, with examples.
 */
export async function invariantViolations(db: pg.Pool, tenantId: string): Promise<string[]> {
  const out: string[] = [];
  const doubleHeld = await db.query<{ listing_id: string; n: string; intentions: string }>(
    `SELECT i.listing_id, count(*) AS n, string_agg(b.id || ':' || b.status, ', ') AS intentions
       FROM buy_intention_items i JOIN buy_intentions b ON b.tenant_id = i.tenant_id AND b.id = i.intention_id
      WHERE i.tenant_id = $1 AND b.status IN ('RESERVED', 'PAYING', 'COMPLETED')
      GROUP BY i.listing_id HAVING count(*) > 1`,
    [tenantId],
  );
  if (doubleHeld.rowCount) {
    out.push(`${doubleHeld.rowCount} listings are in more than one live intention, e.g. ${doubleHeld.rows.slice(0, 3).map((r) => `${r.listing_id} (${r.intentions})`).join('; ')}`);
  }
  const doubleSold = await db.query<{ ticket_id: string; orders: string }>(
    `SELECT oi.ticket_id, string_agg(o.id, ', ') AS orders
       FROM order_items oi JOIN orders o ON o.tenant_id = oi.tenant_id AND o.id = oi.order_id
      WHERE oi.tenant_id = $1 AND o.status = 'COMPLETED'
      GROUP BY oi.ticket_id HAVING count(*) > 1`,
    [tenantId],
  );
  if (doubleSold.rowCount) out.push(`${doubleSold.rowCount} tickets are in more than one COMPLETED order, e.g. ${doubleSold.rows.slice(0, 3).map((r) => `${r.ticket_id} (${r.orders})`).join('; ')}`);
  const badHolds = await db.query<{ id: string; hold_intention_id: string; status: string | null }>(
    `SELECT l.id, l.hold_intention_id, b.status
       FROM listings l
       LEFT JOIN buy_intentions b ON b.tenant_id = l.tenant_id AND b.id = l.hold_intention_id
       LEFT JOIN buy_intention_items i ON i.tenant_id = l.tenant_id AND i.intention_id = l.hold_intention_id AND i.listing_id = l.id
      WHERE l.tenant_id = $1 AND l.status = 'RESERVED' AND (b.status IS DISTINCT FROM 'RESERVED' AND b.status IS DISTINCT FROM 'PAYING' OR i.listing_id IS NULL)`,
    [tenantId],
  );
  if (badHolds.rowCount) out.push(`${badHolds.rowCount} RESERVED listings are not held by a live intention that lists them, e.g. ${badHolds.rows.slice(0, 3).map((r) => `${r.id} → ${r.hold_intention_id} (${r.status ?? 'missing'})`).join('; ')}`);
  return out;
}

/** CPU seconds used so far by serve's Node processes and by its embedded PostgreSQL (from /proc). */
export function cpuProbe(server: Server, dataDir: string): () => { node: number; postgres: number } {
  return () => {
    const all = allProcesses();
    const pm = postmasterPid(dataDir);
    const pgPids = new Set(pm !== undefined ? processTree(pm, all).map((p) => p.pid) : []);
    const node = processTree(server.proc.pid, all).filter((p) => !pgPids.has(p.pid));
    return { node: sum(node.map((p) => cpuSeconds(p.pid))), postgres: sum([...pgPids].map(cpuSeconds)) };
  };
}

export const cpuText = (c: { node: number; postgres: number }): string => `${fmtNum(c.node, 1)} s node + ${fmtNum(c.postgres, 1)} s postgres`;

/**
 * Samples what serve's database sessions are doing every `everyMs` (pg_stat_activity of the
 * `encore-*` connections) until stopped: per sample, busy sessions by wait event (`CPU` when running,
 * `idle in transaction` when the transaction waits for Node). Shows whether a run is limited by row
 * locks, commits (WAL flush), the database's CPU, or Node.
 */
export function sampleWaits(db: pg.Pool, everyMs = 50): { stop(): Promise<{ samples: number; waits: Map<string, number> }> } {
  const waits = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const { rows } = await db.query<{ wait: string; n: string }>(
          `SELECT CASE WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'CPU') ELSE 'idle in transaction' END AS wait, count(*) AS n
             FROM pg_stat_activity
            WHERE application_name LIKE 'encore-%' AND state IN ('active', 'idle in transaction') AND pid <> pg_backend_pid()
            GROUP BY 1`,
        );
        samples++;
        for (const r of rows) waits.set(r.wait, (waits.get(r.wait) ?? 0) + Number(r.n));
      } catch {
        /* the server is going away */
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { samples, waits };
    },
  };
}

/** "Lock:transactionid 8.1, CPU 3.2, …": mean active sessions per wait event over the samples, largest first. */
export function waitsText(w: { samples: number; waits: Map<string, number> }): string {
  if (w.samples === 0) return 'n/a';
  return [...w.waits]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([k, n]) => `${k} ${fmtNum(n / w.samples, 1)}`)
    .join(', ');
}

/** What a marketplace benchmark runs against: serve on a fresh data folder, a tenant, a client and a connection for checks. */
export interface Served {
  encore: Server;
  db: pg.Pool;
  client: Client;
  tenantId: string;
  apiKey: string;
  dataDir: string;
}

/** Starts serve on a fresh data folder with one tenant, runs `work`, and tears everything down whatever happens. */
export async function withServedTenant<T>(
  sockets: number,
  log: (m: string) => void,
  work: (s: Served) => Promise<T>,
  env?: Record<string, string>,
  tenant: { returnOrigins?: readonly string[] } = {},
): Promise<T> {
  const data = tempDataDir();
  try {
    log(`  Encore: starting serve on ${data.dir}`);
    const encore = await startEncore({ dataDir: data.dir, ...(env ? { env } : {}) });
    const db = openDb(data.dir);
    const client = httpClient(encore, sockets);
    try {
      const { tenantId, apiKey } = await createTenant(data.dir, 'bench', tenant.returnOrigins);
      return await work({ encore, db, client, tenantId, apiKey, dataDir: data.dir });
    } finally {
      client.close();
      await db.end();
      await encore.stop();
    }
  } finally {
    await data.remove();
  }
}
