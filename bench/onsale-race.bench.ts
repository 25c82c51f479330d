/**
 * `npm run bench -- onsale-race`: an on-sale rush on the resale marketplace. 200 listings (one ticket
 * each), 2,000 buyers over 100 connections, each asking `POST /v1/marketplace/buyingflow/buyIntention`
 * for ONE random listing. Every answer must be 200 (the buyer got the listing) or 409
 * LISTING_UNAVAILABLE; exactly one buyer may win each listing that was asked for, and the database must
 * agree. 2,000 requests finish in seconds, so the race is repeated on fresh listings (after three
 * unmeasured warm-up rounds); the figures are per round and over all measured rounds, and the targets
 * are read on the median round.
 *
 * The race is played in one run, on one database, against one `serve` and against two `serve`
 * processes sharing it (the second attaches to the first's embedded PostgreSQL, as processes scaled
 * out on one machine do; the buyers are spread evenly over both), the measured rounds alternating
 * between the two set-ups. Both are read against the same pgbench -N reference.
 */
import os from 'node:os';
import type pg from 'pg';
import { cpuProbe, cpuText, dataOf, sampleWaits, waitsText, createEvent, createListings, createTickets, httpClient, invariantViolations, percentile, pool, type Client, withServedTenant } from './lib/marketplace.js';
import { pgbenchReference, type PgbenchResult } from './lib/pgbench.js';
import { allProcesses, cpuSeconds, postmasterPid, processTree } from './lib/process.js';
import type { Benchmark, BenchReport, Metric } from './lib/report.js';
import { table } from './lib/report.js';
import { startEncoreGuest, type Server } from './lib/servers.js';
import { fmtNum, median, sum } from './lib/stats.js';

const LISTINGS = 200;
const BUYERS = 2_000;
const CONNECTIONS = 100;
/** The JIT needs several thousand requests to settle: measured round by round 1,863 → 3,375 → 3,733 → 4,122 → 4,101 req/s. */
const WARMUP_ROUNDS = 3;
const ROUNDS = 5;
/** Target: buy-intention throughput (median round) at least this share of pgbench -N's tps on the same server. */
const TARGET_RATIO = 0.5;
/** Target of the race against two API processes on one database (issue 13). */
const TARGET_RATIO_TWO = 0.75;
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

/** One race; buyer i asks through `clients[i % clients.length]` (one client per API process). */
async function race(clients: Client[], db: pg.Pool, probe: Probe, apiKey: string, tenantId: string, event: string, round: number): Promise<Round> {
  const client = clients[0]!;
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
    const res = await clients[i % clients.length]!.request('POST', '/v1/marketplace/buyingflow/buyIntention', bodies[i], { authorization: apiKey });
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

/** CPU seconds so far of the API processes' Node trees (all of them) and of the embedded PostgreSQL. */
function cpuProbeOf(servers: Server[], dataDir: string): Probe {
  return () => {
    const all = allProcesses();
    const pm = postmasterPid(dataDir);
    const pgPids = new Set(pm !== undefined ? processTree(pm, all).map((p) => p.pid) : []);
    const node = new Set(servers.flatMap((s) => processTree(s.proc.pid, all).map((p) => p.pid)).filter((pid) => !pgPids.has(pid)));
    return { node: sum([...node].map(cpuSeconds)), postgres: sum([...pgPids].map(cpuSeconds)) };
  };
}

/** The measured rounds of one set-up (one or two API processes) and what they add up to. */
interface Phase {
  processes: number;
  rounds: Round[];
}

function phaseFigures(phase: Phase) {
  const { rounds } = phase;
  const requests = rounds.length * BUYERS;
  const seconds = sum(rounds.map((r) => r.seconds));
  const cpu = { node: sum(rounds.map((r) => r.cpu.node)), postgres: sum(rounds.map((r) => r.cpu.postgres)) };
  const waits = { samples: sum(rounds.map((r) => r.waits.samples)), waits: new Map<string, number>() };
  for (const r of rounds) for (const [k, n] of r.waits.waits) waits.waits.set(k, (waits.waits.get(k) ?? 0) + n);
  return {
    requests,
    seconds,
    rate: requests / seconds,
    /** The median of the rounds' rates: the figure the target is read on (one slow round from a neighbour on the machine does not decide it). */
    medianRate: median(rounds.map((r) => BUYERS / r.seconds)),
    lat: rounds.flatMap((r) => r.latenciesMs).sort((a, b) => a - b),
    wonLat: rounds.flatMap((r) => r.wonMs).sort((a, b) => a - b),
    lostLat: rounds.flatMap((r) => r.lostMs).sort((a, b) => a - b),
    won: sum(rounds.map((r) => r.won)),
    lost: sum(rounds.map((r) => r.lost)),
    failed: sum(rounds.map((r) => r.failures.length)),
    cpu,
    clientCpu: sum(rounds.map((r) => r.clientCpu)),
    waits,
  };
}

const roundsTable = (rounds: Round[]): string =>
  table(
    ['round', 'requests', 'wall time', 'req/s', 'p50 ms', 'p99 ms', 'max ms', '200', '409', 'other', 'listings asked for', 'server CPU time'],
    rounds.map((r, i) => {
      const l = [...r.latenciesMs].sort((a, b) => a - b);
      return [String(i + 1), fmtNum(BUYERS), `${fmtNum(r.seconds, 2)} s`, fmtNum(BUYERS / r.seconds), ms(percentile(l, 50)), ms(percentile(l, 99)), ms(l.at(-1) ?? Number.NaN), fmtNum(r.won), fmtNum(r.lost), fmtNum(r.failures.length), fmtNum(r.asked), cpuText(r.cpu)];
    }),
  );

export const onsaleRaceBench: Benchmark = {
  name: 'onsale-race',
  title: 'On-sale race for resale listings',
  async run(opts): Promise<BenchReport> {
    const problems: string[] = [];
    const one: Phase = { processes: 1, rounds: [] };
    const two: Phase = { processes: 2, rounds: [] };
    let pgbench: PgbenchResult | undefined;
    let pgbenchNote = '';
    /** Broken rules (double sales, reservations that do not match the answers). */
    const violations: string[] = [];
    await withServedTenant(CONNECTIONS + 10, opts.log, async ({ encore, db, client, tenantId, apiKey, dataDir }) => {
      await createEvent(client, apiKey, 'onsale');
      let next = 0; // rounds are numbered across both set-ups: every round has its own tickets
      const play = async (phase: Phase, clients: Client[], probe: Probe, label: string, measured: boolean): Promise<void> => {
        const round = await race(clients, db, probe, apiKey, tenantId, 'onsale', next++);
        const name = `${phase.processes === 1 ? 'one API process' : 'two API processes'}, ${label}`;
        opts.log(
          `  ${name}: ${fmtNum(BUYERS / round.seconds)} req/s, ${round.won} × 200, ${round.lost} × 409, ${round.failures.length} failed, ` +
            `p50 ${ms(percentile([...round.latenciesMs].sort((a, b) => a - b), 50))} ms, p99 ${ms(percentile([...round.latenciesMs].sort((a, b) => a - b), 99))} ms`,
        );
        if (round.failures.length) problems.push(`${name}: ${round.failures.length} answers neither 200 nor 409 LISTING_UNAVAILABLE, e.g. ${round.failures.slice(0, 3).join(' | ')}`);
        violations.push(...round.dbProblems);
        if (measured) phase.rounds.push(round);
      };
      const oneProbe = cpuProbe(encore, dataDir);
      for (let r = 0; r < WARMUP_ROUNDS; r++) await play(one, [client], oneProbe, 'warm-up', false);

      opts.log("  Encore: starting a second serve on the same data folder (a guest of the first one's PostgreSQL)");
      const second = await startEncoreGuest({ dataDir });
      const secondClient = httpClient(second, CONNECTIONS + 10);
      try {
        const twoProbe = cpuProbeOf([encore, second], dataDir);
        // The second process is cold: it gets its own warm-up rounds (the first one's JIT is warm already).
        for (let r = 0; r < WARMUP_ROUNDS; r++) await play(two, [client, secondClient], twoProbe, 'warm-up', false);
        // Measured rounds alternate between the set-ups, so that a neighbour's load on the machine
        // weighs on both alike. While one process serves, the other idles (its job pollers only).
        for (let r = 0; r < ROUNDS; r++) {
          await play(one, [client], oneProbe, `round ${r + 1}/${ROUNDS}`, true);
          await play(two, [client, secondClient], twoProbe, `round ${r + 1}/${ROUNDS}`, true);
        }
      } finally {
        secondClient.close();
        await second.stop();
      }
      violations.push(...(await invariantViolations(db, tenantId)));
      problems.push(...violations);

      ({ result: pgbench, note: pgbenchNote } = await pgbenchReference(dataDir, { clients: PGBENCH_CLIENTS, threads: PGBENCH_THREADS, durationS: PGBENCH_SECONDS, log: opts.log }, problems));
    });

    const f1 = phaseFigures(one);
    const f2 = phaseFigures(two);
    const tps = pgbench?.tps ?? Number.NaN;
    const ratio1 = f1.medianRate / tps;
    const ratio2 = f2.medianRate / tps;
    const valid = problems.length === 0;
    const perPhase = (name: string, f: ReturnType<typeof phaseFigures>): Metric[] => [
      { metric: `${name}: buy-intention throughput, median round / all rounds (${ROUNDS} rounds × ${fmtNum(BUYERS)} buyers for ${LISTINGS} listings, ${CONNECTIONS} connections)`, value: `${fmtNum(f.medianRate)} / ${fmtNum(f.rate)} req/s` },
      { metric: `${name}: buy-intention latency p50 / p99`, value: `${ms(percentile(f.lat, 50))} / ${ms(percentile(f.lat, 99))} ms` },
      { metric: `${name}: latency p50 / p99 of the 200s (reserved) and of the 409s (refused)`, value: `${ms(percentile(f.wonLat, 50))} / ${ms(percentile(f.wonLat, 99))} ms and ${ms(percentile(f.lostLat, 50))} / ${ms(percentile(f.lostLat, 99))} ms` },
      { metric: `${name}: server CPU per buy-intention request (node + postgres)`, value: `${fmtNum((1000 * (f.cpu.node + f.cpu.postgres)) / f.requests, 2)} ms (${fmtNum((1000 * f.cpu.node) / f.requests, 2)} + ${fmtNum((1000 * f.cpu.postgres) / f.requests, 2)})` },
      { metric: `${name}: serve's database sessions during the races, mean busy sessions by wait event`, value: waitsText(f.waits) },
      { metric: `${name}: answers 200 / 409 / other`, value: `${fmtNum(f.won)} / ${fmtNum(f.lost)} / ${fmtNum(f.failed)}` },
    ];

    const summary: Metric[] = [
      ...perPhase('one API process', f1),
      ...perPhase('two API processes', f2),
      {
        metric: 'invariants (both set-ups): listings won twice, tickets sold twice, reservations ≠ listings won',
        value: violations.length === 0 ? '0 / 0 / 0' : `${violations.length} violation(s), see above`,
        target: '0 / 0 / 0',
        pass: violations.length === 0,
      },
      {
        metric: `reference: pgbench -N (${PGBENCH_CLIENTS} clients, ${PGBENCH_SECONDS} s, same PostgreSQL)`,
        value: pgbench && Number.isFinite(tps) ? `${fmtNum(tps)} tps` : pgbenchNote || 'n/a',
      },
      {
        metric: 'ratio, one API process: median round req/s / pgbench tps',
        value: Number.isFinite(ratio1) ? fmtNum(ratio1, 2) : 'n/a',
        target: `≥ ${TARGET_RATIO}`,
        pass: valid && Number.isFinite(ratio1) && ratio1 >= TARGET_RATIO,
      },
      {
        metric: 'ratio, two API processes on one database: median round req/s / pgbench tps',
        value: Number.isFinite(ratio2) ? fmtNum(ratio2, 2) : 'n/a',
        target: `≥ ${TARGET_RATIO_TWO}`,
        pass: valid && Number.isFinite(ratio2) && ratio2 >= TARGET_RATIO_TWO,
      },
    ];

    const cpuLine = (name: string, f: ReturnType<typeof phaseFigures>): string =>
      `${name}: ${cpuText(f.cpu)} over ${fmtNum(f.seconds, 1)} s of races, i.e. ${fmtNum((f.cpu.node + f.cpu.postgres) / f.seconds, 2)} CPUs busy; the load generator used ${fmtNum(f.clientCpu, 1)} s more (${fmtNum((f.cpu.node + f.cpu.postgres + f.clientCpu) / f.seconds, 2)} CPUs in all)`;
    const details = [
      `Encore runs as \`serve\` (LOG_LEVEL=warn) on a fresh embedded PostgreSQL (fsync on). The benchmark creates a tenant (CLI) and one event ` +
        `with one show, then plays ${WARMUP_ROUNDS} unmeasured warm-up rounds (the JIT needs several thousand requests to settle) and ${ROUNDS} measured rounds. Each round creates ${LISTINGS} fresh ` +
        `tickets (\`POST /v1/sync/tickets\`) and one SINGLE listing per ticket (\`POST /v1/marketplace/listings\`, 8 in flight; not timed), then ` +
        `${fmtNum(BUYERS)} buyers (each a different \`user\`) race for them: each sends ONE \`POST /v1/marketplace/buyingflow/buyIntention\` ` +
        `naming one listing picked uniformly at random, ${CONNECTIONS} requests in flight over keep-alive connections (a ` +
        `scripted node:http client in the bench process, bodies serialised before the clock starts). Throughput = requests / wall time from ` +
        'the first request sent to the last answer: per round, and summed over the measured rounds; the targets are read on the median round. Latency is per request, pooled over the rounds. Every ' +
        'answer had to be 200 with the intention of the listing asked for, or 409 `LISTING_UNAVAILABLE`.',
      '',
      `**Two API processes.** After the one-process warm-up, a second \`serve\` is started on the same data folder: it attaches to the first one's embedded PostgreSQL ` +
        '(one database, as `serve` processes scaled out on one machine share theirs) and gets its own warm-up rounds; then the measured rounds alternate, one ' +
        'process then two, so that other work on the machine weighs on both set-ups alike. Against two processes, buyer i is sent to process i mod 2 ' +
        `(the same ${CONNECTIONS} requests in flight in all, half on each). ` +
        "Each process refuses from its own memory only the listings it saw taken (ADR 0010's refusals from memory are per process), so the two " +
        'processes together make more database reads for the 409s than one does.',
      '',
      'Checked after every round, in the database: each listing that was asked for was won by exactly one buyer (200s = distinct listings ' +
        'asked for), the round holds exactly min(200, 200s) RESERVED intentions, a refused buyer left no intention, every won listing is ' +
        'RESERVED with `hold_intention_id` = the winner, every other listing is still ACTIVE. After the last round, over the whole tenant: no ' +
        'listing in the items of two RESERVED/PAYING/COMPLETED intentions, no ticket in two COMPLETED orders, every RESERVED listing held by a ' +
        'live intention that lists it.',
      '',
      'One API process:',
      '',
      roundsTable(one.rounds),
      '',
      'Two API processes on one database:',
      '',
      roundsTable(two.rounds),
      '',
      pgbench
        ? `**pgbench** (\`${pgbench.binary}\`, ${pgbench.version}), right after the races on the same embedded PostgreSQL: \`pgbench -i -s ${pgbench.scale}\` into a ` +
          `scratch database, then \`pgbench -n -N -c ${pgbench.clients} -j ${pgbench.threads} -T ${pgbench.durationS}\` (built-in simple-update, ` +
          `${pgbench.statements.length} statements per transaction): ${fmtNum(pgbench.tps)} tps, latency average ${fmtNum(pgbench.latencyAvgMs, 1)} ms, ` +
          `${fmtNum(pgbench.transactions)} transactions, ${pgbench.failed} failed. The targets are a buy-intention rate (median round) of at least ${TARGET_RATIO} × that tps ` +
          `with one API process and ${TARGET_RATIO_TWO} × with two (a buy intention is one transaction plus the API-key lookup, over HTTP and Node).`
        : `**pgbench**: ${pgbenchNote || 'not measured'}.`,
      '',
      `Server CPU time is user + system time of the serve processes' Node trees and of the whole embedded PostgreSQL during each race (from ` +
        `\`/proc/<pid>/stat\`). ${cpuLine('One API process', f1)}. ${cpuLine('Two API processes', f2)}. Wait events: \`pg_stat_activity\` of the serve processes' sessions (application_name \`encore-*\`) ` +
        `sampled every 50 ms during the races (${fmtNum(f1.waits.samples)} + ${fmtNum(f2.waits.samples)} samples); the figure is the mean number of sessions in each state ` +
        '(`CPU` = running, `Lock:transactionid` = waiting for another transaction\'s row lock, `IO:WALSync` / `LWLock:WALWrite` = commit flush, ' +
        '`idle in transaction` = an open transaction waiting for Node between statements). ' +
        `This machine has ${os.cpus().length} CPUs, shared by the servers, their PostgreSQL and the load generator.`,
    ].join('\n');

    return { summary, details, problems };
  },
};
