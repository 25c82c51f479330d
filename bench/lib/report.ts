import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './process.js';

export interface RunOptions {
  /** Seconds of each measured load run. */
  durationS: number;
  /** Concurrent connections of each load run. */
  connections: number;
  /** Seconds of un-measured load before each measured run. */
  warmupS: number;
  /** Start-ups measured by the startup benchmark (median reported). */
  starts: number;
  log: (line: string) => void;
}

export interface Metric {
  metric: string;
  value: string;
  target?: string;
  /** Whether the target is met; undefined when there is no target. */
  pass?: boolean;
}

export interface BenchReport {
  summary: Metric[];
  /** Markdown: how it was measured and the detailed figures. */
  details: string;
  /** Anything that makes the figures untrustworthy (non-2xx responses, a crash). Non-empty = INVALID. */
  problems: string[];
  /** Raw figures a benchmark's `acrossVolumes` compares between volumes. */
  numbers?: Record<string, number>;
}

export interface Benchmark {
  name: string;
  title: string;
  run(opts: RunOptions): Promise<BenchReport>;
  /** Targets over data volume (a cost that must stay flat), judged on the runs at every volume. */
  acrossVolumes?(runs: VolumeRun[]): Metric[];
}

export function table(headers: string[], rows: string[][]): string {
  const esc = (cell: string): string => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${headers.map(esc).join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function verdict(m: Metric, invalid: boolean): string {
  if (invalid) return '**INVALID**';
  if (m.pass === undefined) return '';
  return m.pass ? 'met' : '**MISSED**';
}

export function summaryTable(report: BenchReport): string {
  const invalid = report.problems.length > 0;
  return table(
    ['metric', 'value', 'target', 'verdict'],
    report.summary.map((m) => [m.metric, m.value, m.target ?? '', verdict(m, invalid && m.pass !== undefined)]),
  );
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memory: string;
  os: string;
  node: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memory: `${Math.round(os.totalmem() / 1024 ** 3)} GB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpus} × ${m.cpuModel}, ${m.memory} RAM, ${m.os}, Node ${m.node}`;
}

/** A benchmark's section of BENCHMARKS.md, between markers so that a later run of another benchmark keeps it. */
export function section(bench: Benchmark, report: BenchReport, when: Date, m: Machine, opts: RunOptions, loadAvg: number, volume?: VolumeRun): string {
  const lines = [
    `<!-- bench:${bench.name} -->`,
    `## ${bench.title} (\`npm run bench -- ${bench.name}\`)`,
    '',
    `Measured ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${describeMachine(m)}; ` +
      (volume ? `on a database holding ${volumeLabel(volume.scale)} volume (${volume.holds}); ` : '') +
      `1-minute load average ${loadAvg.toFixed(1)} when it started (other work on the machine skews the figures)` +
      (bench.name === 'events' ? `; ${opts.connections} connections, ${opts.warmupS} s warm-up, ${opts.durationS} s measured.` : '.'),
    '',
  ];
  if (report.problems.length > 0) {
    lines.push(`> **INVALID RUN — these figures must not be quoted.**`);
    for (const p of report.problems) lines.push(`> - ${p.replace(/\n/g, '\n>   ')}`);
    lines.push('');
  }
  lines.push(summaryTable(report), '', report.details.trim(), '', `<!-- /bench:${bench.name} -->`);
  return lines.join('\n');
}

/** One benchmark's run on one data volume (scale 0: a fresh, empty database). */
export interface VolumeRun {
  scale: number;
  report: BenchReport;
  loadAvg: number;
  /** What the volume holds, in words. */
  holds: string;
}

export const volumeLabel = (scale: number): string => (scale === 0 ? 'empty' : `${scale}×`);

/**
 * The curve: each summary metric's value at every volume, side by side, with its verdict there.
 * Rows are matched by metric name; a metric one volume lacks shows as "–".
 */
export function curveTable(runs: VolumeRun[]): string {
  const names: string[] = [];
  for (const r of runs) for (const mt of r.report.summary) if (!names.includes(mt.metric)) names.push(mt.metric);
  const rows = names.map((name) => {
    const target = runs.map((r) => r.report.summary.find((x) => x.metric === name)?.target).find((t) => t) ?? '';
    const cells = runs.map((r) => {
      const mt = r.report.summary.find((x) => x.metric === name);
      if (!mt) return '–';
      const v = verdict(mt, r.report.problems.length > 0 && mt.pass !== undefined);
      return v ? `${mt.value} (${v})` : mt.value;
    });
    return [name, ...cells, target];
  });
  return table(['metric', ...runs.map((r) => `at ${volumeLabel(r.scale)} volume`), 'target'], rows);
}

/** A benchmark's section over several data volumes: the curve first, then each volume's figures. */
export function volumeSection(bench: Benchmark, runs: VolumeRun[], when: Date, m: Machine, opts: RunOptions): string {
  if (runs.length === 1) return section(bench, runs[0]!.report, when, m, opts, runs[0]!.loadAvg, runs[0]);
  const lines = [
    `<!-- bench:${bench.name} -->`,
    `## ${bench.title} (\`npm run bench -- ${bench.name}\`)`,
    '',
    `Measured ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${describeMachine(m)}, on databases holding ${runs.map((r) => `${volumeLabel(r.scale)} (${r.holds})`).join('; ')}.`,
    '',
    '### Over data volume',
    '',
    curveTable(runs),
    '',
  ];
  const flat = bench.acrossVolumes?.(runs) ?? [];
  if (flat.length) lines.push(table(['metric', 'value', 'target', 'verdict'], flat.map((mt) => [mt.metric, mt.value, mt.target ?? '', verdict(mt, false)])), '');
  for (const r of runs) {
    lines.push(`### At ${volumeLabel(r.scale)} volume`, '', `1-minute load average ${r.loadAvg.toFixed(1)} when it started.`, '');
    if (r.report.problems.length > 0) {
      lines.push(`> **INVALID RUN — these figures must not be quoted.**`);
      for (const p of r.report.problems) lines.push(`> - ${p.replace(/\n/g, '\n>   ')}`);
      lines.push('');
    }
    lines.push(summaryTable(r.report), '', r.report.details.trim().replace(/^### /gm, '#### '), '');
  }
  lines.push(`<!-- /bench:${bench.name} -->`);
  return lines.join('\n');
}

const FILE = path.join(ROOT, 'BENCHMARKS.md');

/** The sections already in BENCHMARKS.md, by benchmark name. */
function existingSections(): Map<string, string> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = fs.readFileSync(FILE, 'utf8');
  } catch {
    return out;
  }
  for (const m of text.matchAll(/<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g)) out.set(m[1]!, m[0]);
  return out;
}

/** Rewrites BENCHMARKS.md: the header, then every benchmark's section (new ones from this run, the rest as they were). */
export function writeBenchmarksFile(all: Benchmark[], fresh: Map<string, string>, m: Machine, when: Date): string {
  const old = existingSections();
  const sections = all.map(
    (b) =>
      fresh.get(b.name) ??
      old.get(b.name) ??
      [`<!-- bench:${b.name} -->`, `## ${b.title} (\`npm run bench -- ${b.name}\`)`, '', 'Not measured yet.', '', `<!-- /bench:${b.name} -->`].join('\n'),
  );
  const text = [
    '# Benchmarks',
    '',
    '<!-- Written by `npm run bench` (bench/run.ts). Do not edit by hand: the next run rewrites it. -->',
    '',
    `Last run: ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC (${[...fresh.keys()].join(', ')}) on ${describeMachine(m)}. ` +
      'Each section below says when and where its own figures were measured.',
    '',
    '## How to reproduce',
    '',
    '```sh',
    'npm ci',
    'npm run bench                      # every benchmark; rewrites this file',
    'npm run bench -- events            # one of: ' + all.map((b) => b.name).join(', '),
    'npm run bench -- events --duration 30 --connections 50 --warmup 5',
    'npm run bench -- events --volumes 1      # one data volume only (default: 1,10,30; 0 = an empty database)',
    '```',
    '',
    'Every benchmark runs on a database that already holds a data volume (bench/lib/volume.ts): 1× is 50,000 events, 1,000,000 tickets, ' +
      '100,000 listings and 100,000 purchase intents over 100 integrators, written with SQL and VACUUM ANALYZE\'d; 10× and 30× multiply it. ' +
      'Each benchmark adopts one of those integrators (a new API key), so its own writes land among its share of the volume. The volume ' +
      'folders stay in the system\'s temporary folder for later runs (`--fresh-volume` rewrites them). With `--volumes 0`, the older mode: ' +
      'each benchmark on a fresh empty database. ',
    '',
    'Nothing to set up: each benchmark starts the real product (`node bin/encore.mjs serve`, as `npm start` does) as a child process ' +
      "on a free loopback port on the volume's `DATA_DIR` (its own embedded PostgreSQL; with `--volumes 0`, a fresh temporary one), " +
      'adopts a volume integrator or creates a tenant and API key with `node bin/encore.mjs tenant create`, drives it, and stops it ' +
      "with SIGTERM (a temporary folder is removed; a volume's stays). The load generator is " +
      '[autocannon](https://github.com/mcollina/autocannon) in the bench process, so it shares the machine with the server: compare figures ' +
      'from the same machine only. A run in which any request failed is marked **INVALID** and `npm run bench` exits non-zero.',
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
  fs.writeFileSync(FILE, `${text.trimEnd()}\n`);
  return FILE;
}
