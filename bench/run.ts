/**
 * `npm run bench [-- <name>...] [--duration S] [--connections N] [--warmup S] [--starts N] [--no-write]`
 *
 * Runs the named benchmarks (all without names), prints their tables and rewrites BENCHMARKS.md
 * with the figures, the date and the machine. Exits 1 when a benchmark failed or its run was
 * invalid (any failed request), so CI cannot mistake errors for throughput.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { accessLayerBench } from './access-layer.bench.js';
import { admissionBench } from './admission.bench.js';
import { eventsBench } from './events.bench.js';
import { cleanupAll, installSignalCleanup } from './lib/cleanup.js';
import { curveTable, describeMachine, machine, summaryTable, volumeLabel, volumeSection, writeBenchmarksFile, type Benchmark, type BenchReport, type RunOptions, type VolumeRun } from './lib/report.js';
import { fmtCounts, prepareVolume, setActiveVolume } from './lib/volume.js';
import { memoryBench } from './memory.bench.js';
import { onsaleRaceBench } from './onsale-race.bench.js';
import { pagesBench } from './pages.bench.js';
import { purchaseBench } from './purchase.bench.js';
import { purchaseIntentsBench } from './purchase-intents.bench.js';
import { startupBench } from './startup.bench.js';
import { ticketsIngestBench } from './tickets-ingest.bench.js';
import { webhooksBench } from './webhooks.bench.js';

const BENCHMARKS: Benchmark[] = [eventsBench, startupBench, memoryBench, admissionBench, ticketsIngestBench, onsaleRaceBench, purchaseBench, purchaseIntentsBench, accessLayerBench, pagesBench, webhooksBench];

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number (got "${raw}")`);
  return n;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      warmup: { type: 'string' },
      starts: { type: 'string' },
      tickets: { type: 'string' },
      volumes: { type: 'string' },
      'fresh-volume': { type: 'boolean' },
      'prepare-only': { type: 'boolean' },
      'no-write': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`npm run bench [-- <${BENCHMARKS.map((b) => b.name).join('|')}>...] [--duration 10] [--connections 20] [--warmup 3] [--starts 3] [--tickets 1000000] [--volumes 1,10,30] [--fresh-volume] [--prepare-only] [--no-write]`);
    return 0;
  }
  const unknown = positionals.filter((p) => !BENCHMARKS.some((b) => b.name === p));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  const selected = positionals.length ? BENCHMARKS.filter((b) => positionals.includes(b.name)) : BENCHMARKS;

  // `--tickets`: tickets sent by the tickets-ingest benchmark (default 1,000,000).
  const opts: RunOptions & { tickets?: number } = {
    durationS: positiveNumber('duration', values.duration, 10),
    connections: Math.max(1, Math.round(positiveNumber('connections', values.connections, 20))),
    warmupS: positiveNumber('warmup', values.warmup, 3),
    starts: Math.max(1, Math.round(positiveNumber('starts', values.starts, 3))),
    log: (line) => console.log(line),
    ...(values.tickets !== undefined ? { tickets: Math.max(1000, Math.round(positiveNumber('tickets', values.tickets, 1_000_000))) } : {}),
  };
  const m = machine();
  const when = new Date();
  console.log(`Benchmarks: ${selected.map((b) => b.name).join(', ')} on ${describeMachine(m)}\n`);

  // The data volumes every benchmark runs on (bench/lib/volume.ts); 0: a fresh, empty database.
  const volumes = (values.volumes ?? '1,10,30').split(',').map((v) => Math.round(positiveNumber('volumes', v.trim(), 1)));
  const runs = new Map<string, VolumeRun[]>();
  let failed = 0;
  for (const scale of volumes) {
    let holds = 'nothing: a fresh database per benchmark';
    if (scale > 0) {
      console.log(`▶ data volume ${scale}×`);
      const volume = await prepareVolume(scale, { fresh: values['fresh-volume'] === true, log: (l) => console.log(l) });
      setActiveVolume(volume);
      holds = fmtCounts(volume.counts);
      if (values['prepare-only']) continue;
    } else {
      setActiveVolume(undefined);
    }
    for (const bench of selected) {
      const loadAvg = os.loadavg()[0] ?? 0;
      console.log(`▶ ${bench.name} at ${volumeLabel(scale)} volume: ${bench.title} (load average ${loadAvg.toFixed(1)})`);
      let report: BenchReport;
      try {
        report = await bench.run(opts);
      } catch (err) {
        report = { summary: [], details: '', problems: [`the benchmark failed: ${(err as Error).message}`] };
      } finally {
        await cleanupAll();
      }
      if (report.problems.length) failed++;
      console.log('');
      console.log(summaryTable(report));
      if (report.problems.length) {
        console.error(`\n!!! ${bench.name}: INVALID RUN — do not quote these figures:`);
        for (const p of report.problems) console.error(`!!!   ${p}`);
      }
      console.log('');
      runs.set(bench.name, [...(runs.get(bench.name) ?? []), { scale, report, loadAvg, holds }]);
    }
  }
  setActiveVolume(undefined);
  if (values['prepare-only']) return 0;
  const fresh = new Map<string, string>();
  for (const bench of selected) {
    const benchRuns = runs.get(bench.name) ?? [];
    if (benchRuns.length > 1) console.log(`${bench.name} over data volume:\n${curveTable(benchRuns)}\n`);
    fresh.set(bench.name, volumeSection(bench, benchRuns, when, m, opts));
  }

  if (!values['no-write']) console.log(`Wrote ${writeBenchmarksFile(BENCHMARKS, fresh, m, when)}`);
  if (failed) console.error(`${failed} of ${selected.length} benchmark(s) failed or were invalid.`);
  return failed ? 1 : 0;
}

installSignalCleanup();
main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    await cleanupAll();
    process.exit(2);
  },
);
