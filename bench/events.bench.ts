import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { load, type LoadResult } from './lib/load.js';
import { eventPayload } from './lib/payload.js';
import { allProcesses, cpuSeconds, postmasterPid, processTree } from './lib/process.js';
import type { Benchmark, BenchReport, RunOptions } from './lib/report.js';
import { table } from './lib/report.js';
import { createTenant, startBare, startEncore, tempDataDir, type Server } from './lib/servers.js';
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

export const eventsBench: Benchmark = {
  name: 'events',
  title: 'Event creation throughput',
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
    ];

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
    const details = [
      'Each request creates a new event (unique `externalReferenceId`, show, ticket-option and price-type ids, generated per request with ' +
        "autocannon's `setupRequest`): 2 shows × (3 ticket options + 2 price types), a producer and a full location, about " +
        `${fmtNum(JSON.stringify(eventPayload('bench-00000000-1')).length)} bytes of JSON. Encore runs as \`serve\` with LOG_LEVEL=warn on a fresh ` +
        'embedded PostgreSQL (fsync on). The baseline (bench/lib/bare-server.ts) is a bare Fastify process with one POST route that validates a body ' +
        'of the same shape against a JSON schema and answers a small JSON envelope: no auth, no database. The two servers are measured one after ' +
        'the other, never at the same time.',
      '',
      table(
        ['server', 'req/s (mean)', 'p50 ms', 'p99 ms', 'mean ms', '2xx', 'non-2xx', 'errors', 'status codes', 'server CPU time', 'CPU per 2xx'],
        [row('Encore POST /v1/events', encoreResult), row('bare Fastify', bareResult)],
      ),
      '',
      `Server CPU time is user + system time of the server's processes during the ${opts.durationS} s measured run (from \`/proc/<pid>/stat\`; ` +
        `this machine has ${os.cpus().length} CPUs, shared with the load generator): it shows whether the Node process or PostgreSQL is the bottleneck.`,
    ].join('\n');

    return { summary, details, problems };
  },
};
