/**
 * `npm run bench -- onsale-race`: an on-sale rush on the resale marketplace. 200 listings (one ticket
 * each), 2,000 buyers over 100 connections, each asking `POST /v1/marketplace/buyingflow/buyIntention`
 * for ONE random listing. Every answer must be 200 (the buyer got the listing) or 409
 * LISTING_UNAVAILABLE; exactly one buyer may win each listing that was asked for, and the database must
 * agree. 2,000 requests finish in seconds, so the race is repeated on fresh listings (after three
 * unmeasured warm-up rounds) and the figures are over all measured rounds.
 */
import os from 'node:os';
import type pg from 'pg';
import { cpuProbe, cpuText, dataOf, sampleWaits, waitsText, createEvent, createListings, createTickets, invariantViolations, percentile, pool, type Client, withServedTenant } from './lib/marketplace.js';
import { pgbenchReference, type PgbenchResult } from './lib/pgbench.js';
import type { Benchmark, BenchReport, Metric } from './lib/report.js';
import { table } from './lib/report.js';
import { fmtNum, sum } from './lib/stats.js';

const LISTINGS = 200;
const BUYERS = 2_000;
const CONNECTIONS = 100;
/** The JIT needs several thousand requests to settle: measured round by round 1,863 → 3,375 → 3,733 → 4,122 → 4,101 req/s. */
const WARMUP_ROUNDS = 3;
const ROUNDS = 5;
/** Target: buy-intention throughput at least this share of pgbench -N's tps on the same server. */
const TARGET_RATIO = 0.5;
const PGBENCH_CLIENTS = 20;
const PGBENCH_THREADS = 2;
const PGBENCH_SECONDS = 10;

interface Round {
  seconds: number;
  latenciesMs: number[];
  /** Latencies of the 200 answers and of the 409 answers. */
  wonMs: number[];
  lostMs: number[];
  cpu: { node: number; postgres: number };
  /** CPU seconds of the load generator (this process). */
  clientCpu: number;
  waits: { samples: number; waits: Map<string, number> };
  won: number;
  lost: number;
  /** Listings that at least one buyer asked for. */
  asked: number;
  failures: string[];
  dbProblems: string[];
}

const ms = (n: number): string => (!Number.isFinite(n) ? 'n/a' : fmtNum(n, n < 10 ? 1 : 0));

type Probe = () => { node: number; postgres: number };

async function race(client: Client, db: pg.Pool, probe: Probe, apiKey: string, tenantId: string, event: string, round: number): Promise<Round> {
  const ticketIds = Array.from({ length: LISTINGS }, (_, i) => `R${round}-T${i}`);
  await createTickets(client, apiKey, event, ticketIds);
  const listingIds = await createListings(client, apiKey, ticketIds);

  const picks = Array.from({ length: BUYERS }, () => Math.floor(Math.random() * LISTINGS));
  // Bodies are serialised before the clock starts: the client's JSON work is not the server's.
  const bodies = picks.map((p, i) => ({ items: [listingIds[p]!], user: `buyer${round}-${i}@x.example` }));
  const winners = new Map<string, string[]>();
  const latenciesMs: number[] = [];
  const failures: string[] = [];
  const wonMs: number[] = [];
  const lostMs: number[] = [];
  let won = 0;
  let lost = 0;
  const before = probe();
  const clientBefore = process.cpuUsage();
  const sampler = sampleWaits(db);
  const t0 = performance.now();
  await pool(BUYERS, CONNECTIONS, async (i) => {
    const listingId = bodies[i]!.items[0]!;
    const res = await client.request('POST', '/v1/marketplace/buyingflow/buyIntention', bodies[i], { authorization: apiKey });
    latenciesMs.push(res.ms);
    if (res.status === 200) {
      const data = dataOf<{ intentionId?: string; paymentUrl?: string | null; items?: { listingId: string }[] }>(res);
      if (!data?.intentionId || !data.paymentUrl?.includes('secret=') || data.items?.[0]?.listingId !== listingId) {
        failures.push(`200 without the intention of ${listingId}: ${res.text.slice(0, 400)}`);
        return;
      }
      won++;
      wonMs.push(res.ms);
      winners.set(listingId, [...(winners.get(listingId) ?? []), data.intentionId]);
    } else if (res.status === 409 && res.text.includes('LISTING_UNAVAILABLE')) {
      lost++;
      lostMs.push(res.ms);
    } else {
      failures.push(`${res.status}: ${res.text.slice(0, 600)}`);
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const after = probe();
  const clientUsed = process.cpuUsage(clientBefore);
  const clientCpu = (clientUsed.user + clientUsed.system) / 1e6;
  const waits = await sampler.stop();
  const cpu = { node: after.node - before.node, postgres: after.postgres - before.postgres };

  const asked = new Set(picks).size;
  const dbProblems: string[] = [];
  const twice = [...winners].filter(([, ints]) => ints.length > 1);
  if (twice.length) dbProblems.push(`round ${round}: ${twice.length} listings answered 200 to more than one buyer, e.g. ${twice.slice(0, 3).map(([l, ints]) => `${l} → ${ints.join(', ')}`).join('; ')}`);
  if (won !== asked) dbProblems.push(`round ${round}: ${won} buyers won but ${asked} distinct listings were asked for (each asked-for listing must be won exactly once)`);
  const { rows } = await db.query<{ listing_id: string; intention_id: string; status: string; listing_status: string; hold_intention_id: string | null }>(
    `SELECT l.id AS listing_id, b.id AS intention_id, b.status, l.status AS listing_status, l.hold_intention_id
       FROM listings l
       LEFT JOIN buy_intention_items i ON i.tenant_id = l.tenant_id AND i.listing_id = l.id
       LEFT JOIN buy_intentions b ON b.tenant_id = i.tenant_id AND b.id = i.intention_id
      WHERE l.tenant_id = $1 AND l.id = ANY($2)`,
    [tenantId, listingIds],
  );
  const reservations = rows.filter((r) => r.intention_id !== null && r.status === 'RESERVED');
  const expected = Math.min(LISTINGS, won);
  if (reservations.length !== expected) dbProblems.push(`round ${round}: the database holds ${reservations.length} RESERVED intentions for the round's listings, expected ${expected}`);
  const intentionRows = rows.filter((r) => r.intention_id !== null);
  if (intentionRows.length !== won) dbProblems.push(`round ${round}: ${intentionRows.length} intentions name the round's listings but ${won} buyers won (a refused buyer must leave no intention)`);
  const mismatched = [...winners].filter(([l, [id]]) => !rows.some((r) => r.listing_id === l && r.intention_id === id && r.hold_intention_id === id && r.listing_status === 'RESERVED'));
  if (mismatched.length) dbProblems.push(`round ${round}: ${mismatched.length} won listings are not RESERVED by the winning intention in the database, e.g. ${mismatched.slice(0, 3).map(([l]) => l).join(', ')}`);
  const unaskedReserved = rows.filter((r) => r.listing_status !== 'ACTIVE' && !winners.has(r.listing_id));
  if (unaskedReserved.length) dbProblems.push(`round ${round}: ${unaskedReserved.length} listings nobody won are not ACTIVE`);
  return { seconds, latenciesMs, wonMs, lostMs, cpu, clientCpu, waits, won, lost, asked, failures, dbProblems };
}

export const onsaleRaceBench: Benchmark = {
  name: 'onsale-race',
  title: 'On-sale race for resale listings',
  async run(opts): Promise<BenchReport> {
    const problems: string[] = [];
    const rounds: Round[] = [];
    let pgbench: PgbenchResult | undefined;
    let pgbenchNote = '';
    /** Broken rules (double sales, reservations that do not match the answers). */
    const violations: string[] = [];
    await withServedTenant(CONNECTIONS + 10, opts.log, async ({ encore, db, client, tenantId, apiKey, dataDir }) => {
      await createEvent(client, apiKey, 'onsale');
      const probe = cpuProbe(encore, dataDir);
      for (let r = 0; r < WARMUP_ROUNDS + ROUNDS; r++) {
        const round = await race(client, db, probe, apiKey, tenantId, 'onsale', r);
        const label = r < WARMUP_ROUNDS ? 'warm-up' : `round ${r - WARMUP_ROUNDS + 1}/${ROUNDS}`;
        opts.log(
          `  ${label}: ${fmtNum(BUYERS / round.seconds)} req/s, ${round.won} × 200, ${round.lost} × 409, ${round.failures.length} failed, ` +
            `p50 ${ms(percentile([...round.latenciesMs].sort((a, b) => a - b), 50))} ms, p99 ${ms(percentile([...round.latenciesMs].sort((a, b) => a - b), 99))} ms`,
        );
        if (round.failures.length) problems.push(`${label}: ${round.failures.length} answers neither 200 nor 409 LISTING_UNAVAILABLE, e.g. ${round.failures.slice(0, 3).join(' | ')}`);
        violations.push(...round.dbProblems);
        if (r >= WARMUP_ROUNDS) rounds.push(round);
      }
      violations.push(...(await invariantViolations(db, tenantId)));
      problems.push(...violations);

      ({ result: pgbench, note: pgbenchNote } = await pgbenchReference(dataDir, { clients: PGBENCH_CLIENTS, threads: PGBENCH_THREADS, durationS: PGBENCH_SECONDS, log: opts.log }, problems));
    });

    const requests = rounds.length * BUYERS;
    const seconds = sum(rounds.map((r) => r.seconds));
    const rate = requests / seconds;
    const lat = rounds.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
    const won = sum(rounds.map((r) => r.won));
    const lost = sum(rounds.map((r) => r.lost));
    const failed = sum(rounds.map((r) => r.failures.length));
    const wonLat = rounds.flatMap((r) => r.wonMs).sort((a, b) => a - b);
    const lostLat = rounds.flatMap((r) => r.lostMs).sort((a, b) => a - b);
    const cpu = { node: sum(rounds.map((r) => r.cpu.node)), postgres: sum(rounds.map((r) => r.cpu.postgres)) };
    const clientCpu = sum(rounds.map((r) => r.clientCpu));
    const waits = { samples: sum(rounds.map((r) => r.waits.samples)), waits: new Map<string, number>() };
    for (const r of rounds) for (const [k, n] of r.waits.waits) waits.waits.set(k, (waits.waits.get(k) ?? 0) + n);
    const tps = pgbench?.tps ?? Number.NaN;
    const ratio = rate / tps;
    const valid = problems.length === 0;

    const summary: Metric[] = [
      { metric: `buy-intention throughput (${ROUNDS} rounds × ${fmtNum(BUYERS)} buyers for ${LISTINGS} listings, ${CONNECTIONS} connections)`, value: `${fmtNum(rate)} req/s` },
      { metric: 'buy-intention latency p50 / p99', value: `${ms(percentile(lat, 50))} / ${ms(percentile(lat, 99))} ms` },
      { metric: 'latency p50 / p99 of the 200s (reserved) and of the 409s (refused)', value: `${ms(percentile(wonLat, 50))} / ${ms(percentile(wonLat, 99))} ms and ${ms(percentile(lostLat, 50))} / ${ms(percentile(lostLat, 99))} ms` },
      { metric: 'server CPU per buy-intention request (node + postgres)', value: `${fmtNum((1000 * (cpu.node + cpu.postgres)) / requests, 2)} ms (${fmtNum((1000 * cpu.node) / requests, 2)} + ${fmtNum((1000 * cpu.postgres) / requests, 2)})` },
      { metric: "serve's database sessions during the races: mean busy sessions by wait event", value: waitsText(waits) },
      { metric: 'answers 200 / 409 / other', value: `${fmtNum(won)} / ${fmtNum(lost)} / ${fmtNum(failed)}` },
      {
        metric: 'invariants: listings won twice, tickets sold twice, reservations ≠ listings won',
        value: violations.length === 0 ? '0 / 0 / 0' : `${violations.length} violation(s), see above`,
        target: '0 / 0 / 0',
        pass: violations.length === 0,
      },
      {
        metric: `reference: pgbench -N (${PGBENCH_CLIENTS} clients, ${PGBENCH_SECONDS} s, same PostgreSQL)`,
        value: pgbench && Number.isFinite(tps) ? `${fmtNum(tps)} tps` : pgbenchNote || 'n/a',
      },
      {
        metric: 'ratio buy-intention req/s / pgbench tps',
        value: Number.isFinite(ratio) ? fmtNum(ratio, 2) : 'n/a',
        target: `≥ ${TARGET_RATIO}`,
        pass: valid && Number.isFinite(ratio) && ratio >= TARGET_RATIO,
      },
    ];

    const details = [
      `Encore runs as \`serve\` (LOG_LEVEL=warn) on a fresh embedded PostgreSQL (fsync on). The benchmark creates a tenant (CLI) and one event ` +
        `with one show, then plays ${WARMUP_ROUNDS} unmeasured warm-up rounds (the JIT needs several thousand requests to settle) and ${ROUNDS} measured rounds. Each round creates ${LISTINGS} fresh ` +
        `tickets (\`POST /v1/sync/tickets\`) and one SINGLE listing per ticket (\`POST /v1/marketplace/listings\`, 8 in flight; not timed), then ` +
        `${fmtNum(BUYERS)} buyers (each a different \`user\`) race for them: each sends ONE \`POST /v1/marketplace/buyingflow/buyIntention\` ` +
        `naming one listing picked uniformly at random, ${CONNECTIONS} requests in flight over ${CONNECTIONS} keep-alive connections (a ` +
        `scripted node:http client in the bench process, bodies serialised before the clock starts). Throughput = requests / wall time from ` +
        'the first request sent to the last answer, summed over the measured rounds; latency is per request, pooled over the rounds. Every ' +
        'answer had to be 200 with the intention of the listing asked for, or 409 `LISTING_UNAVAILABLE`.',
      '',
      'Checked after every round, in the database: each listing that was asked for was won by exactly one buyer (200s = distinct listings ' +
        'asked for), the round holds exactly min(200, 200s) RESERVED intentions, a refused buyer left no intention, every won listing is ' +
        'RESERVED with `hold_intention_id` = the winner, every other listing is still ACTIVE. After the last round, over the whole tenant: no ' +
        'listing in the items of two RESERVED/PAYING/COMPLETED intentions, no ticket in two COMPLETED orders, every RESERVED listing held by a ' +
        'live intention that lists it.',
      '',
      table(
        ['round', 'requests', 'wall time', 'req/s', 'p50 ms', 'p99 ms', 'max ms', '200', '409', 'other', 'listings asked for', 'server CPU time'],
        rounds.map((r, i) => {
          const l = [...r.latenciesMs].sort((a, b) => a - b);
          return [String(i + 1), fmtNum(BUYERS), `${fmtNum(r.seconds, 2)} s`, fmtNum(BUYERS / r.seconds), ms(percentile(l, 50)), ms(percentile(l, 99)), ms(l.at(-1) ?? Number.NaN), fmtNum(r.won), fmtNum(r.lost), fmtNum(r.failures.length), fmtNum(r.asked), cpuText(r.cpu)];
        }),
      ),
      '',
      pgbench
        ? `**pgbench** (\`${pgbench.binary}\`, ${pgbench.version}), right after the races on the same embedded PostgreSQL: \`pgbench -i -s ${pgbench.scale}\` into a ` +
          `scratch database, then \`pgbench -n -N -c ${pgbench.clients} -j ${pgbench.threads} -T ${pgbench.durationS}\` (built-in simple-update, ` +
          `${pgbench.statements.length} statements per transaction): ${fmtNum(pgbench.tps)} tps, latency average ${fmtNum(pgbench.latencyAvgMs, 1)} ms, ` +
          `${fmtNum(pgbench.transactions)} transactions, ${pgbench.failed} failed. The target is a buy-intention rate of at least ${TARGET_RATIO} × that tps ` +
          '(a buy intention is one transaction plus the API-key lookup, over HTTP and Node).'
        : `**pgbench**: ${pgbenchNote || 'not measured'}.`,
      '',
      `Server CPU time is user + system time of serve's Node processes and of the whole embedded PostgreSQL during each race (from ` +
        `\`/proc/<pid>/stat\`): ${cpuText(cpu)} over ${fmtNum(seconds, 1)} s of races, i.e. ${fmtNum((cpu.node + cpu.postgres) / seconds, 2)} CPUs busy; the ` +
        `load generator used ${fmtNum(clientCpu, 1)} s more. Wait events: \`pg_stat_activity\` of serve's sessions (application_name \`encore-*\`) ` +
        `sampled every 50 ms during the races (${fmtNum(waits.samples)} samples); the figure is the mean number of sessions in each state ` +
        '(`CPU` = running, `Lock:transactionid` = waiting for another transaction\'s row lock, `IO:WALSync` / `LWLock:WALWrite` = commit flush, ' +
        '`idle in transaction` = an open transaction waiting for Node between statements). ' +
        `This machine has ${os.cpus().length} CPUs, shared by the server, its PostgreSQL and the load generator.`,
    ].join('\n');

    return { summary, details, problems };
  },
};
