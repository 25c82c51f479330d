import fs from 'node:fs';
import path from 'node:path';
import { eventPayload } from './lib/payload.js';
import { allProcesses, memoryOf, postmasterPid, processTree, sleep, type ProcInfo } from './lib/process.js';
import type { Benchmark, BenchReport } from './lib/report.js';
import { table } from './lib/report.js';
import { createTenant, startEncore, tempDataDir, type Server } from './lib/servers.js';
import { fmtMb, median, sum } from './lib/stats.js';

const TARGET_KB = 250 * 1024;
const SAMPLES = 5;

interface Sample {
  proc: ProcInfo;
  role: string;
  rssKb: number;
  pssKb: number;
}

/**
 * Every process of the running product: the Node process `npm start` runs (bin/encore.mjs, the app
 * itself) and anything it started, plus the embedded PostgreSQL: the postmaster named by
 * `pg/postmaster.pid` and all its children (it is started detached, so it is looked up explicitly
 * rather than trusted to be in the app's tree).
 */
function measure(server: Server, dataDir: string): Sample[] {
  const all = allProcesses();
  const app = server.proc.pid;
  const pm = postmasterPid(dataDir);
  const procs = new Map<number, ProcInfo>();
  for (const p of processTree(app, all)) procs.set(p.pid, p);
  if (pm !== undefined) for (const p of processTree(pm, all)) procs.set(p.pid, p);
  const postgres = new Set(pm !== undefined ? processTree(pm, all).map((p) => p.pid) : []);
  const samples: Sample[] = [];
  for (const p of procs.values()) {
    const mem = memoryOf(p.pid);
    if (!mem) continue; // exited meanwhile
    let role: string;
    if (postgres.has(p.pid)) role = p.pid === pm ? 'postgres: postmaster' : 'postgres: backends and workers';
    else if (p.comm === 'node') role = 'node: Encore (API, job workers)';
    else role = `${p.comm}`;
    samples.push({ proc: p, role, ...mem });
  }
  return samples;
}

async function warmUp(server: Server, apiKey: string): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  const hit = async (method: string, url: string, body?: unknown): Promise<void> => {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: { authorization: apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    await res.arrayBuffer();
    const key = `${method} ${url.split('?')[0]} → ${res.status}`;
    statuses[key] = (statuses[key] ?? 0) + 1;
  };
  for (let i = 0; i < 10; i++) {
    await hit('GET', '/health');
    await hit('GET', '/v1/webhooks');
    await hit('POST', '/v1/events', eventPayload(`bench-mem-${Date.now()}-${i}`));
  }
  await hit('GET', '/api/openapi');
  await hit('GET', '/api/docs.md');
  return statuses;
}

export const memoryBench: Benchmark = {
  name: 'memory',
  title: 'Idle memory',
  async run(opts): Promise<BenchReport> {
    const problems: string[] = [];
    const data = tempDataDir();
    let rounds: Sample[][] = [];
    let statuses: Record<string, number> = {};
    let pgVersion = '?';
    try {
      // The first start initialises the folder; the measured one is a normal (second) start.
      const init = await startEncore({ dataDir: data.dir });
      await init.stop();
      const server = await startEncore({ dataDir: data.dir });
      try {
        const { apiKey } = await createTenant(data.dir);
        statuses = await warmUp(server, apiKey);
        opts.log(`  warm-up: ${Object.entries(statuses).map(([k, n]) => `${n} × ${k}`).join(', ')}`);
        await sleep(3_000); // let the pool and the job queue settle
        for (let i = 0; i < SAMPLES; i++) {
          rounds.push(measure(server, data.dir));
          await sleep(1_000);
        }
        pgVersion = fs.readFileSync(path.join(data.dir, 'pg', 'PG_VERSION'), 'utf8').trim();
      } finally {
        await server.stop();
      }
    } finally {
      await data.remove();
    }
    rounds = rounds.filter((r) => r.length > 0);
    if (rounds.length === 0) throw new Error('no memory sample could be read');
    if (!rounds.every((r) => r.some((s) => s.role.startsWith('postgres')))) problems.push('the embedded PostgreSQL processes were not found');

    // The sample whose total PSS is the median of the samples.
    const byPss = [...rounds].sort((a, b) => sum(a.map((s) => s.pssKb)) - sum(b.map((s) => s.pssKb)));
    const chosen = byPss[Math.floor(byPss.length / 2)]!;
    const pss = sum(chosen.map((s) => s.pssKb));
    const rss = sum(chosen.map((s) => s.rssKb));
    const roles = [...new Set(chosen.map((s) => s.role))];
    const breakdown = roles.map((role) => {
      const ps = chosen.filter((s) => s.role === role);
      return [role, String(ps.length), fmtMb(sum(ps.map((s) => s.pssKb))), fmtMb(sum(ps.map((s) => s.rssKb)))];
    });

    const summary = [
      { metric: `idle memory, whole product (PSS, ${chosen.length} processes)`, value: fmtMb(pss), target: `< ${fmtMb(TARGET_KB)}`, pass: pss < TARGET_KB },
      { metric: 'same, naive sum of RSS (shared memory counted in every process)', value: fmtMb(rss) },
    ];
    const details = [
      `After a normal (second) start of \`serve\` on its data folder, a tenant created with the CLI and a short warm-up ` +
        `(${Object.entries(statuses).map(([k, n]) => `${n} × \`${k}\``).join(', ')}), 3 s idle, then ${SAMPLES} samples 1 s apart ` +
        '(the sample with the median total is shown). Processes: the Node process that `npm start` runs (the app itself), and the ' +
        `embedded PostgreSQL ${pgVersion} (postmaster from \`$DATA_DIR/pg/postmaster.pid\` and all its children: backends of the connection pool, ` +
        'checkpointer, walwriter, …).',
      '',
      '**The headline is PSS** (`Pss:` of `/proc/<pid>/smaps_rollup`): every shared page is divided among the processes that share it, so ' +
        "PostgreSQL's shared buffers count once. The naive RSS sum (`VmRSS` of `/proc/<pid>/status`) counts them in every backend that " +
        'touched them, and over-states the footprint.',
      '',
      table(['process', 'count', 'PSS', 'RSS'], [...breakdown, ['**total**', String(chosen.length), `**${fmtMb(pss)}**`, fmtMb(rss)]]),
      '',
      `Median total PSS over the ${rounds.length} samples: ${fmtMb(median(rounds.map((r) => sum(r.map((s) => s.pssKb)))))}.`,
    ].join('\n');
    return { summary, details, problems };
  },
};
