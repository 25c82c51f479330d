import type { Benchmark, BenchReport } from './lib/report.js';
import { table } from './lib/report.js';
import { startEncore, tempDataDir } from './lib/servers.js';
import { fmtMs, median } from './lib/stats.js';

const TARGET_MS = 3_000;

/** `started in N ms` as `serve` prints it: the part spent inside serve() (database, migrations, listen). */
function reportedStart(output: string): number | undefined {
  const m = /started in (\d+) ms/.exec(output);
  return m ? Number(m[1]) : undefined;
}

export const startupBench: Benchmark = {
  name: 'startup',
  title: 'Start-up and shutdown',
  async run(opts): Promise<BenchReport> {
    const data = tempDataDir();
    const runs: { readyMs: number; inServeMs: number | undefined; exitMs: number }[] = [];
    let first: { readyMs: number; exitMs: number };
    try {
      opts.log('  first start (initialises the data folder; not counted)');
      const init = await startEncore({ dataDir: data.dir });
      first = { readyMs: init.readyMs, exitMs: await init.stop() };
      opts.log(`  first start: ready in ${fmtMs(first.readyMs)}, exit in ${fmtMs(first.exitMs)}`);
      for (let i = 1; i <= opts.starts; i++) {
        const s = await startEncore({ dataDir: data.dir });
        const inServeMs = reportedStart(s.proc.output());
        const exitMs = await s.stop();
        runs.push({ readyMs: s.readyMs, inServeMs, exitMs });
        opts.log(`  start ${i}: ready in ${fmtMs(s.readyMs)}, exit in ${fmtMs(exitMs)}`);
      }
    } finally {
      await data.remove();
    }

    const ready = median(runs.map((r) => r.readyMs));
    const exit = median(runs.map((r) => r.exitMs));
    const summary = [
      { metric: `start-up, existing data folder (median of ${runs.length})`, value: fmtMs(ready), target: `< ${fmtMs(TARGET_MS)}`, pass: ready < TARGET_MS },
      { metric: 'exit after SIGTERM (median)', value: fmtMs(exit) },
      { metric: 'first start on an empty folder (initdb)', value: fmtMs(first.readyMs) },
    ];
    const details = [
      'Start-up is the wall time from spawning `node bin/encore.mjs serve` until `GET /health` (which queries the database) answers 200, polled every ' +
        '10 ms: it includes the TypeScript loader, module loading, starting the embedded PostgreSQL, migrations, the job queue and `listen`. ' +
        '"inside serve()" is the figure `serve` prints itself (from opening the database to listening). Exit is the time from SIGTERM until the ' +
        'process has exited and the embedded PostgreSQL is gone. The first start on the empty folder (initdb) is shown apart and not counted.',
      '',
      table(
        ['run', 'ready (health 200)', 'inside serve()', 'exit after SIGTERM'],
        [
          ['first start (empty folder)', fmtMs(first.readyMs), '', fmtMs(first.exitMs)],
          ...runs.map((r, i) => [`start ${i + 1}`, fmtMs(r.readyMs), r.inServeMs === undefined ? '?' : fmtMs(r.inServeMs), fmtMs(r.exitMs)]),
        ],
      ),
    ].join('\n');
    return { summary, details, problems: [] };
  },
};
