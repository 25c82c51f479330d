import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { allProcesses, cpuSeconds, postmasterPid, processTree, sleep } from './lib/process.js';
import type { Benchmark, BenchReport, RunOptions } from './lib/report.js';
import { table } from './lib/report.js';
import { createTenant, startEncore, tempDataDir, type Server } from './lib/servers.js';
import { fmtMb, fmtNum, sum } from './lib/stats.js';

/**
 * Ticket ingestion (issue 3): N tickets sent to `POST /v1/tickets` in batches of 1,000 against the
 * real `serve` (which also runs the job workers), timed from the first request until the last job
 * is COMPLETED; then, on the same embedded PostgreSQL, the same rows written by a raw multi-row
 * INSERT into the same (emptied) `tickets` table, 1,000 rows a statement, one connection.
 */

const BATCH = 1000;
const SENDERS = 4;
/** Connections of the second, parallel raw reference (as many as Encore's ingestion jobs in flight). */
const PARALLEL_RAW = 4;
const TARGET_RATIO = 0.5;
/** Issue 13: ingestion against the same raw INSERTs on four connections (Encore works four chunks at once). */
const TARGET_PARALLEL_RATIO = 0.8;
const TARGET_RATE = 20_000;
const TARGET_RSS_KB = 400 * 1024;
const DEFAULT_TICKETS = 1_000_000;
const WARMUP_TICKETS = 10_000;

const EVENT = 'bench-ingest';

function eventBody(): Record<string, unknown> {
  return {
    externalReferenceId: EVENT,
    title: 'Ingestion benchmark',
    description: 'One show, one ticket option',
    location: { venueName: 'Sala Apolo', city: 'Barcelona', country: 'ES', timeZone: 'Europe/Madrid' },
    configuration: { policy: 'NONE', currency: 'EUR' },
    shows: [{ showId: 'night-1', date: '2027-06-01T21:00:00+02:00', ticketOptions: [{ ticketId: 'general', title: 'General', price: 35 }] }],
  };
}

/** One ticket as an integrator sends it: the required fields plus price, order, seat. */
function ticketJson(run: string, i: number): string {
  return (
    `{"externalReferenceEventId":"${EVENT}","buyer":"fan${i}@bench.example","ticketId":"${run}-${i}",` +
    `"ticketAccess":{"type":"URL","locator":"https://tickets.example/${run}/${i}"},"ticketOptionId":"general","price":35.5,` +
    `"orderId":"${run}-o${i >> 2}","props":{"seating":{"row":"${(i >> 5) % 100}","seat":"${i & 31}"}}}`
  );
}

function batchBody(run: string, from: number, count: number): string {
  const parts: string[] = new Array<string>(count);
  for (let k = 0; k < count; k++) parts[k] = ticketJson(run, from + k);
  return `[${parts.join(',')}]`;
}

interface SendResult {
  jobIds: string[];
  failures: string[];
  acceptMs: number;
}

/** Sends `total` tickets in batches of BATCH with SENDERS requests in flight; returns the job ids in order. */
async function sendAll(server: Server, apiKey: string, run: string, total: number): Promise<SendResult> {
  const batches = Math.ceil(total / BATCH);
  const jobIds: string[] = new Array<string>(batches);
  const failures: string[] = [];
  let next = 0;
  const t0 = performance.now();
  const sender = async (): Promise<void> => {
    for (;;) {
      const b = next++;
      if (b >= batches) return;
      const from = b * BATCH;
      const res = await fetch(`${server.url}/v1/tickets`, {
        method: 'POST',
        headers: { authorization: apiKey, 'content-type': 'application/json' },
        body: batchBody(run, from, Math.min(BATCH, total - from)),
      });
      const text = await res.text();
      if (res.status !== 200) {
        if (failures.length < 5) failures.push(`batch ${b}: HTTP ${res.status} ${text.slice(0, 300)}`);
        continue;
      }
      jobIds[b] = (JSON.parse(text) as { data: { jobId: string } }).data.jobId;
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  return { jobIds: jobIds.filter(Boolean), failures, acceptMs: performance.now() - t0 };
}

interface JobTotals {
  completed: number;
  succeeded: number;
  failed: number;
}

async function jobTotals(pool: pg.Pool, jobIds: string[]): Promise<JobTotals> {
  const { rows } = await pool.query<{ completed: number; succeeded: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed, coalesce(sum(succeeded), 0)::int AS succeeded, coalesce(sum(failed), 0)::int AS failed
     FROM ingestion_jobs WHERE id = ANY($1::text[])`,
    [jobIds],
  );
  return rows[0]!;
}

/** Polls `GET /v1/jobs/:id` of the last job until it is COMPLETED, then the database until all are. */
async function waitForJobs(server: Server, apiKey: string, pool: pg.Pool, jobIds: string[], timeoutMs: number): Promise<JobTotals> {
  const deadline = performance.now() + timeoutMs;
  const last = jobIds[jobIds.length - 1]!;
  for (;;) {
    const res = await fetch(`${server.url}/v1/jobs/${last}`, { headers: { authorization: apiKey } });
    const body = (await res.json()) as { data?: { status: string } };
    if (body.data?.status === 'COMPLETED' || body.data?.status === 'FAILED') {
      const totals = await jobTotals(pool, jobIds);
      if (totals.completed === jobIds.length) return totals;
    }
    if (performance.now() > deadline) throw new Error(`jobs not completed within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(50);
  }
}

/** The Encore Node process: the one spawned (`node bin/encore.mjs serve` is the app itself), while it runs. */
function appPid(server: Server): number | undefined {
  return processTree(server.proc.pid, allProcesses()).find((p) => p.pid === server.proc.pid && p.comm === 'node')?.pid;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function cpuOf(server: Server, dataDir: string): { node: number; postgres: number } {
  const all = allProcesses();
  const pm = postmasterPid(dataDir);
  const pgPids = new Set(pm !== undefined ? processTree(pm, all).map((p) => p.pid) : []);
  const node = processTree(server.proc.pid, all).filter((p) => !pgPids.has(p.pid));
  return { node: sum(node.map((p) => cpuSeconds(p.pid))), postgres: sum([...pgPids].map(cpuSeconds)) };
}

const RAW_COLUMNS = [
  'tenant_id', 'ticket_id', 'event_id', 'show_pk', 'ticket_option_id', 'status', 'buyer', 'buyer_email', 'price_minor', 'currency',
  'access_type', 'access_locator', 'access_status', 'props', 'order_id', 'content_hash',
];

/**
 * The reference: the rows Encore stores for the same tickets, written with plain multi-row
 * INSERTs (1,000 rows, 16,000 bind parameters a statement; autocommit), on one connection.
 */
async function rawInsert(
  pool: pg.Pool,
  ids: { tenantId: string; eventId: string; showPk: string },
  run: string,
  total: number,
  connections = 1,
): Promise<number> {
  const batches = Math.ceil(total / BATCH);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, () => rawWorker(pool, ids, run, total, () => (next < batches ? next++ * BATCH : undefined))));
  return performance.now() - t0;
}

async function rawWorker(
  pool: pg.Pool,
  ids: { tenantId: string; eventId: string; showPk: string },
  run: string,
  total: number,
  nextBatch: () => number | undefined,
): Promise<void> {
  const client = await pool.connect();
  try {
    for (let from = nextBatch(); from !== undefined; from = nextBatch()) {
      const count = Math.min(BATCH, total - from);
      const params: unknown[] = [];
      const tuples: string[] = [];
      for (let k = 0; k < count; k++) {
        const i = from + k;
        const buyer = `fan${i}@bench.example`;
        const props = JSON.stringify({ seating: { row: String((i >> 5) % 100), seat: String(i & 31) } });
        const row = [
          ids.tenantId, `${run}-${i}`, ids.eventId, ids.showPk, 'general', 'VALID', JSON.stringify(buyer), buyer, 3550, 'EUR',
          'URL', `https://tickets.example/${run}/${i}`, 'UNLOCKED', props, `${run}-o${i >> 2}`,
          createHash('sha256').update(`${run}-${i}${buyer}${props}`).digest('base64url'),
        ];
        const base = params.length;
        params.push(...row);
        tuples.push(`(${row.map((_, c) => `$${base + c + 1}`).join(',')})`);
      }
      await client.query(`INSERT INTO tickets (${RAW_COLUMNS.join(',')}) VALUES ${tuples.join(',')}`, params);
    }
  } finally {
    client.release();
  }
}

export const ticketsIngestBench: Benchmark = {
  name: 'tickets-ingest',
  title: 'Ticket ingestion throughput',
  async run(opts: RunOptions): Promise<BenchReport> {
    const total = (opts as RunOptions & { tickets?: number }).tickets ?? DEFAULT_TICKETS;
    const problems: string[] = [];
    const data = tempDataDir();
    try {
      opts.log(`  Encore: starting serve on ${data.dir}`);
      const server = await startEncore({ dataDir: data.dir });
      const pool = new pg.Pool({ host: path.join(data.dir, 'pg'), port: 5432, user: 'postgres', database: 'encore', max: PARALLEL_RAW + 1 });
      pool.on('error', () => {});
      try {
        const { apiKey } = await createTenant(data.dir);
        const created = await fetch(`${server.url}/v1/events`, {
          method: 'POST',
          headers: { authorization: apiKey, 'content-type': 'application/json' },
          body: JSON.stringify(eventBody()),
        });
        const event = (await created.json()) as { data?: { id: string; shows: { id: string }[] } };
        if (created.status !== 200 || !event.data) throw new Error(`POST /v1/events answered ${created.status}`);
        const { rows: tenants } = await pool.query<{ tenant_id: string }>('SELECT tenant_id FROM events WHERE id = $1', [event.data.id]);
        const ids = { tenantId: tenants[0]!.tenant_id, eventId: event.data.id, showPk: event.data.shows[0]!.id };

        const warmRun = `w${randomBytes(3).toString('hex')}`;
        opts.log(`  warm-up: ${fmtNum(WARMUP_TICKETS)} tickets`);
        const warm = await sendAll(server, apiKey, warmRun, WARMUP_TICKETS);
        if (warm.failures.length) throw new Error(`warm-up refused: ${warm.failures.join('; ')}`);
        await waitForJobs(server, apiKey, pool, warm.jobIds, 120_000);
        await pool.query('TRUNCATE tickets CASCADE');
        await pool.query('CHECKPOINT');

        const pid = appPid(server);
        if (pid === undefined) problems.push('the Encore Node process was not found: no memory figure');
        let peakRssKb = 0;
        const sampler = setInterval(() => {
          if (pid !== undefined) peakRssKb = Math.max(peakRssKb, statusKb(pid, 'VmRSS'));
        }, 100);
        const run = `t${randomBytes(3).toString('hex')}`;
        opts.log(`  Encore: ${fmtNum(total)} tickets in batches of ${fmtNum(BATCH)}, ${SENDERS} requests in flight`);
        const cpu0 = cpuOf(server, data.dir);
        const t0 = performance.now();
        let sent: SendResult;
        let totals: JobTotals;
        let encoreMs: number;
        try {
          sent = await sendAll(server, apiKey, run, total);
          problems.push(...sent.failures.map((f) => `POST /v1/tickets: ${f}`));
          totals = await waitForJobs(server, apiKey, pool, sent.jobIds, 30 * 60_000);
          encoreMs = performance.now() - t0;
        } finally {
          clearInterval(sampler);
        }
        const cpu1 = cpuOf(server, data.dir);
        const hwmKb = pid !== undefined ? statusKb(pid, 'VmHWM') : 0;
        const { rows: counted } = await pool.query<{ n: number; h: number }>(
          `SELECT (SELECT count(*)::int FROM tickets WHERE ticket_id LIKE $1) AS n, (SELECT count(*)::int FROM ticket_history WHERE ticket_id LIKE $1 AND kind = 'CREATED') AS h`,
          [`${run}-%`],
        );
        if (totals.succeeded !== total || counted[0]!.n !== total || counted[0]!.h !== total) {
          problems.push(`expected ${total} tickets: jobs report ${totals.succeeded} succeeded / ${totals.failed} failed; table holds ${counted[0]!.n}, history ${counted[0]!.h}`);
        }
        const encoreRate = (total * 1000) / encoreMs;
        opts.log(`  Encore: ${fmtNum(encoreRate)} tickets/s (accepted in ${fmtNum(sent.acceptMs / 1000, 1)} s, all ingested in ${fmtNum(encoreMs / 1000, 1)} s), peak RSS ${fmtMb(Math.max(peakRssKb, hwmKb))}`);

        // The reference, on the same database and the same (emptied) table, while serve idles.
        await pool.query('TRUNCATE tickets CASCADE');
        await pool.query('CHECKPOINT');
        opts.log(`  raw INSERT: ${fmtNum(total)} rows, ${fmtNum(BATCH)} a statement, one connection`);
        const rawCpu0 = cpuOf(server, data.dir).postgres;
        const rawMs = await rawInsert(pool, ids, `raw${run}`, total);
        const rawCpu = cpuOf(server, data.dir).postgres - rawCpu0;
        const rawRate = (total * 1000) / rawMs;
        opts.log(`  raw INSERT: ${fmtNum(rawRate)} rows/s`);
        await pool.query('TRUNCATE tickets CASCADE');
        await pool.query('CHECKPOINT');
        opts.log(`  raw INSERT: ${fmtNum(total)} rows, ${PARALLEL_RAW} connections`);
        const parallelMs = await rawInsert(pool, ids, `par${run}`, total, PARALLEL_RAW);
        const parallelRate = (total * 1000) / parallelMs;
        opts.log(`  raw INSERT, ${PARALLEL_RAW} connections: ${fmtNum(parallelRate)} rows/s`);

        const ratio = encoreRate / rawRate;
        const peak = Math.max(peakRssKb, hwmKb);
        const valid = problems.length === 0;
        const summary = [
          { metric: `POST /v1/tickets → all jobs completed (${fmtNum(total)} tickets)`, value: `${fmtNum(encoreRate)} tickets/s`, target: `≥ ${fmtNum(TARGET_RATE)}`, pass: valid && encoreRate >= TARGET_RATE },
          { metric: 'raw multi-row INSERT of the same rows', value: `${fmtNum(rawRate)} rows/s` },
          { metric: 'ratio Encore / raw', value: ratio.toFixed(2), target: `≥ ${TARGET_RATIO}`, pass: valid && ratio >= TARGET_RATIO },
          { metric: `reference: the same raw INSERTs on ${PARALLEL_RAW} connections`, value: `${fmtNum(parallelRate)} rows/s` },
          {
            metric: `ratio Encore / raw on ${PARALLEL_RAW} connections`,
            value: (encoreRate / parallelRate).toFixed(2),
            target: `≥ ${TARGET_PARALLEL_RATIO}`,
            pass: valid && encoreRate / parallelRate >= TARGET_PARALLEL_RATIO,
          },
          { metric: 'peak RSS of the Encore process', value: fmtMb(peak), target: `< ${fmtMb(TARGET_RSS_KB)}`, pass: valid && peak > 0 && peak < TARGET_RSS_KB },
        ];
        const cpuNode = cpu1.node - cpu0.node;
        const cpuPg = cpu1.postgres - cpu0.postgres;
        const details = [
          `Encore: \`serve\` (API and job workers in one process) on a fresh embedded PostgreSQL; one event with one show. ${fmtNum(total)} tickets ` +
            `(required fields plus price, orderId and a seat) are POSTed to \`/v1/tickets\` in ${fmtNum(Math.ceil(total / BATCH))} batches of ${fmtNum(BATCH)} ` +
            `by ${SENDERS} concurrent senders in the bench process; the clock stops when \`GET /v1/jobs/{last}\` says COMPLETED and the database confirms ` +
            `every job is. Each ticket is validated, resolved against the catalogue, hashed, and written with its CREATED history row; each job chunk commits ` +
            `its counters in the same transaction. A ${fmtNum(WARMUP_TICKETS)}-ticket warm-up runs first; the table is emptied (TRUNCATE) and checkpointed before each measurement.`,
          '',
          `Raw reference: the same rows (same columns and values, fresh ids) inserted into the same emptied \`tickets\` table by the bench process over the ` +
            `embedded server's Unix socket: \`INSERT … VALUES\` with ${fmtNum(BATCH)} rows (16 bind parameters each) per statement, autocommit, one connection, ` +
            `no history rows, no jobs, no HTTP. Encore works on up to four job chunks at once, so the same INSERTs on ${PARALLEL_RAW} connections ` +
            '(table emptied again first) are shown as a second reference.',
          '',
          table(
            ['run', 'tickets/s', 'wall time', 'CPU time'],
            [
              ['Encore POST /v1/tickets → jobs done', fmtNum(encoreRate), `${fmtNum(encoreMs / 1000, 1)} s (requests all answered after ${fmtNum(sent.acceptMs / 1000, 1)} s)`, `${fmtNum(cpuNode, 1)} s node + ${fmtNum(cpuPg, 1)} s postgres`],
              ['raw multi-row INSERT', fmtNum(rawRate), `${fmtNum(rawMs / 1000, 1)} s`, `${fmtNum(rawCpu, 1)} s postgres (+ the bench process)`],
              [`raw multi-row INSERT, ${PARALLEL_RAW} connections`, fmtNum(parallelRate), `${fmtNum(parallelMs / 1000, 1)} s`, ''],
            ],
          ),
          '',
          `Peak RSS of the Encore Node process: ${fmtMb(peak)} (VmHWM ${fmtMb(hwmKb)}; VmRSS sampled every 100 ms during the run: ${fmtMb(peakRssKb)}).`,
        ].join('\n');
        return { summary, details, problems };
      } finally {
        await pool.end().catch(() => {});
        await server.stop();
      }
    } finally {
      await data.remove();
    }
  },
};
