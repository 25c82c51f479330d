/**
 * `npm run bench -- purchase`: the whole resale purchase, reserve → pay → settle, as fast as 50
 * concurrent buyers can go. 500 listings (one ticket each); each buyer takes the next listing, asks
 * `POST /v1/marketplace/buyingflow/buyIntention` for it, then pays it on the checkout API
 * (`POST /v1/checkout/:intentionId/pay`, sandbox card 4242…, the secret of the paymentUrl), which
 * charges the sandbox provider and settles in one transaction (order, listing SOLD, the buyer owns the
 * ticket, payout scheduled). Afterwards every order must be COMPLETED and every ticket its buyer's.
 */
import os from 'node:os';
import { cpuProbe, cpuText, sampleWaits, waitsText, createEvent, createListings, createTickets, dataOf, invariantViolations, percentile, pool, type Client, withServedTenant } from './lib/marketplace.js';
import { pgbenchReference, type PgbenchResult } from './lib/pgbench.js';
import type { Benchmark, BenchReport, Metric } from './lib/report.js';
import { table } from './lib/report.js';
import { fmtNum } from './lib/stats.js';

const LISTINGS = 500;
const WORKERS = 50;
const WARMUP = 50;
/** Purchases one at a time after the measured run: the service time of each step without queueing. */
const SEQUENTIAL = 30;
/** The reference of issue 13: full purchase (50 buyers) ≥ 0.1 of pgbench -N on the same PostgreSQL. */
const TARGET_RATIO = 0.1;
const PGBENCH_CLIENTS = 20;
const PGBENCH_THREADS = 2;
const PGBENCH_SECONDS = 10;

interface Step {
  reserve: number;
  pay: number;
  total: number;
}

interface Run {
  seconds: number;
  steps: Step[];
  failures: string[];
  /** listing index → buyer email, for the purchases that completed. */
  buyers: Map<number, string>;
  cpu: { node: number; postgres: number };
}

const ms = (n: number): string => (!Number.isFinite(n) ? 'n/a' : fmtNum(n, n < 10 ? 1 : 0));

type Probe = () => { node: number; postgres: number };

async function purchases(client: Client, apiKey: string, listingIds: string[], prefix: string, workers: number, probe: Probe): Promise<Run> {
  const steps: Step[] = [];
  const failures: string[] = [];
  const buyers = new Map<number, string>();
  const before = probe();
  const t0 = performance.now();
  await pool(listingIds.length, workers, async (i) => {
    const user = `${prefix}-buyer${i}@x.example`;
    const started = performance.now();
    const reserved = await client.request('POST', '/v1/marketplace/buyingflow/buyIntention', { items: [listingIds[i]!], user }, { authorization: apiKey });
    const intention = dataOf<{ intentionId?: string; paymentUrl?: string | null }>(reserved);
    const secret = intention?.paymentUrl ? new URL(intention.paymentUrl).searchParams.get('secret') : null;
    if (reserved.status !== 200 || !intention?.intentionId || !secret) {
      failures.push(`buyIntention ${reserved.status}: ${reserved.text.slice(0, 600)}`);
      return;
    }
    const paid = await client.request('POST', `/v1/checkout/${encodeURIComponent(intention.intentionId)}/pay`, { secret, cardNumber: '4242424242424242' });
    const result = dataOf<{ intention?: { status?: string }; payment?: { status?: string }; order?: { status?: string; buyerEmail?: string } | null }>(paid);
    if (paid.status !== 200 || result?.intention?.status !== 'COMPLETED' || result.payment?.status !== 'SUCCEEDED' || result.order?.status !== 'COMPLETED') {
      failures.push(`pay ${paid.status}: ${paid.text.slice(0, 600)}`);
      return;
    }
    steps.push({ reserve: reserved.ms, pay: paid.ms, total: performance.now() - started });
    buyers.set(i, user);
  });
  const seconds = (performance.now() - t0) / 1000;
  const after = probe();
  return { seconds, steps, failures, buyers, cpu: { node: after.node - before.node, postgres: after.postgres - before.postgres } };
}

function dist(values: number[]): { p50: number; p90: number; p99: number; max: number; mean: number } {
  const v = [...values].sort((a, b) => a - b);
  return { p50: percentile(v, 50), p90: percentile(v, 90), p99: percentile(v, 99), max: v.at(-1) ?? Number.NaN, mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN };
}

export const purchaseBench: Benchmark = {
  name: 'purchase',
  title: 'Resale purchase: reserve → pay → settle',
  async run(opts): Promise<BenchReport> {
    const problems: string[] = [];
    const violations: string[] = [];
    let pgbench: PgbenchResult | undefined;
    let pgbenchNote = '';
    const { run, sequential, waits } = await withServedTenant(WORKERS + 10, opts.log, async ({ encore, db, client, tenantId, apiKey, dataDir }) => {
      await createEvent(client, apiKey, 'purchase');
      const warmTickets = Array.from({ length: WARMUP }, (_, i) => `W${i}`);
      const ticketIds = Array.from({ length: LISTINGS }, (_, i) => `P${i}`);
      const seqTickets = Array.from({ length: SEQUENTIAL }, (_, i) => `S${i}`);
      opts.log(`  creating ${fmtNum(WARMUP + LISTINGS + SEQUENTIAL)} tickets and listings through the API`);
      await createTickets(client, apiKey, 'purchase', [...warmTickets, ...ticketIds, ...seqTickets]);
      const warmListings = await createListings(client, apiKey, warmTickets);
      const listingIds = await createListings(client, apiKey, ticketIds);
      const seqListings = await createListings(client, apiKey, seqTickets);
      const probe = cpuProbe(encore, dataDir);

      opts.log(`  warm-up: ${WARMUP} purchases`);
      const warm = await purchases(client, apiKey, warmListings, 'warm', WORKERS, probe);
      if (warm.failures.length) problems.push(`warm-up: ${warm.failures.length} purchases failed, e.g. ${warm.failures.slice(0, 3).join(' | ')}`);

      opts.log(`  measured: ${LISTINGS} purchases, ${WORKERS} buyers at a time`);
      const sampler = sampleWaits(db);
      const run = await purchases(client, apiKey, listingIds, 'bench', WORKERS, probe);
      const waits = await sampler.stop();
      opts.log(`  ${fmtNum(run.steps.length / run.seconds, 1)} purchases/s, p99 ${ms(dist(run.steps.map((s) => s.total)).p99)} ms, ${run.failures.length} failed`);
      if (run.failures.length) problems.push(`${run.failures.length} of ${LISTINGS} purchases failed, e.g. ${run.failures.slice(0, 3).join(' | ')}`);
      opts.log(`  reference: ${SEQUENTIAL} purchases one at a time`);
      const sequential = await purchases(client, apiKey, seqListings, 'seq', 1, probe);
      if (sequential.failures.length) problems.push(`one at a time: ${sequential.failures.length} purchases failed, e.g. ${sequential.failures.slice(0, 3).join(' | ')}`);

      // Every purchase settled: COMPLETED intention and order, SOLD listing, the buyer owns the ticket.
      const { rows } = await db.query<{ ticket_id: string; owner: string | null; listing_status: string; intention_status: string | null; order_status: string | null; order_buyer: string | null }>(
        `SELECT t.ticket_id, t.buyer_email AS owner, l.status AS listing_status, b.status AS intention_status, o.status AS order_status, o.buyer_email AS order_buyer
           FROM tickets t
           JOIN listing_tickets lt ON lt.tenant_id = t.tenant_id AND lt.ticket_id = t.ticket_id
           JOIN listings l ON l.tenant_id = lt.tenant_id AND l.id = lt.listing_id
           LEFT JOIN orders o ON o.tenant_id = l.tenant_id AND o.id = l.sold_order_id
           LEFT JOIN buy_intentions b ON b.tenant_id = o.tenant_id AND b.id = o.intention_id
          WHERE t.tenant_id = $1 AND t.ticket_id = ANY($2)`,
        [tenantId, ticketIds],
      );
      const bad = ticketIds.flatMap((ticketId, i) => {
        const r = rows.filter((x) => x.ticket_id === ticketId);
        const buyer = run.buyers.get(i);
        if (r.length !== 1) return [`${ticketId}: ${r.length} listings`];
        const x = r[0]!;
        if (x.listing_status !== 'SOLD' || x.order_status !== 'COMPLETED' || x.intention_status !== 'COMPLETED') {
          return [`${ticketId}: listing ${x.listing_status}, order ${x.order_status ?? 'none'}, intention ${x.intention_status ?? 'none'}`];
        }
        if (!buyer || x.owner !== buyer || x.order_buyer !== buyer) return [`${ticketId}: owned by ${x.owner ?? 'nobody'}, order of ${x.order_buyer ?? 'nobody'}, bought by ${buyer ?? 'nobody'}`];
        return [];
    });
    if (bad.length) violations.push(`${bad.length} of ${LISTINGS} purchases did not settle as answered, e.g. ${bad.slice(0, 3).join('; ')}`);
    const { rows: counts } = await db.query<{ orders: string; completed: string }>(
      `SELECT count(*) AS orders, count(*) FILTER (WHERE status = 'COMPLETED') AS completed FROM orders WHERE tenant_id = $1`,
      [tenantId],
    );
    const orders = Number(counts[0]!.orders);
    const completed = Number(counts[0]!.completed);
    const expected = warm.steps.length + run.steps.length + sequential.steps.length;
    if (orders !== expected || completed !== expected) violations.push(`the database holds ${orders} orders (${completed} COMPLETED) for ${expected} purchases answered COMPLETED`);
    violations.push(...(await invariantViolations(db, tenantId)));
    problems.push(...violations);
      ({ result: pgbench, note: pgbenchNote } = await pgbenchReference(dataDir, { clients: PGBENCH_CLIENTS, threads: PGBENCH_THREADS, durationS: PGBENCH_SECONDS, log: opts.log }, problems));
      return { run, sequential, waits };
    });

    const total = dist(run.steps.map((s) => s.total));
    const reserve = dist(run.steps.map((s) => s.reserve));
    const pay = dist(run.steps.map((s) => s.pay));
    const rate = run.steps.length / run.seconds;
    const tps = pgbench?.tps ?? Number.NaN;
    const ratio = rate / tps;
    const summary: Metric[] = [
      { metric: `purchase throughput (${LISTINGS} purchases, ${WORKERS} concurrent buyers)`, value: `${fmtNum(rate, 1)} purchases/s` },
      { metric: 'purchase (reserve + pay) latency p50 / p99', value: `${ms(total.p50)} / ${ms(total.p99)} ms` },
      { metric: 'buyIntention latency p50 / p99', value: `${ms(reserve.p50)} / ${ms(reserve.p99)} ms` },
      { metric: 'pay (charge + settle) latency p50 / p99', value: `${ms(pay.p50)} / ${ms(pay.p99)} ms` },
      { metric: 'server CPU per purchase (node + postgres)', value: `${fmtNum((1000 * (run.cpu.node + run.cpu.postgres)) / Math.max(1, run.steps.length), 1)} ms (${fmtNum((1000 * run.cpu.node) / Math.max(1, run.steps.length), 1)} + ${fmtNum((1000 * run.cpu.postgres) / Math.max(1, run.steps.length), 1)})` },
      { metric: "serve's database sessions: mean busy sessions by wait event", value: waitsText(waits) },
      {
        metric: `reference: pgbench -N (${PGBENCH_CLIENTS} clients, ${PGBENCH_SECONDS} s, same PostgreSQL, after the purchases)`,
        value: pgbench && Number.isFinite(tps) ? `${fmtNum(tps)} tps` : pgbenchNote || 'n/a',
      },
      {
        metric: 'ratio purchases/s / pgbench tps',
        value: Number.isFinite(ratio) ? fmtNum(ratio, 2) : 'n/a',
        target: `≥ ${TARGET_RATIO}`,
        pass: Number.isFinite(ratio) && ratio >= TARGET_RATIO,
      },
      { metric: `reference: one purchase at a time (${SEQUENTIAL}), buyIntention / pay p50`, value: `${ms(dist(sequential.steps.map((x) => x.reserve)).p50)} / ${ms(dist(sequential.steps.map((x) => x.pay)).p50)} ms` },
      {
        metric: 'orders COMPLETED, tickets owned by their buyers, no double sale',
        value: violations.length === 0 ? `${fmtNum(run.steps.length)} of ${fmtNum(LISTINGS)}` : `${violations.length} violation(s), see above`,
        target: `${fmtNum(LISTINGS)} of ${fmtNum(LISTINGS)}`,
        pass: violations.length === 0 && run.steps.length === LISTINGS,
      },
    ];
    const row = (name: string, d: ReturnType<typeof dist>): string[] => [name, ms(d.p50), ms(d.p90), ms(d.p99), ms(d.max), fmtNum(d.mean, 1)];
    const details = [
      `Encore runs as \`serve\` (LOG_LEVEL=warn) on a fresh embedded PostgreSQL (fsync on), with the built-in \`sandbox\` payment provider. The ` +
        `benchmark creates a tenant (CLI), one event with one show, ${fmtNum(WARMUP + LISTINGS)} tickets (\`POST /v1/sync/tickets\`) and one SINGLE ` +
        `listing per ticket (\`POST /v1/marketplace/listings\`), none of it timed. After ${WARMUP} unmeasured warm-up purchases, ${WORKERS} ` +
        `concurrent buyers (a scripted node:http client, keep-alive) work through ${LISTINGS} listings, each buyer (a different \`user\`) taking ` +
        'the next one: `POST /v1/marketplace/buyingflow/buyIntention` {items: [listing]}, then `POST /v1/checkout/:intentionId/pay` with the ' +
        '`secret` of the paymentUrl and card 4242 4242 4242 4242 (no API key). A purchase counts when pay answers 200 with intention COMPLETED, ' +
        'payment SUCCEEDED and order COMPLETED. Throughput = purchases / wall time from the first request to the last answer; a purchase\'s ' +
        'latency is from sending buyIntention to the answer of pay.',
      '',
      'Checked afterwards in the database: every ticket\'s listing SOLD with a COMPLETED order and intention, the ticket (`tickets.buyer_email`) ' +
        'and the order belong to the buyer who paid, as many orders as purchases answered, and over the whole tenant no listing in two live ' +
        'intentions and no ticket in two COMPLETED orders.',
      '',
      table(
        ['step', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'mean ms'],
        [
          row(`buyIntention (reserve), ${WORKERS} buyers at a time`, reserve),
          row(`pay (charge + settle), ${WORKERS} buyers at a time`, pay),
          row(`whole purchase, ${WORKERS} buyers at a time`, total),
          row('buyIntention, one buyer at a time', dist(sequential.steps.map((x) => x.reserve))),
          row('pay, one buyer at a time', dist(sequential.steps.map((x) => x.pay))),
          row('whole purchase, one buyer at a time', dist(sequential.steps.map((x) => x.total))),
        ],
      ),
      '',
      `${fmtNum(run.steps.length)} purchases in ${fmtNum(run.seconds, 2)} s = ${fmtNum(rate, 1)} purchases/s (${fmtNum((2 * run.steps.length) / run.seconds)} requests/s); ` +
        `server CPU time ${cpuText(run.cpu)} (user + system of serve's Node processes and the embedded PostgreSQL, from \`/proc/<pid>/stat\`). ` +
        `Wait events: \`pg_stat_activity\` of serve's sessions sampled every 50 ms during the measured run (${fmtNum(waits.samples)} samples), mean ` +
        'sessions per state (`CPU` = running, `Lock:*` = row-lock waits, `IO:WALSync` / `LWLock:WALWrite` = commit flush, `idle in ' +
        'transaction` = an open transaction waiting for Node). ' +
        `The one-at-a-time reference (${SEQUENTIAL} more purchases after the measured run, same checks) is the service time without queueing. ` +
        `This machine has ${os.cpus().length} CPUs, shared by the server, its PostgreSQL and the load generator.`,
    ].join('\n');
    return { summary, details, problems };
  },
};
