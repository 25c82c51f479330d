import autocannon, { type Result } from 'autocannon';
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
    /** Requests per second from all connections together (fixed-rate load). */
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
/** Connections autocannon spreads the fixed rate over; enough that none waits at 500 req/s. */
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

interface SingleRun {
  result: Result;
  sent: number;
  cpu: { node: number; postgres: number };
}

/** Fixed-rate single admissions, each request a different ticket (autocannon `setupRequest`). */
async function runSingles(
  server: Server,
  apiKey: string,
  prefix: string,
  first: number,
  load: { durationS: number } | { amount: number },
  entryDate: string,
  probe?: () => { node: number; postgres: number },
): Promise<SingleRun> {
  let n = first;
  const before = probe?.();
  const result = await autocannon({
    url: server.url,
    ...('amount' in load ? { connections: 1, amount: load.amount } : { connections: SINGLE_CONNECTIONS, overallRate: SINGLE_RATE, duration: load.durationS }),
    timeout: 10,
    requests: [
      {
        method: 'POST',
        headers: { authorization: apiKey, 'content-type': 'application/json' },
        setupRequest: (req) => {
          const ticketId = `${prefix}${n++}`;
          return { ...req, path: `/v1/tickets/${ticketId}/eventAdmission`, body: JSON.stringify({ entryDate, locator: `code-${ticketId}` }) };
        },
      },
    ],
  });
  const after = probe?.();
  return { result, sent: n - first, cpu: before && after ? { node: after.node - before.node, postgres: after.postgres - before.postgres } : { node: 0, postgres: 0 } };
}

function singleProblems(r: Result): string[] {
  const problems: string[] = [];
  if (r['2xx'] === 0) problems.push('no single admission succeeded');
  if (r.non2xx > 0) {
    const codes = Object.entries(r.statusCodeStats)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, s]) => `${s.count} × ${code}`)
      .join(', ');
    problems.push(`${r.non2xx} non-2xx single admissions (${codes})`);
  }
  if (r.errors > 0) problems.push(`${r.errors} connection errors`);
  if (r.timeouts > 0) problems.push(`${r.timeouts} timeouts`);
  return problems;
}

function singleRow(name: string, run: SingleRun): string[] {
  const r = run.result;
  return [
    name,
    fmtNum(r.requests.total),
    fmtNum(r.requests.average),
    String(r.latency.p50),
    String(r.latency.p90),
    String(r.latency.p99),
    String(r.latency.max),
    fmtNum(r.latency.average, 2),
    fmtNum(r['2xx']),
    fmtNum(r.non2xx),
    fmtNum(r.errors + r.timeouts),
    cpuText(run.cpu),
    r['2xx'] > 0 ? `${fmtNum((1000 * (run.cpu.node + run.cpu.postgres)) / r['2xx'], 2)} ms` : '',
  ];
}

const ms = (n: number): string => (n < 1 ? fmtNum(n, 2) : fmtNum(n, n < 10 ? 1 : 0));
const cpuText = (c: { node: number; postgres: number }): string => `${fmtNum(c.node, 1)} s node + ${fmtNum(c.postgres, 1)} s postgres`;

export const admissionBench: Benchmark = {
  name: 'admission',
  title: 'Admission at the gate',
  async run(opts): Promise<BenchReport> {
    const problems: string[] = [];
    const singleTickets = Math.ceil(SINGLE_RATE * (opts.warmupS + opts.durationS) * 1.2) + 1_000;
    const data = tempDataDir();
    let batch: BatchRun;
    let single: SingleRun;
    let singleWarm: SingleRun | undefined;
    let sequential: SingleRun;
    let lightGet: SingleRun;
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
        opts.log(`  inserting ${fmtNum(BATCH_TICKETS)} + ${fmtNum(WARMUP_BATCHES * BATCH_SIZE)} (warm-up) + ${fmtNum(singleTickets + SEQUENTIAL_REQUESTS + 100)} (single) tickets into the database`);
        await insertTickets(pool, tenantId, event, 'b-', BATCH_TICKETS);
        await insertTickets(pool, tenantId, event, 'w-', WARMUP_BATCHES * BATCH_SIZE);
        await insertTickets(pool, tenantId, event, 's-', singleTickets);
        await insertTickets(pool, tenantId, event, 'q-', SEQUENTIAL_REQUESTS + 100);
        await insertTickets(pool, tenantId, event, 'smoke-', 2);
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
          singleWarm = await runSingles(encore, apiKey, 's-', 0, { durationS: opts.warmupS }, '2027-06-01T20:00:00Z');
          problems.push(...singleProblems(singleWarm.result).map((p) => `single warm-up: ${p}`));
        }
        opts.log(`  single: ${opts.durationS} s at ${SINGLE_RATE} req/s, each request a different ticket`);
        // The measured run continues the ticket sequence after the warm-up's: no ticket is scanned twice.
        single = await runSingles(encore, apiKey, 's-', singleWarm?.sent ?? 0, { durationS: opts.durationS }, '2027-06-01T20:30:00Z', probe);
        problems.push(...singleProblems(single.result));
        opts.log(`  single: p50 ${single.result.latency.p50} ms, p99 ${single.result.latency.p99} ms, ${fmtNum(single.result.requests.average)} req/s`);

        opts.log(`  reference: ${fmtNum(SEQUENTIAL_REQUESTS)} single admissions one at a time`);
        sequential = await runSingles(encore, apiKey, 'q-', 0, { amount: SEQUENTIAL_REQUESTS }, '2027-06-01T20:45:00Z', probe);
        problems.push(...singleProblems(sequential.result).map((p) => `sequential reference: ${p}`));
        opts.log(`  reference: GET /v1/webhooks (API key + one SELECT) at ${SINGLE_RATE} req/s for ${opts.durationS} s`);
        const before = probe();
        const getResult = await autocannon({
          url: encore.url,
          connections: SINGLE_CONNECTIONS,
          overallRate: SINGLE_RATE,
          duration: opts.durationS,
          timeout: 10,
          requests: [{ method: 'GET', path: '/v1/webhooks', headers: { authorization: apiKey } }],
        });
        const after = probe();
        lightGet = { result: getResult, sent: getResult.requests.total, cpu: { node: after.node - before.node, postgres: after.postgres - before.postgres } };
        problems.push(...singleProblems(getResult).map((p) => `GET reference: ${p}`));

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
    // Requests still in flight when autocannon stops may be stored without their answer being counted.
    const singleOk = (singleWarm?.result['2xx'] ?? 0) + single.result['2xx'];
    const singleSent = (singleWarm?.sent ?? 0) + single.sent;
    if (stored.single.admissions < singleOk || stored.single.admissions > singleSent || stored.single.used !== stored.single.admissions) {
      problems.push(`${singleOk} single admissions answered 2xx (${singleSent} sent) but the database holds ${JSON.stringify(stored.single)}`);
    }

    const valid = problems.length === 0;
    const lat = batch.latenciesMs;
    const s = single.result;
    const summary: Metric[] = [
      {
        metric: `batch admission throughput (${fmtNum(BATCH_TICKETS)} tickets, batches of ${fmtNum(BATCH_SIZE)}, ${BATCH_CONCURRENCY} in flight)`,
        value: `${fmtNum(batch.perSecond)} admissions/s`,
        target: `≥ ${fmtNum(TARGET_BATCH_PER_S)}/s`,
        pass: valid && batch.perSecond >= TARGET_BATCH_PER_S,
      },
      { metric: 'batch request latency p50 / p99', value: `${ms(percentile(lat, 50))} / ${ms(percentile(lat, 99))} ms` },
      {
        metric: `single admission p99 at ${SINGLE_RATE} req/s`,
        value: `${s.latency.p99} ms`,
        target: `< ${TARGET_SINGLE_P99_MS} ms`,
        pass: valid && s.latency.p99 < TARGET_SINGLE_P99_MS,
      },
      { metric: 'single admission p50 / mean', value: `${s.latency.p50} / ${fmtNum(s.latency.average, 2)} ms` },
      { metric: 'reference: single admissions one at a time, p50 / p99', value: `${sequential.result.latency.p50} / ${sequential.result.latency.p99} ms` },
      { metric: `reference: GET /v1/webhooks (API key + one SELECT) p99 at ${SINGLE_RATE} req/s`, value: `${lightGet.result.latency.p99} ms` },
      { metric: 'ratio batch rate / target', value: fmtNum(batch.perSecond / TARGET_BATCH_PER_S, 2) },
      { metric: 'ratio single p99 / target', value: fmtNum(s.latency.p99 / TARGET_SINGLE_P99_MS, 2) },
    ];

    const details = [
      `Encore runs as \`serve\` (LOG_LEVEL=warn) on a fresh embedded PostgreSQL (fsync on). The benchmark creates a tenant (CLI) and one event ` +
        `(\`POST /v1/events\`), then writes the tickets straight into the \`tickets\` table through the server's Unix socket (one ` +
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
      `**Single**: \`POST /v1/tickets/:ticketId/eventAdmission\` at a fixed ${SINGLE_RATE} requests/s (autocannon \`overallRate\`, ` +
        `${SINGLE_CONNECTIONS} connections, latency corrected for coordinated omission) for ${opts.durationS} s after a ${opts.warmupS} s warm-up, ` +
        'each request a different ticket (`setupRequest`). Each admission is one transaction: one statement that admits and reads the ticket, one ' +
        'audit row, one webhook lookup (BEGIN and COMMIT included, 5 round trips), plus the API-key lookup before it. Two references, measured ' +
        `right after on the same server: the same admissions one at a time (one connection, ${fmtNum(SEQUENTIAL_REQUESTS)} requests, no rate: ` +
        `latency without queueing), and \`GET /v1/webhooks\` (API-key lookup and one SELECT, no transaction) at the same ${SINGLE_RATE} req/s: ` +
        'what the machine gives a minimal authenticated database route at that rate.',
      '',
      table(
        ['run', 'requests', 'req/s (mean)', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'mean ms', '2xx', 'non-2xx', 'errors', 'server CPU time', 'CPU per request'],
        [
          singleRow(`admission, ${SINGLE_RATE} req/s × ${opts.durationS} s`, single),
          singleRow(`admission, one at a time (reference)`, sequential),
          singleRow(`GET /v1/webhooks, ${SINGLE_RATE} req/s × ${opts.durationS} s (reference)`, lightGet),
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
