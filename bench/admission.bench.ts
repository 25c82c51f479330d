import autocannon, { type Result } from 'autocannon';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { allProcesses, cpuSeconds, postmasterPid, processTree } from './lib/process.js';
import type { Benchmark, BenchReport, Metric } from './lib/report.js';
import { table } from './lib/report.js';
import { createTenant, startEncore, tempDataDir, type Server } from './lib/servers.js';
import { fmtNum, median, sum } from './lib/stats.js';

// autocannon 8 options the shared typings (bench/types) do not list yet.
declare module 'autocannon' {
  interface Options {
    /** Requests per second over all connections (each connection's share is a per-second budget). */
    overallRate?: number;
    /** Stop after this many requests (instead of after `duration`). */
    amount?: number;
  }
}

/** Issue 3 targets. */
const TARGET_BATCH_PER_S = 20_000;
const TARGET_SINGLE_P99_MS = 10;

const BATCH_TICKETS = 100_000;
const BATCH_SIZE = 1_000;
/** Batches in flight at once ("a few concurrent requests": several gates uploading). */
const BATCH_CONCURRENCY = 4;
/** Warm-up batches (their own tickets) before the measured 100,000. */
const WARMUP_BATCHES = 10;
const SINGLE_RATE = 500;
/** Connections of the autocannon `overallRate` run (as many as the events benchmark uses). */
const SINGLE_CONNECTIONS = 20;
/** Single admissions one at a time (one connection, no rate): the latency floor, without queueing. */
const SEQUENTIAL_REQUESTS = 1_000;

/** CPU seconds used so far by serve's Node processes and by its embedded PostgreSQL. */
function cpuProbe(server: Server, dataDir: string): () => { node: number; postgres: number } {
  return () => {
    const all = allProcesses();
    const pm = postmasterPid(dataDir);
    const pgPids = new Set(pm !== undefined ? processTree(pm, all).map((p) => p.pid) : []);
    const node = processTree(server.proc.pid, all).filter((p) => !pgPids.has(p.pid));
    return { node: sum(node.map((p) => cpuSeconds(p.pid))), postgres: sum([...pgPids].map(cpuSeconds)) };
  };
}

/** A connection to serve's embedded PostgreSQL through its Unix socket, for the bench's own setup and checks. */
function openPool(dataDir: string): pg.Pool {
  const pool = new pg.Pool({ host: path.join(dataDir, 'pg'), port: 5432, user: 'postgres', database: 'encore', max: 2 });
  pool.on('error', () => {});
  return pool;
}

async function api(server: Server, apiKey: string, method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { authorization: apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

interface StoredEvent {
  eventId: string;
  showPk: string;
}

async function createEvent(server: Server, apiKey: string): Promise<StoredEvent> {
  const res = await api(server, apiKey, 'POST', '/v1/events', {
    externalReferenceId: 'admission-bench',
    title: 'Admission benchmark',
    description: 'One show, one ticket option',
    location: { venueName: 'Palau Sant Jordi', city: 'Barcelona', country: 'ES', timeZone: 'Europe/Madrid' },
    configuration: { policy: 'NONE', currency: 'EUR' },
    shows: [{ showId: 'night-1', date: '2027-06-01T21:00:00+02:00', ticketOptions: [{ ticketId: 'ga', title: 'General admission', price: 45 }] }],
  });
  const data = (res.json as { data?: { id: string; shows: { id: string }[] } } | undefined)?.data;
  if (res.status !== 200 || !data?.shows[0]) throw new Error(`POST /v1/events answered ${res.status}: ${res.text.slice(0, 500)}`);
  return { eventId: data.id, showPk: data.shows[0].id };
}

/**
 * Ticket ingestion is not what this benchmark measures, so tickets are written straight into the
 * table, in one INSERT … SELECT per set (every NOT NULL column filled as ingestion would), then
 * ANALYZEd as autovacuum would after a bulk load.
 */
async function insertTickets(pool: pg.Pool, tenantId: string, event: StoredEvent, prefix: string, count: number): Promise<void> {
  await pool.query(
    `INSERT INTO tickets (tenant_id, ticket_id, event_id, show_pk, ticket_option_id, status, buyer, buyer_email, price_minor, currency,
                          access_type, access_locator, access_status, content_hash)
     SELECT $1, $4 || g, $2, $3, 'ga', 'VALID', '"fan@example.com"'::jsonb, 'fan@example.com', 4500, 'EUR',
            'OTHER', 'code-' || $4 || g, 'UNLOCKED', md5($4 || g)
     FROM generate_series(0, $5::int - 1) g`,
    [tenantId, event.eventId, event.showPk, prefix, count],
  );
}

async function countAdmissions(pool: pg.Pool, tenantId: string, prefix: string): Promise<{ admissions: number; used: number; history: number }> {
  const like = `${prefix}%`;
  const { rows } = await pool.query<{ admissions: string; used: string; history: string }>(
    `SELECT (SELECT count(*) FROM admissions WHERE tenant_id = $1 AND ticket_id LIKE $2) AS admissions,
            (SELECT count(*) FROM tickets WHERE tenant_id = $1 AND ticket_id LIKE $2 AND status = 'USED') AS used,
            (SELECT count(*) FROM ticket_history WHERE tenant_id = $1 AND ticket_id LIKE $2 AND kind = 'ADMITTED') AS history`,
    [tenantId, like],
  );
  const r = rows[0]!;
  return { admissions: Number(r.admissions), used: Number(r.used), history: Number(r.history) };
}

/**
 * Waits (up to a minute) until no autovacuum worker runs, so that a measured stage does not pay for
 * the clean-up of the previous one (100,000 updated tickets leave 100,000 dead row versions).
 * Returns the seconds waited.
 */
async function quiesce(pool: pg.Pool): Promise<number> {
  const t0 = performance.now();
  let idleSince: number | undefined;
  while (performance.now() - t0 < 60_000) {
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`);
    if (Number(rows[0]!.n) === 0) {
      idleSince ??= performance.now();
      if (performance.now() - idleSince >= 1_000) break;
    } else {
      idleSince = undefined;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return (performance.now() - t0) / 1000;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface BatchRun {
  tickets: number;
  batches: number;
  seconds: number;
  perSecond: number;
  latenciesMs: number[];
  failures: string[];
  cpu: { node: number; postgres: number };
}

/** Sends `ids` in batches of BATCH_SIZE, BATCH_CONCURRENCY at a time; every answer must be `data: true`. */
async function runBatches(server: Server, apiKey: string, ids: string[], entryDate: string, probe?: () => { node: number; postgres: number }): Promise<BatchRun> {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH_SIZE) batches.push(ids.slice(i, i + BATCH_SIZE));
  // Bodies are serialised before the clock starts: the client's JSON work is not the server's.
  const bodies = batches.map((b) => JSON.stringify(b.map((ticketId) => ({ ticketId, entryDate, locator: `code-${ticketId}` }))));
  const latenciesMs: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const before = probe?.();
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const i = next++;
      const started = performance.now();
      const res = await fetch(`${server.url}/v1/tickets/batch/eventAdmission`, {
        method: 'POST',
        headers: { authorization: apiKey, 'content-type': 'application/json' },
        body: bodies[i]!,
      });
      const text = await res.text();
      latenciesMs.push(performance.now() - started);
      if (res.status !== 200 || !text.includes('"data":true')) failures.push(`batch ${i}: ${res.status} ${text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: BATCH_CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const after = probe?.();
  return {
    tickets: ids.length,
    batches: batches.length,
    seconds,
    perSecond: ids.length / seconds,
    latenciesMs: latenciesMs.sort((a, b) => a - b),
    failures,
    cpu: before && after ? { node: after.node - before.node, postgres: after.postgres - before.postgres } : { node: 0, postgres: 0 },
  };
}

/** A load run as the report shows it, whichever generator produced it. */
interface LoadRun {
  requests: number;
  seconds: number;
  /** Sorted, in milliseconds. */
  latenciesMs: number[];
  ok2xx: number;
  statusCounts: Record<string, number>;
  errors: number;
  cpu: { node: number; postgres: number };
  /** Requests whose ticket was taken from the sequence (the next run starts after them). */
  sent: number;
  /** autocannon's figures, when it ran the load (it keeps a histogram, not the samples). */
  histogram?: Summary;
}

interface PacedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Open-loop load at an even rate: request i is due at t0 + i / rate and is sent at the first 1 ms
 * timer tick after that, on a keep-alive connection pool, whether or not earlier requests have been
 * answered (a slow answer never delays the schedule). Latency is measured from the due time, so time a
 * request spent waiting to be sent counts too (no coordinated omission).
 *
 * autocannon's `overallRate` is not this: each connection sends back to back until it has used its
 * share of the second, then waits for the next second, so 500 req/s over 20 connections arrives as a
 * burst of 20 concurrent requests at the start of every second. That run is reported beside this one.
 */
async function paced(server: Server, rate: number, durationS: number, makeRequest: (i: number) => PacedRequest, probe?: () => { node: number; postgres: number }): Promise<LoadRun> {
  const target = new URL(server.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(rate * durationS);
  const intervalMs = 1000 / rate;
  const latenciesMs: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  const send = (req: PacedRequest, due: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const r = http.request(
        { hostname: target.hostname, port: target.port, path: req.path, method: req.method, headers: req.headers, agent, timeout: 10_000 },
        (res) => {
          res.resume();
          res.on('end', () => {
            latenciesMs.push(performance.now() - due);
            const code = String(res.statusCode ?? 0);
            statusCounts[code] = (statusCounts[code] ?? 0) + 1;
            resolve();
          });
        },
      );
      r.on('error', () => {
        errors++;
        resolve();
      });
      r.on('timeout', () => r.destroy(new Error('timeout')));
      r.end(req.body);
    });
  const before = probe?.();
  const t0 = performance.now() + 5;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      while (sent < total && t0 + sent * intervalMs <= now) {
        const due = t0 + sent * intervalMs;
        const p = send(makeRequest(sent), due);
        sent++;
        inFlight.add(p);
        void p.then(() => inFlight.delete(p));
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await Promise.all([...inFlight]);
  const seconds = (performance.now() - t0) / 1000;
  const after = probe?.();
  agent.destroy();
  const ok2xx = Object.entries(statusCounts)
    .filter(([c]) => c.startsWith('2'))
    .reduce((n, [, k]) => n + k, 0);
  return {
    requests: latenciesMs.length + errors,
    seconds,
    latenciesMs: latenciesMs.sort((a, b) => a - b),
    ok2xx,
    statusCounts,
    errors,
    cpu: before && after ? { node: after.node - before.node, postgres: after.postgres - before.postgres } : { node: 0, postgres: 0 },
    sent,
  };
}

/** autocannon runs: one connection one request at a time (`amount`), or `overallRate` over 20 connections. */
async function cannon(
  server: Server,
  load: { durationS: number } | { amount: number },
  makeRequest: (i: number) => PacedRequest,
  probe?: () => { node: number; postgres: number },
): Promise<LoadRun> {
  let n = 0;
  const before = probe?.();
  const result: Result = await autocannon({
    url: server.url,
    ...('amount' in load ? { connections: 1, amount: load.amount } : { connections: SINGLE_CONNECTIONS, overallRate: SINGLE_RATE, duration: load.durationS }),
    timeout: 10,
    requests: [{ setupRequest: (req) => ({ ...req, ...makeRequest(n++) }) }],
  });
  const after = probe?.();
  const l = result.latency;
  return {
    requests: result.requests.total,
    seconds: result.duration,
    latenciesMs: [],
    ok2xx: result['2xx'],
    statusCounts: Object.fromEntries(Object.entries(result.statusCodeStats).map(([c, st]) => [c, st.count])),
    errors: result.errors + result.timeouts,
    cpu: before && after ? { node: after.node - before.node, postgres: after.postgres - before.postgres } : { node: 0, postgres: 0 },
    sent: n,
    histogram: { p50: l.p50, p90: l.p90, p99: l.p99, max: l.max, mean: l.average },
  };
}

interface Summary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

function summarize(run: LoadRun): Summary {
  if (run.histogram) return run.histogram;
  const l = run.latenciesMs;
  return { p50: percentile(l, 50), p90: percentile(l, 90), p99: percentile(l, 99), max: l.at(-1) ?? Number.NaN, mean: l.length ? sum(l) / l.length : Number.NaN };
}

function runProblems(label: string, run: LoadRun): string[] {
  const problems: string[] = [];
  if (run.ok2xx === 0) problems.push(`${label}: no request succeeded`);
  const bad = Object.entries(run.statusCounts).filter(([code]) => !code.startsWith('2'));
  if (bad.length) problems.push(`${label}: ${bad.map(([c, k]) => `${k} × ${c}`).join(', ')}`);
  if (run.errors > 0) problems.push(`${label}: ${run.errors} connection errors or timeouts`);
  return problems;
}

function loadRow(name: string, run: LoadRun): string[] {
  const s = summarize(run);
  return [
    name,
    fmtNum(run.requests),
    fmtNum(run.requests / run.seconds),
    ms(s.p50),
    ms(s.p90),
    ms(s.p99),
    ms(s.max),
    fmtNum(s.mean, 2),
    fmtNum(run.ok2xx),
    fmtNum(run.requests - run.ok2xx - run.errors),
    fmtNum(run.errors),
    cpuText(run.cpu),
    run.ok2xx > 0 ? `${fmtNum((1000 * (run.cpu.node + run.cpu.postgres)) / run.ok2xx, 2)} ms` : '',
  ];
}

const ms = (n: number): string => (!Number.isFinite(n) ? 'n/a' : n < 1 ? fmtNum(n, 2) : fmtNum(n, n < 10 ? 1 : 0));
const cpuText = (c: { node: number; postgres: number }): string => `${fmtNum(c.node, 1)} s node + ${fmtNum(c.postgres, 1)} s postgres`;

/** A single admission of ticket `${prefix}${i}`, with its code, at `entryDate`. */
function admissionRequest(apiKey: string, prefix: string, first: number, entryDate: string): (i: number) => PacedRequest {
  return (i) => {
    const ticketId = `${prefix}${first + i}`;
    return {
      method: 'POST',
      path: `/v1/tickets/${ticketId}/eventAdmission`,
      headers: { authorization: apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ entryDate, locator: `code-${ticketId}` }),
    };
  };
}

export const admissionBench: Benchmark = {
  name: 'admission',
  title: 'Admission at the gate',
  async run(opts): Promise<BenchReport> {
    const problems: string[] = [];
    const pacedTickets = Math.ceil(SINGLE_RATE * (opts.warmupS + opts.durationS)) + 100;
    const burstTickets = Math.ceil(SINGLE_RATE * opts.durationS * 1.2) + 1_000;
    const data = tempDataDir();
    let batch: BatchRun;
    let single: LoadRun;
    let singleWarm: LoadRun | undefined;
    let burst: LoadRun;
    let sequential: LoadRun;
    let lightGet: LoadRun;
    let stored: { batch: { admissions: number; used: number; history: number }; single: { admissions: number; used: number; history: number } };
    let setupS: number;
    const quietS: number[] = [];
    try {
      opts.log(`  Encore: starting serve on ${data.dir}`);
      const encore = await startEncore({ dataDir: data.dir });
      const pool = openPool(data.dir);
      try {
        const { tenantId, apiKey } = await createTenant(data.dir);
        const event = await createEvent(encore, apiKey);
        const t0 = performance.now();
        const sets: [string, number][] = [
          ['b-', BATCH_TICKETS],
          ['w-', WARMUP_BATCHES * BATCH_SIZE],
          ['s-', pacedTickets],
          ['a-', burstTickets],
          ['q-', SEQUENTIAL_REQUESTS],
          ['smoke-', 2],
        ];
        opts.log(`  inserting ${fmtNum(sum(sets.map(([, n]) => n)))} tickets into the database`);
        for (const [prefix, count] of sets) await insertTickets(pool, tenantId, event, prefix, count);
        // The steady state autovacuum reaches after a bulk load: statistics and visibility map up to date.
        await pool.query('VACUUM (ANALYZE) tickets');
        setupS = (performance.now() - t0) / 1000;

        // One request of each kind first, so that a missing or failing route is reported with its answer.
        const smokeBatch = await api(encore, apiKey, 'POST', '/v1/tickets/batch/eventAdmission', [{ ticketId: 'smoke-0', entryDate: '2027-06-01T19:00:00Z' }]);
        if (smokeBatch.status !== 200 || (smokeBatch.json as { data?: unknown } | undefined)?.data !== true) {
          throw new Error(`POST /v1/tickets/batch/eventAdmission answered ${smokeBatch.status}: ${smokeBatch.text.slice(0, 500)}`);
        }
        const smokeOne = await api(encore, apiKey, 'POST', '/v1/tickets/smoke-1/eventAdmission', { entryDate: '2027-06-01T19:00:00Z' });
        if (smokeOne.status !== 200) throw new Error(`POST /v1/tickets/:ticketId/eventAdmission answered ${smokeOne.status}: ${smokeOne.text.slice(0, 500)}`);

        const probe = cpuProbe(encore, data.dir);
        const ids = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

        quietS.push(await quiesce(pool));
        if (opts.warmupS > 0) {
          opts.log(`  single: warm-up ${opts.warmupS} s at ${SINGLE_RATE} req/s`);
          singleWarm = await paced(encore, SINGLE_RATE, opts.warmupS, admissionRequest(apiKey, 's-', 0, '2027-06-01T20:00:00Z'));
          problems.push(...runProblems('single warm-up', singleWarm));
        }
        opts.log(`  single: ${opts.durationS} s at an even ${SINGLE_RATE} req/s, each request a different ticket`);
        // The measured run continues the ticket sequence after the warm-up's: no ticket is scanned twice.
        single = await paced(encore, SINGLE_RATE, opts.durationS, admissionRequest(apiKey, 's-', singleWarm?.sent ?? 0, '2027-06-01T20:30:00Z'), probe);
        problems.push(...runProblems('single admissions', single));
        opts.log(`  single: p50 ${ms(summarize(single).p50)} ms, p99 ${ms(summarize(single).p99)} ms`);

        opts.log(`  single: autocannon overallRate ${SINGLE_RATE} over ${SINGLE_CONNECTIONS} connections for ${opts.durationS} s`);
        burst = await cannon(encore, { durationS: opts.durationS }, admissionRequest(apiKey, 'a-', 0, '2027-06-01T20:40:00Z'), probe);
        problems.push(...runProblems('single admissions (autocannon)', burst));
        opts.log(`  reference: ${fmtNum(SEQUENTIAL_REQUESTS)} single admissions one at a time`);
        sequential = await cannon(encore, { amount: SEQUENTIAL_REQUESTS }, admissionRequest(apiKey, 'q-', 0, '2027-06-01T20:45:00Z'), probe);
        problems.push(...runProblems('sequential reference', sequential));
        opts.log(`  reference: GET /v1/webhooks (API key + one SELECT) at an even ${SINGLE_RATE} req/s for ${opts.durationS} s`);
        lightGet = await paced(encore, SINGLE_RATE, opts.durationS, () => ({ method: 'GET', path: '/v1/webhooks', headers: { authorization: apiKey } }), probe);
        problems.push(...runProblems('GET reference', lightGet));

        quietS.push(await quiesce(pool));
        opts.log(`  batch: warm-up ${WARMUP_BATCHES} batches`);
        const warm = await runBatches(encore, apiKey, ids('w-', WARMUP_BATCHES * BATCH_SIZE), '2027-06-01T19:00:00Z');
        problems.push(...warm.failures.slice(0, 3).map((f) => `warm-up ${f}`));
        opts.log(`  batch: ${fmtNum(BATCH_TICKETS)} admissions in batches of ${fmtNum(BATCH_SIZE)}, ${BATCH_CONCURRENCY} requests in flight`);
        batch = await runBatches(encore, apiKey, ids('b-', BATCH_TICKETS), '2027-06-01T19:30:00Z', probe);
        opts.log(`  batch: ${fmtNum(batch.perSecond)} admissions/s (${fmtNum(batch.seconds, 2)} s)`);
        if (batch.failures.length) problems.push(`${batch.failures.length} batch requests failed: ${batch.failures.slice(0, 3).join(' | ')}`);

        stored = { batch: await countAdmissions(pool, tenantId, 'b-'), single: await countAdmissions(pool, tenantId, 's-') };
      } finally {
        await pool.end();
        await encore.stop();
      }
    } finally {
      await data.remove();
    }

    if (stored.batch.admissions !== BATCH_TICKETS || stored.batch.used !== BATCH_TICKETS || stored.batch.history !== BATCH_TICKETS) {
      problems.push(`after the batch run the database holds ${JSON.stringify(stored.batch)} for ${BATCH_TICKETS} tickets`);
    }
    const singleOk = (singleWarm?.ok2xx ?? 0) + single.ok2xx;
    if (stored.single.admissions !== singleOk || stored.single.used !== singleOk || stored.single.history !== singleOk) {
      problems.push(`${singleOk} paced single admissions answered 2xx but the database holds ${JSON.stringify(stored.single)}`);
    }

    const valid = problems.length === 0;
    const lat = batch.latenciesMs;
    const one = summarize(single);
    const summary: Metric[] = [
      {
        metric: `batch admission throughput (${fmtNum(BATCH_TICKETS)} tickets, batches of ${fmtNum(BATCH_SIZE)}, ${BATCH_CONCURRENCY} in flight)`,
        value: `${fmtNum(batch.perSecond)} admissions/s`,
        target: `≥ ${fmtNum(TARGET_BATCH_PER_S)}/s`,
        pass: valid && batch.perSecond >= TARGET_BATCH_PER_S,
      },
      { metric: 'batch request latency p50 / p99', value: `${ms(percentile(lat, 50))} / ${ms(percentile(lat, 99))} ms` },
      {
        metric: `single admission p99 at an even ${SINGLE_RATE} req/s`,
        value: `${ms(one.p99)} ms`,
        target: `< ${TARGET_SINGLE_P99_MS} ms`,
        pass: valid && one.p99 < TARGET_SINGLE_P99_MS,
      },
      { metric: 'single admission p50 / mean', value: `${ms(one.p50)} / ${fmtNum(one.mean, 2)} ms` },
      { metric: `single admission p99, autocannon overallRate ${SINGLE_RATE} (bursts of ${SINGLE_CONNECTIONS})`, value: `${ms(summarize(burst).p99)} ms` },
      { metric: 'reference: single admissions one at a time, p50 / p99', value: `${ms(summarize(sequential).p50)} / ${ms(summarize(sequential).p99)} ms` },
      { metric: `reference: GET /v1/webhooks (API key + one SELECT) p99 at an even ${SINGLE_RATE} req/s`, value: `${ms(summarize(lightGet).p99)} ms` },
      { metric: 'ratio batch rate / target', value: fmtNum(batch.perSecond / TARGET_BATCH_PER_S, 2) },
      { metric: 'ratio single p99 / target', value: fmtNum(one.p99 / TARGET_SINGLE_P99_MS, 2) },
    ];

    const details = [
      `Encore runs as \`serve\` (LOG_LEVEL=warn) on a fresh embedded PostgreSQL (fsync on). The benchmark creates a tenant (CLI) and one event ` +
        "(`POST /v1/events`), then writes the tickets straight into the `tickets` table through the server's Unix socket (one " +
        '`INSERT … SELECT generate_series` per set, every column ingestion would fill; ingestion has its own benchmark) and runs ' +
        `\`VACUUM (ANALYZE) tickets\`, the state autovacuum reaches after a bulk load (${fmtNum(setupS, 1)} s for all sets). Each scan carries the ` +
        "ticket's access code as `locator`, so the code check runs on every admission. The single admissions run first, then the batch; before " +
        'each the benchmark waits until no autovacuum worker runs, so that no stage pays for cleaning up after the previous one ' +
        `(${quietS.map((q) => `${fmtNum(q, 1)} s`).join(' and ')} waited). After the runs the database is checked: one admission, one \`ADMITTED\` ` +
        'history row and status USED for every ticket admitted, none twice.',
      '',
      `**Batch**: ${fmtNum(BATCH_TICKETS)} distinct tickets sent to \`POST /v1/tickets/batch/eventAdmission\` in ${batch.batches} batches of ` +
        `${fmtNum(BATCH_SIZE)} (bodies serialised beforehand), ${BATCH_CONCURRENCY} requests in flight (fetch, keep-alive), after ${WARMUP_BATCHES} ` +
        'warm-up batches on other tickets. Throughput = tickets / wall time from the first request sent to the last answer; every answer had ' +
        'to be `data: true`. Each batch is one transaction whatever its size: one statement that moves its tickets to USED, inserts the ' +
        'admission and history rows and reads the tickets back, one audit row, one webhook lookup.',
      '',
      table(
        ['run', 'admissions', 'wall time', 'admissions/s', 'batch p50 ms', 'batch p99 ms', 'batch max ms', 'server CPU time', 'CPU per admission'],
        [
          [
            `${batch.batches} × ${fmtNum(BATCH_SIZE)}, ${BATCH_CONCURRENCY} in flight`,
            fmtNum(batch.tickets),
            `${fmtNum(batch.seconds, 2)} s`,
            fmtNum(batch.perSecond),
            ms(percentile(lat, 50)),
            ms(percentile(lat, 99)),
            ms(lat.at(-1) ?? Number.NaN),
            cpuText(batch.cpu),
            `${fmtNum((1e6 * (batch.cpu.node + batch.cpu.postgres)) / batch.tickets, 1)} µs`,
          ],
        ],
      ),
      '',
      `**Single**: \`POST /v1/tickets/:ticketId/eventAdmission\`, each request a different ticket, at an even ${SINGLE_RATE} requests/s for ` +
        `${opts.durationS} s after a ${opts.warmupS} s warm-up: an open-loop generator in the bench process (node:http, keep-alive) sends request i ` +
        `at t0 + i × ${fmtNum(1000 / SINGLE_RATE, 1)} ms whatever the earlier answers, and measures each latency from that due time (no ` +
        "coordinated omission). autocannon's `overallRate` is reported beside it but is a different load: each connection sends back to back " +
        `until it has used its share of the second, then waits for the next second, so ${SINGLE_RATE} req/s over ${SINGLE_CONNECTIONS} connections ` +
        `arrives as ${SINGLE_CONNECTIONS} concurrent requests from the start of every second until the second's ${SINGLE_RATE} are done. Each ` +
        'admission is one transaction: one statement that admits and reads the ticket, one audit row, one webhook lookup (BEGIN and COMMIT ' +
        'included, 5 round trips), plus the API-key lookup before it. References measured right after on the same server: the same ' +
        `admissions one at a time (autocannon, one connection, ${fmtNum(SEQUENTIAL_REQUESTS)} requests), and \`GET /v1/webhooks\` (the API-key ` +
        `lookup and one SELECT, no transaction) at the same even ${SINGLE_RATE} req/s: what this machine gives a minimal authenticated database ` +
        'route at that rate.',
      '',
      table(
        ['run', 'requests', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'mean ms', '2xx', 'non-2xx', 'errors', 'server CPU time', 'CPU per 2xx'],
        [
          loadRow(`admission, even ${SINGLE_RATE} req/s × ${opts.durationS} s`, single),
          loadRow(`admission, autocannon overallRate ${SINGLE_RATE}, ${SINGLE_CONNECTIONS} connections`, burst),
          loadRow('admission, one at a time (reference)', sequential),
          loadRow(`GET /v1/webhooks, even ${SINGLE_RATE} req/s (reference)`, lightGet),
        ],
      ),
      '',
      `Server CPU time is user + system time of serve's Node processes and of the whole embedded PostgreSQL during the measured run (from ` +
        `\`/proc/<pid>/stat\`); this machine has ${os.cpus().length} CPUs, shared with the load generator. Median batch latency over the run: ` +
        `${ms(median(lat))} ms.`,
    ].join('\n');

    return { summary, details, problems };
  },
};
