import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { load, type LoadResult } from './lib/load.js';
import { eventPayload } from './lib/payload.js';
import { findPgbench, runPgbench, type PgbenchResult } from './lib/pgbench.js';
import { allProcesses, cpuSeconds, postmasterPid, processTree } from './lib/process.js';
import type { Benchmark, BenchReport, RunOptions } from './lib/report.js';
import { table } from './lib/report.js';
import { createTenant, startBare, startBareDb, startEncore, tempDataDir, type Server } from './lib/servers.js';
import { fmtNum, sum } from './lib/stats.js';

const TARGET_RATIO = 0.25;

/** Unique event ids across the warm-up and the measured run: `bench-<run>-<n>`. */
function idSource(): () => string {
  const run = randomBytes(4).toString('hex');
  let n = 0;
  return () => `bench-${run}-${++n}`;
}

/** CPU seconds used so far by the server's Node processes and by its embedded PostgreSQL. */
type CpuProbe = () => { node: number; postgres: number };

function cpuProbe(server: Server, dataDir: string | undefined): CpuProbe {
  return () => {
    const all = allProcesses();
    const pm = dataDir ? postmasterPid(dataDir) : undefined;
    const pg = new Set(pm !== undefined ? processTree(pm, all).map((p) => p.pid) : []);
    const node = processTree(server.proc.pid, all).filter((p) => !pg.has(p.pid));
    return { node: sum(node.map((p) => cpuSeconds(p.pid))), postgres: sum([...pg].map(cpuSeconds)) };
  };
}

interface Measured extends LoadResult {
  /** CPU seconds during the measured run. */
  cpu: { node: number; postgres: number };
}

async function drive(server: Server, opts: RunOptions, headers: Record<string, string>, label: string, probe: CpuProbe): Promise<Measured> {
  const nextId = idSource();
  const body = (): string => JSON.stringify(eventPayload(nextId()));
  const base = { url: server.url, method: 'POST' as const, path: '/v1/events', headers, body };
  if (opts.warmupS > 0) {
    opts.log(`  ${label}: warm-up ${opts.warmupS} s`);
    await load({ ...base, connections: opts.connections, durationS: opts.warmupS });
  }
  opts.log(`  ${label}: measuring ${opts.durationS} s with ${opts.connections} connections`);
  const before = probe();
  const loaded = await load({ ...base, connections: opts.connections, durationS: opts.durationS });
  const after = probe();
  const r = { ...loaded, cpu: { node: after.node - before.node, postgres: after.postgres - before.postgres } };
  opts.log(`  ${label}: ${fmtNum(r.reqPerSec)} req/s, p99 ${r.latencyP99Ms} ms${r.problems.length ? ` — ${r.problems.join('; ')}` : ''}`);
  return r;
}

/** Two significant digits at least: 0.0046 → "0.0046", 0.31 → "0.31". */
function fmtRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  return ratio >= 0.1 ? fmtNum(ratio, 2) : ratio.toPrecision(2);
}

/** One request before the load, so that a missing or failing route is reported with its answer. */
async function smokeTest(server: Server, headers: Record<string, string>): Promise<string | undefined> {
  const res = await fetch(`${server.url}/v1/events`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(eventPayload(`bench-smoke-${randomBytes(4).toString('hex')}`)),
  });
  const text = await res.text();
  if (res.status >= 200 && res.status < 300) return undefined;
  return `POST /v1/events answered ${res.status}: ${text.slice(0, 500)}`;
}

/** The database reference points, measured on the embedded PostgreSQL of the running Encore, after Encore itself. */
interface References {
  /** bare Fastify + 1 INSERT; undefined when it could not be measured (the reason is in the problems). */
  db?: Measured;
  /** pgbench -N; undefined when skipped or failed. */
  pgbench?: PgbenchResult;
  /** Why pgbench is not shown, when it is not. */
  pgbenchNote?: string;
}

const PGBENCH_THREADS = 2;

async function measureReferences(opts: RunOptions, dataDir: string, problems: string[]): Promise<References> {
  const refs: References = {};
  try {
    opts.log('  bare Fastify + 1 INSERT: starting on the same embedded PostgreSQL');
    const bareDb = await startBareDb(dataDir);
    try {
      refs.db = await drive(bareDb, opts, {}, 'bare + INSERT', cpuProbe(bareDb, dataDir));
    } finally {
      await bareDb.stop();
    }
    if (refs.db.problems.length) problems.push(`bare + 1 INSERT reference: ${refs.db.problems.join('; ')}`);
  } catch (err) {
    refs.db = undefined;
    problems.push(`bare + 1 INSERT reference: ${(err as Error).message}`);
    opts.log(`  bare + INSERT: ${(err as Error).message}`);
  }

  const binary = findPgbench();
  if (!binary) {
    refs.pgbenchNote = 'skipped: no /usr/lib/postgresql/*/bin/pgbench on this machine (PostgreSQL client tools not installed)';
    opts.log(`  pgbench: ${refs.pgbenchNote}`);
    return refs;
  }
  try {
    refs.pgbench = await runPgbench({ binary, dataDir, clients: opts.connections, threads: PGBENCH_THREADS, durationS: opts.durationS, log: opts.log });
    if (refs.pgbench.problems.length) problems.push(`pgbench reference: ${refs.pgbench.problems.join('; ')}`);
  } catch (err) {
    refs.pgbenchNote = `failed: ${(err as Error).message}`;
    problems.push(`pgbench reference: ${(err as Error).message}`);
    opts.log(`  pgbench: ${(err as Error).message}`);
  }
  return refs;
}

/** The create's throughput may not fall by more than this from the smallest to the largest volume. */
const FLAT_WITHIN = 0.2;

export const eventsBench: Benchmark = {
  name: 'events',
  title: 'Event creation throughput',
  acrossVolumes(runs) {
    const measured = runs.filter((r) => r.scale > 0 && r.report.problems.length === 0 && r.report.numbers?.reqPerSec !== undefined);
    if (measured.length < 2) return [];
    const first = measured[0]!;
    const last = measured[measured.length - 1]!;
    const pct = (x: number): string => `${x >= 0 ? '+' : ''}${fmtNum(x * 100, 1)} %`;
    const n = (r: typeof first) => r.report.numbers!;
    const change = n(last).reqPerSec! / n(first).reqPerSec! - 1;
    // The machine's own speed drifts between runs minutes apart (bare Fastify, which never touches
    // the database, has moved by 70 % within one run here), so the verdict compares throughput
    // relative to the bare Fastify measured beside it, at each volume: what the data volume does.
    const bare = (r: typeof first): number | undefined => n(r).bareReqPerSec;
    const relative = bare(first) && bare(last) ? n(last).reqPerSec! / bare(last)! / (n(first).reqPerSec! / bare(first)!) - 1 : undefined;
    return [
      {
        metric: `POST /v1/events throughput from ${first.scale}× to ${last.scale}× volume`,
        value: pct(change),
        ...(relative === undefined ? { target: `within ${FLAT_WITHIN * 100} % of itself`, pass: Math.abs(change) <= FLAT_WITHIN } : {}),
      },
      ...(relative === undefined
        ? []
        : [
            {
              metric: `same, relative to bare Fastify measured beside it at each volume (the machine's drift removed)`,
              value: pct(relative),
              target: `within ${FLAT_WITHIN * 100} % of itself`,
              pass: Math.abs(relative) <= FLAT_WITHIN,
            },
          ]),
    ];
  },
  async run(opts): Promise<BenchReport> {
    const problems: string[] = [];

    opts.log('  bare Fastify baseline: starting');
    const bare = await startBare();
    let bareResult: Measured;
    try {
      bareResult = await drive(bare, opts, {}, 'bare', cpuProbe(bare, undefined));
    } finally {
      await bare.stop();
    }
    if (bareResult.problems.length) problems.push(`bare baseline: ${bareResult.problems.join('; ')}`);

    const data = tempDataDir();
    let encoreResult: Measured;
    let refs: References;
    try {
      opts.log(`  Encore: starting serve on ${data.dir}`);
      const encore = await startEncore({ dataDir: data.dir });
      try {
        const { apiKey } = await createTenant(data.dir);
        const headers = { authorization: apiKey };
        const smoke = await smokeTest(encore, headers);
        if (smoke) {
          problems.push(smoke);
          opts.log(`  Encore: ${smoke}`);
        }
        encoreResult = await drive(encore, opts, headers, 'Encore', cpuProbe(encore, data.dir));
        // While serve runs (its PostgreSQL with it), after its measurement: never at the same time.
        refs = await measureReferences(opts, data.dir, problems);
      } finally {
        await encore.stop();
      }
    } finally {
      await data.remove();
    }
    if (encoreResult.problems.length) problems.push(`POST /v1/events: ${encoreResult.problems.join('; ')}`);

    const valid = problems.length === 0;
    const ratio = encoreResult.reqPerSec / bareResult.reqPerSec;
    const shown = (r: LoadResult, text: string): string => (r.problems.length ? `${text} (invalid)` : text);
    const ratioOf = (a: LoadResult, b: LoadResult): string => shown({ ...a, problems: [...a.problems, ...b.problems] }, fmtRatio(a.reqPerSec / b.reqPerSec));
    const { db, pgbench } = refs;
    const pgbenchShown = (text: string): string => (pgbench?.problems.length ? `${text} (invalid)` : text);

    const summary = [
      { metric: 'POST /v1/events throughput', value: shown(encoreResult, `${fmtNum(encoreResult.reqPerSec)} req/s`) },
      { metric: 'POST /v1/events p99 latency', value: shown(encoreResult, `${encoreResult.latencyP99Ms} ms`) },
      { metric: 'bare Fastify throughput', value: shown(bareResult, `${fmtNum(bareResult.reqPerSec)} req/s`) },
      { metric: 'bare Fastify p99 latency', value: shown(bareResult, `${bareResult.latencyP99Ms} ms`) },
      {
        metric: 'ratio events / bare',
        value: valid ? fmtRatio(ratio) : `${fmtRatio(ratio)} (invalid)`,
        target: `≥ ${TARGET_RATIO}`,
        pass: valid && ratio >= TARGET_RATIO,
      },
      { metric: 'reference: bare Fastify + 1 INSERT throughput', value: db ? shown(db, `${fmtNum(db.reqPerSec)} req/s`) : 'failed' },
      { metric: 'reference: bare Fastify + 1 INSERT p99 latency', value: db ? shown(db, `${db.latencyP99Ms} ms`) : 'failed' },
      {
        metric: 'reference: pgbench -N throughput',
        value: pgbench && Number.isFinite(pgbench.tps)
          ? pgbenchShown(`${fmtNum(pgbench.tps)} tps (${pgbench.statements.length} statements per transaction)`)
          : refs.pgbenchNote?.startsWith('skipped')
            ? 'skipped (pgbench not found)'
            : 'failed',
      },
      {
        metric: 'ratio events / bare + 1 INSERT',
        value: db ? ratioOf(encoreResult, db) : 'n/a',
        target: `≥ ${TARGET_RATIO}`,
        pass: valid && db !== undefined && db.problems.length === 0 && encoreResult.reqPerSec / db.reqPerSec >= TARGET_RATIO,
      },
      { metric: 'cost per request: PostgreSQL CPU', value: shown(encoreResult, `${fmtNum((encoreResult.cpu.postgres * 1000) / Math.max(1, encoreResult.ok2xx), 2)} ms`) },
      { metric: 'cost per request: Node CPU', value: shown(encoreResult, `${fmtNum((encoreResult.cpu.node * 1000) / Math.max(1, encoreResult.ok2xx), 2)} ms`) },
      { metric: 'ratio bare + 1 INSERT / bare', value: db ? ratioOf(db, bareResult) : 'n/a' },
    ];

    const numbers = { reqPerSec: encoreResult.reqPerSec, bareReqPerSec: bareResult.reqPerSec };
    const ms = (n: number): string => (n < 1 ? '< 1' : String(n));
    const row = (name: string, r: Measured): string[] => [
      name,
      fmtNum(r.reqPerSec),
      ms(r.latencyP50Ms),
      ms(r.latencyP99Ms),
      fmtNum(r.latencyAvgMs, 1),
      fmtNum(r.ok2xx),
      fmtNum(r.non2xx),
      fmtNum(r.errors + r.timeouts),
      Object.entries(r.statusCounts)
        .map(([c, n]) => `${c}: ${n}`)
        .join(', '),
      `${fmtNum(r.cpu.node, 1)} s node` + (r.cpu.postgres > 0 ? ` + ${fmtNum(r.cpu.postgres, 1)} s postgres` : ''),
      r.ok2xx > 0 ? `${fmtNum((1000 * (r.cpu.node + r.cpu.postgres)) / r.ok2xx, 2)} ms` : '',
    ];
    const serverRows = [row('Encore POST /v1/events', encoreResult), row('bare Fastify', bareResult)];
    if (db) serverRows.push(row('bare Fastify + 1 INSERT (reference)', db));

    const pgbenchPart: string[] = [];
    if (pgbench) {
      const sql = pgbench.statements.map((st) => `\`${st.replace(/;$/, '')}\``).join('; ');
      const cpuTotal = pgbench.cpu.pgbench + pgbench.cpu.postgres;
      pgbenchPart.push(
        `**pgbench** (\`${pgbench.binary}\`, ${pgbench.version}) measures the database alone, with a C client and no HTTP or Node in the way. ` +
          `It initialises a scratch database \`bench_pgbench\` on the same embedded PostgreSQL (\`pgbench -i -s ${pgbench.scale}\`: ` +
          `${fmtNum(100_000 * pgbench.scale)} accounts), then runs \`pgbench -n -N -c ${pgbench.clients} -j ${pgbench.threads} -T ${pgbench.durationS}\` ` +
          `(as many clients as autocannon has connections, as long as the measured HTTP runs; no warm-up) and drops the database. ` +
          `One transaction of its built-in \`simple-update\` script (\`-N\`) is ${pgbench.statements.length} statements, each a round trip ` +
          `(simple query protocol): ${sql} — one UPDATE, one SELECT and one INSERT of a single row each, in one transaction with one commit. ` +
          'Its figure is transactions per second, not HTTP requests.',
        '',
        table(
          ['pgbench', 'tps', 'statements/s', 'latency average ms', 'transactions', 'failed', 'clients / threads', 'CPU time', 'CPU per transaction'],
          [
            [
              `-n -N -c ${pgbench.clients} -j ${pgbench.threads} -T ${pgbench.durationS}`,
              fmtNum(pgbench.tps),
              fmtNum(pgbench.tps * pgbench.statements.length),
              Number.isFinite(pgbench.latencyAvgMs) ? fmtNum(pgbench.latencyAvgMs, 1) : '',
              fmtNum(pgbench.transactions),
              fmtNum(pgbench.failed),
              `${pgbench.clients} / ${pgbench.threads}`,
              `${fmtNum(pgbench.cpu.pgbench, 1)} s pgbench + ${fmtNum(pgbench.cpu.postgres, 1)} s postgres`,
              pgbench.transactions > 0 ? `${fmtNum((1000 * cpuTotal) / pgbench.transactions, 2)} ms` : '',
            ],
          ],
        ),
      );
    } else {
      pgbenchPart.push(`**pgbench**: ${refs.pgbenchNote ?? 'not measured'}.`);
    }

    const details = [
      'Each request creates a new event (unique `externalReferenceId`, show, ticket-option and price-type ids, generated per request with ' +
        "autocannon's `setupRequest`): 2 shows × (3 ticket options + 2 price types), a producer and a full location, about " +
        `${fmtNum(JSON.stringify(eventPayload('bench-00000000-1')).length)} bytes of JSON. Encore runs as \`serve\` with LOG_LEVEL=warn on a fresh ` +
        'embedded PostgreSQL (fsync on). The baseline (bench/lib/bare-server.ts) is a bare Fastify process with one POST route that validates a body ' +
        'of the same shape against a JSON schema and answers a small JSON envelope: no auth, no database. The servers are measured one after ' +
        'the other, never at the same time.',
      '',
      table(
        ['server', 'req/s (mean)', 'p50 ms', 'p99 ms', 'mean ms', '2xx', 'non-2xx', 'errors', 'status codes', 'server CPU time', 'CPU per 2xx'],
        serverRows,
      ),
      '',
      `Server CPU time is user + system time of the server's processes during the ${opts.durationS} s measured run (from \`/proc/<pid>/stat\`, ` +
        `including processes that ended during the run; this machine has ${os.cpus().length} CPUs, shared with the load generator): it shows whether ` +
        'the Node process or PostgreSQL is the bottleneck. The postgres figure is the whole embedded server (every backend, the WAL writer, …).',
      '',
      '### Database reference points',
      '',
      'The required ratio compares a transactional multi-table write (several SQL statements per request in one transaction on the embedded ' +
        'PostgreSQL) with a route that does no I/O at all, so on a machine where system calls are expensive (as in a sandboxed kernel) it mostly ' +
        'measures the cost of database round trips. The target and its verdict stay as they are; the two references below, measured in the same ' +
        "run on the same embedded PostgreSQL (while Encore's `serve` still runs, after Encore's own measurement, one after the other and never " +
        'at the same time; Encore is idle meanwhile), show how far the endpoint is from what the database itself allows on this machine.',
      '',
      '**bare Fastify + 1 INSERT** (bench/lib/bare-db-server.ts) is the bare baseline (same body schema, same reply, no auth) plus one ' +
        'parameterized `INSERT INTO bench_events (id, body) VALUES ($1, $2)` per request, autocommit (so one commit, one WAL flush), through a ' +
        "`pg` Pool of 20 (as Encore's), on Encore's embedded PostgreSQL (database `encore`, table `bench_events` created if absent), driven " +
        'exactly like the other two servers. "bare + 1 INSERT / bare" is the ceiling a single-statement endpoint could reach on this machine ' +
        'relative to no I/O; "events / bare + 1 INSERT" shows what the rest of `POST /v1/events` (API-key authentication, a transaction of ' +
        'several statements over several tables with its audit record, the larger reply) costs beyond one round trip and one commit.',
      '',
      ...pgbenchPart,
    ].join('\n');

    return { summary, details, problems, numbers };
  },
};
