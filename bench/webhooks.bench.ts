/**
 * `npm run bench -- webhooks`: webhook delivery under a dead neighbour (issue 13, ADR 0019). One
 * `serve` (which runs the dispatcher), two tenants: one tenant's endpoint is a receiver that takes
 * the connection and never answers (the sender's 10 s deadline ends each attempt), with a backlog of
 * 1,000 deliveries written first; the other tenant's endpoint is a healthy local receiver.
 *
 * 1. Drain: 10,000 deliveries to the healthy endpoint written in one statement: throughput from the
 *    write to the last receipt, and each delivery's time from write to receipt (a backlog: the last
 *    one waits for the 9,999 before it).
 * 2. Steady: 10,000 deliveries written in batches every 50 ms at 60% of the drain throughput: time
 *    from write to receipt of every one; target: none later than 2 s.
 * The deliveries are written with SQL as the outbox writes them (emitWebhooks): one PENDING row each,
 * due now. Afterwards every healthy delivery must be DELIVERED and received once, and the dead
 * endpoint's deliveries all still PENDING.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { dataOf, percentile, withServedTenant, type Client } from './lib/marketplace.js';
import { sleep } from './lib/process.js';
import type { Benchmark, BenchReport, Metric } from './lib/report.js';
import { table } from './lib/report.js';
import { createTenant } from './lib/servers.js';
import { fmtMs, fmtNum } from './lib/stats.js';

const DELIVERIES = 10_000;
const DEAD_BACKLOG = 1_000;
const STEADY_SHARE = 0.6;
const STEADY_TICK_MS = 50;
const TARGET_MAX_MS = 2_000;
const BODY = JSON.stringify({ message: { family: 'event', action: 'event.updated', data: { externalReferenceId: 'bench-event', title: 'Webhook benchmark', note: 'x'.repeat(300) } } });

interface Receiver {
  url: string;
  /** delivery id → receipt time (ms since epoch) of its first arrival. */
  firstAt: Map<string, number>;
  duplicates: number;
  arrived: number;
  close(): Promise<void>;
}

/** A local receiver: answers 200 at once, or (silent) takes each request and never answers. */
async function startReceiver(silent: boolean): Promise<Receiver> {
  const r = { firstAt: new Map<string, number>(), duplicates: 0, arrived: 0 };
  const server = http.createServer((req, res) => {
    r.arrived++;
    req.resume();
    req.on('end', () => {
      if (silent) return;
      const id = String(req.headers['encore-delivery-id']);
      if (r.firstAt.has(id)) r.duplicates++;
      else r.firstAt.set(id, Date.now());
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}/hooks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

async function registerEndpoint(client: Client, apiKey: string, url: string): Promise<string> {
  const res = await client.request('POST', '/v1/webhooks', { url }, { authorization: apiKey });
  const id = dataOf<{ id?: string }>(res)?.id;
  if (res.status !== 200 || !id) throw new Error(`POST /v1/webhooks answered ${res.status}: ${res.text.slice(0, 300)}`);
  return id;
}

/** Writes deliveries `from`..`to` (inclusive) for one endpoint in one statement, created and due now. */
async function writeDeliveries(db: pg.Pool, tenantId: string, endpointId: string, tag: string, from: number, to: number): Promise<void> {
  await db.query(
    `INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, message_id, event_type, body, status, next_attempt_at, created_at)
     SELECT $1, 'whd_' || $3 || '_' || g, $2, 'msg_' || $3 || '_' || g, 'event.updated', $4, 'PENDING', clock_timestamp(), clock_timestamp()
     FROM generate_series($5::int, $6::int) AS g`,
    [tenantId, endpointId, tag, BODY, from, to],
  );
}

/** Milliseconds from each delivery's write (created_at) to its receipt, for the ids of `tag`. */
async function latencies(db: pg.Pool, receiver: Receiver, tenantId: string, tag: string): Promise<{ ms: number[]; missing: number }> {
  const { rows } = await db.query<{ id: string; at: string }>(`SELECT id, (extract(epoch FROM created_at) * 1000)::float8 AS at FROM webhook_deliveries WHERE tenant_id = $1 AND id LIKE $2`, [tenantId, `whd_${tag}_%`]);
  const ms: number[] = [];
  let missing = 0;
  for (const row of rows) {
    const got = receiver.firstAt.get(row.id);
    if (got === undefined) missing++;
    else ms.push(got - Number(row.at));
  }
  return { ms: ms.sort((a, b) => a - b), missing };
}

async function waitForReceipts(receiver: Receiver, count: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (receiver.firstAt.size < count) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

const dist = (ms: number[]): string => `p50 ${fmtMs(percentile(ms, 50))}, p99 ${fmtMs(percentile(ms, 99))}, max ${fmtMs(ms.at(-1) ?? Number.NaN)}`;

export const webhooksBench: Benchmark = {
  name: 'webhooks',
  title: 'Webhook delivery: 10,000 to a healthy receiver while another endpoint never answers',
  async run(opts): Promise<BenchReport> {
    const problems: string[] = [];
    const healthy = await startReceiver(false);
    const dead = await startReceiver(true);
    try {
      return await withServedTenant(
        8,
        opts.log,
        async ({ client, db, tenantId, apiKey, dataDir }) => {
          const other = await createTenant(dataDir, 'dead-neighbour');
          const healthyEp = await registerEndpoint(client, apiKey, healthy.url);
          const deadEp = await registerEndpoint(client, other.apiKey, dead.url);

          opts.log(`  dead endpoint: ${fmtNum(DEAD_BACKLOG)} deliveries written first`);
          await writeDeliveries(db, other.tenantId, deadEp, 'dead', 1, DEAD_BACKLOG);
          await sleep(300);

          opts.log(`  drain: ${fmtNum(DELIVERIES)} deliveries written at once`);
          const t0 = Date.now();
          await writeDeliveries(db, tenantId, healthyEp, 'drain', 1, DELIVERIES);
          if (!(await waitForReceipts(healthy, DELIVERIES, 180_000))) problems.push(`drain: ${healthy.firstAt.size} of ${DELIVERIES} deliveries arrived within 180 s`);
          const drainS = (Math.max(...healthy.firstAt.values()) - t0) / 1000;
          const drainRate = healthy.firstAt.size / drainS;
          const drain = await latencies(db, healthy, tenantId, 'drain');

          const rate = Math.max(50, Math.round(drainRate * STEADY_SHARE));
          const perTick = Math.max(1, Math.round((rate * STEADY_TICK_MS) / 1000));
          opts.log(`  steady: ${fmtNum(DELIVERIES)} deliveries at ${fmtNum(rate)}/s (${perTick} every ${STEADY_TICK_MS} ms)`);
          const s0 = performance.now();
          for (let written = 0, tick = 0; written < DELIVERIES; tick++) {
            const n = Math.min(perTick, DELIVERIES - written);
            await writeDeliveries(db, tenantId, healthyEp, 'steady', written + 1, written + n);
            written += n;
            const wait = s0 + (tick + 1) * STEADY_TICK_MS - performance.now();
            if (wait > 0) await sleep(wait);
          }
          if (!(await waitForReceipts(healthy, 2 * DELIVERIES, 60_000))) problems.push(`steady: ${healthy.firstAt.size - DELIVERIES} of ${DELIVERIES} deliveries arrived within 60 s of the last write`);
          const steadyS = (performance.now() - s0) / 1000;
          const steady = await latencies(db, healthy, tenantId, 'steady');
          await sleep(500); // room for a stray duplicate

          const { rows: states } = await db.query<{ tenant_id: string; status: string; n: string }>(
            `SELECT tenant_id, status, count(*) AS n FROM webhook_deliveries GROUP BY tenant_id, status`,
          );
          const count = (t: string, s: string): number => Number(states.find((r) => r.tenant_id === t && r.status === s)?.n ?? 0);
          if (count(tenantId, 'DELIVERED') !== 2 * DELIVERIES) problems.push(`${count(tenantId, 'DELIVERED')} of ${2 * DELIVERIES} healthy deliveries are DELIVERED`);
          if (healthy.duplicates > 0) problems.push(`${healthy.duplicates} healthy deliveries arrived twice`);
          if (drain.missing + steady.missing > 0) problems.push(`${drain.missing + steady.missing} healthy deliveries never arrived`);
          const deadPending = count(other.tenantId, 'PENDING');
          if (deadPending !== DEAD_BACKLOG) problems.push(`the dead endpoint has ${deadPending} of ${DEAD_BACKLOG} deliveries PENDING (dropped or failed)`);
          const { rows: circuit } = await db.query<{ consecutive_failures: number; paused_until: Date | null }>(`SELECT consecutive_failures, paused_until FROM webhook_endpoints WHERE id = $1`, [deadEp]);

          const steadyMax = steady.ms.at(-1) ?? Number.NaN;
          const summary: Metric[] = [
            { metric: 'drain throughput (10,000 at once)', value: `${fmtNum(drainRate)} deliveries/s` },
            { metric: 'drain: write → receipt', value: dist(drain.ms) },
            { metric: `steady (${fmtNum(rate)}/s offered): write → receipt`, value: dist(steady.ms) },
            { metric: 'steady: latest healthy delivery', value: fmtMs(steadyMax), target: `≤ ${fmtMs(TARGET_MAX_MS)}`, pass: steadyMax <= TARGET_MAX_MS },
            { metric: 'dead endpoint: requests received / deliveries kept PENDING', value: `${fmtNum(dead.arrived)} / ${fmtNum(deadPending)}` },
          ];
          const details = [
            `One \`serve\` (the dispatcher with its defaults: WEBHOOK_CONCURRENCY 64 per process, WEBHOOK_ENDPOINT_CONCURRENCY 8, WEBHOOK_TIMEOUT_MS 10,000, WEBHOOK_POLL_MS 200). ` +
              `Tenant "dead-neighbour": an endpoint that accepts the connection and never answers, ${fmtNum(DEAD_BACKLOG)} deliveries written first. ` +
              `Tenant "bench": a local receiver answering 200 at once. Deliveries are written with SQL as the outbox writes them (one PENDING row each, due now); ` +
              `latency is from the row's created_at to its first receipt.`,
            '',
            table(
              ['phase', 'deliveries', 'seconds', 'deliveries/s', 'p50', 'p99', 'max'],
              [
                ['drain (written at once)', fmtNum(drain.ms.length), fmtNum(drainS, 2), fmtNum(drainRate), fmtMs(percentile(drain.ms, 50)), fmtMs(percentile(drain.ms, 99)), fmtMs(drain.ms.at(-1) ?? Number.NaN)],
                [`steady (${fmtNum(rate)}/s offered)`, fmtNum(steady.ms.length), fmtNum(steadyS, 2), fmtNum(steady.ms.length / steadyS), fmtMs(percentile(steady.ms, 50)), fmtMs(percentile(steady.ms, 99)), fmtMs(steadyMax)],
              ],
            ),
            '',
            `Dead endpoint: ${fmtNum(dead.arrived)} requests in ${fmtNum((Date.now() - t0) / 1000, 0)} s (bounded at 8 in flight, then one probe at a time with growing rests), ` +
              `${fmtNum(deadPending)} of ${fmtNum(DEAD_BACKLOG)} deliveries still PENDING; circuit at the end: ${circuit[0]?.consecutive_failures ?? '?'} consecutive failures, resting until ${circuit[0]?.paused_until?.toISOString() ?? '-'}. ` +
              `Healthy duplicates: ${healthy.duplicates}.`,
          ].join('\n');
          return { summary, details, problems };
        },
        { WEBHOOK_PRIVATE_NETWORKS: 'allow' },
      );
    } finally {
      await healthy.close();
      await dead.close();
    }
  },
};
