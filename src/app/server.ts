import { analyzeNeverAnalysedTables } from '../db/analyze.js';
import { createTenantIfNone } from '../modules/tenants/index.js';
import { buildApp, type App } from './app.js';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import { DEMO_EVENT } from './demo-event.js';
import { openRuntime, type Runtime } from './runtime.js';

export interface Running {
  app: App;
  runtime: Runtime;
  url: string;
  shutdown(reason: string): Promise<void>;
}

type Print = (line: string) => void;

/**
 * `encore serve`: migrations, the HTTP API, and the job workers in-process. Shutdown order matters:
 * stop accepting and finish in-flight requests, stop workers (running jobs finish), close the pool,
 * then stop the embedded server.
 */
export async function serve(config: Config, print: Print = (l) => process.stdout.write(`${l}\n`)): Promise<Running> {
  const t0 = performance.now();
  const runtime = await openRuntime(config, { role: 'service', log: print });
  let app: App;
  try {
    app = await buildApp(runtime.deps, { logger: { level: config.logLevel } });
    runtime.deps.queue.onError = (err) => app.log.error({ err }, 'job queue error');
    // Greet before listening: once /health answers, the demo key is already printed.
    for (const line of await greetFirstStart(runtime.deps, config)) print(line);
    await app.listen({ port: config.port, host: config.host });
    await runtime.deps.queue.startWorkers();
  } catch (err) {
    await runtime.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  print(`Encore is serving on ${url} (started in ${Math.round(performance.now() - t0)} ms; API reference at ${config.publicUrl}/docs)`);

  const analyzing = analyzeWhileServing(runtime.deps, (err) => app.log.error({ err }, 'analyse of never-analysed tables failed'));

  let closing: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    closing ??= (async () => {
      print(`shutting down (${reason})`);
      await analyzing.stop();
      await app.close();
      await runtime.close();
      print('stopped');
    })();
    return closing;
  };
  return { app, runtime, url, shutdown };
}

/** How often `serve` looks for tables that hold rows and were never analysed. */
export const ANALYZE_CHECK_MS = 30_000;

/**
 * Tables that hold rows but were never analysed get their statistics from `serve` (db/analyze.ts):
 * now, and every ANALYZE_CHECK_MS while it runs. The check is one catalogue read; once every table
 * has statistics it analyses nothing.
 */
function analyzeWhileServing(deps: Deps, onError: (err: unknown) => void): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = running.then(() => analyzeNeverAnalysedTables(deps.db)).catch(onError);
  };
  tick();
  const timer = setInterval(tick, ANALYZE_CHECK_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/** On the very first start, a demo tenant and a curl line, so a newcomer can call the API at once. */
async function greetFirstStart(deps: Deps, config: Config): Promise<string[]> {
  const lines: string[] = [];
  const print = (line: string): void => void lines.push(line);
  const created = await createTenantIfNone(deps, { name: 'demo', returnOrigins: [config.publicUrl] });
  if (!created) return lines;
  const body = JSON.stringify(DEMO_EVENT);
  print('');
  print('First start: created the demo tenant.');
  print(`  tenant id: ${created.tenantId}`);
  print(`  API key:   ${created.apiKey}   (shown once; stored only as a hash)`);
  print('Try it:');
  print(`  curl -s -X POST ${config.publicUrl}/v1/events -H 'Authorization: ${created.apiKey}' -H 'content-type: application/json' -d '${body}'`);
  print('');
  return lines;
}
