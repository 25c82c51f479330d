import fs from 'node:fs';
import { onCleanup } from './cleanup.js';
import { activeVolume, adoptVolumeTenant } from './volume-state.js';
import { freePort, isAlive, killGroup, postmasterPid, runScript, sleep, spawnScript, tempDir, waitForOk, type Spawned } from './process.js';

/** What `npm start` runs. */
const CLI = 'bin/encore.mjs';

export interface Server {
  url: string;
  /** The spawned process (`node bin/encore.mjs`, the app itself). */
  proc: Spawned;
  /** Milliseconds from spawn until `GET /health` answered 200. */
  readyMs: number;
  /** SIGTERM, then wait for the process and (for Encore) the embedded PostgreSQL to be gone; returns the milliseconds that took. */
  stop(): Promise<number>;
  /** Stop whatever is left, by force if need be. Idempotent; safe in `finally`. */
  dispose(): Promise<void>;
}

/**
 * Stops a spawned server: SIGTERM to the app (which shuts down in
 * order and stops its PostgreSQL), then waits until the launcher has exited and `extraPid` (the
 * postmaster) is gone too.
 */
async function stopGracefully(proc: Spawned, extraPid: () => number | undefined, timeoutMs = 30_000): Promise<number> {
  const t0 = performance.now();
  const pm = extraPid();
  if (!proc.hasExited()) process.kill(proc.pid, 'SIGTERM');
  const timedOut = await Promise.race([proc.exited.then(() => false), sleep(timeoutMs).then(() => true)]);
  if (timedOut) throw new Error(`the server did not exit within ${timeoutMs} ms of SIGTERM`);
  while (pm !== undefined && isAlive(pm)) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`PostgreSQL (pid ${pm}) still runs ${timeoutMs} ms after SIGTERM`);
    await sleep(5);
  }
  const { code, signal } = await proc.exited;
  if (code !== 0) throw new Error(`the server exited with ${signal ?? `code ${code}`} after SIGTERM:\n${proc.output().trim().slice(-2000)}`);
  return performance.now() - t0;
}

/** Kills the process group, then an orphaned postmaster, waiting for each to be gone. */
async function forceStop(proc: Spawned, dataDir: string | undefined): Promise<void> {
  if (!proc.hasExited()) {
    killGroup(proc.pid, 'SIGTERM');
    await Promise.race([proc.exited, sleep(10_000)]);
    if (!proc.hasExited()) {
      killGroup(proc.pid, 'SIGKILL');
      await Promise.race([proc.exited, sleep(5_000)]);
    }
  }
  const pm = dataDir ? postmasterPid(dataDir) : undefined;
  if (pm !== undefined) {
    // Fast shutdown (SIGINT) of a server its owner left behind; SIGKILL only as a last resort.
    try {
      process.kill(pm, 'SIGINT');
    } catch {
      /* gone */
    }
    for (let i = 0; i < 200 && isAlive(pm); i++) await sleep(50);
    if (isAlive(pm)) process.kill(pm, 'SIGKILL');
  }
}

export interface EncoreOptions {
  dataDir: string;
  port?: number;
  logLevel?: string;
  healthTimeoutMs?: number;
  /** More environment for serve (SMTP_URL for the wishlist benchmark). */
  env?: Record<string, string>;
}

/**
 * The real product: `node bin/encore.mjs serve` on its own port and data folder (embedded PostgreSQL),
 * ready once `GET /health` answers 200. On failure the process is stopped before the error is thrown.
 */
export async function startEncore(opts: EncoreOptions): Promise<Server> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const proc = spawnScript(CLI, ['serve'], encoreEnv(opts.dataDir, { PORT: String(port), PUBLIC_URL: url, LOG_LEVEL: opts.logLevel ?? 'warn', ...opts.env }));
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    unregister();
    await forceStop(proc, opts.dataDir);
  };
  const unregister = onCleanup(dispose);
  try {
    await waitForOk(`${url}/health`, { timeoutMs: opts.healthTimeoutMs ?? 120_000, alive: () => !proc.hasExited() });
  } catch (err) {
    await dispose();
    throw new Error(`Encore did not start: ${(err as Error).message}\n${proc.output().trim().slice(-3000)}`);
  }
  const readyMs = performance.now() - t0;
  return {
    url,
    proc,
    readyMs,
    stop: async () => {
      try {
        return await stopGracefully(proc, () => postmasterPid(opts.dataDir));
      } finally {
        await dispose();
      }
    },
    dispose,
  };
}

function encoreEnv(dataDir: string, extra: Record<string, string>): Record<string, string> {
  // DATABASE_URL empty: always the embedded server in DATA_DIR, whatever the caller's environment says.
  return { DATA_DIR: dataDir, DATABASE_URL: '', HOST: '127.0.0.1', ...extra };
}

/** `encore tenant create --name NAME` on the same data folder (works while serve runs). */
export async function createTenant(dataDir: string, name = 'bench', returnOrigins: readonly string[] = []): Promise<{ tenantId: string; apiKey: string }> {
  const volume = activeVolume();
  if (volume && volume.dir === dataDir) return adoptVolumeTenant(volume, name, returnOrigins);
  const origins = returnOrigins.flatMap((o) => ['--return-origin', o]);
  const out = await runScript(CLI, ['tenant', 'create', '--name', name, ...origins], encoreEnv(dataDir, { LOG_LEVEL: 'warn' }));
  const line = out
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) throw new Error(`tenant create printed no JSON:\n${out}`);
  const parsed = JSON.parse(line) as { tenantId?: string; apiKey?: string };
  if (!parsed.tenantId || !parsed.apiKey) throw new Error(`tenant create printed ${line}`);
  return { tenantId: parsed.tenantId, apiKey: parsed.apiKey };
}

/** The baseline server of bench/lib/bare-server.ts: parse, validate, answer; no I/O. */
export async function startBare(): Promise<Server> {
  return startBaseline('bench/lib/bare-server.ts', {}, 'the bare server');
}

/**
 * The reference server of bench/lib/bare-db-server.ts: the bare baseline plus one INSERT per request on
 * the embedded PostgreSQL of the Encore that is running on `dataDir` (it must be running: this server
 * attaches to its Unix socket and neither starts nor stops PostgreSQL).
 */
export async function startBareDb(dataDir: string): Promise<Server> {
  return startBaseline('bench/lib/bare-db-server.ts', { DATA_DIR: dataDir }, 'the bare + INSERT server');
}

/** The reference of the pages benchmark: bench/lib/bare-bytes-server.ts sending the file's bytes from memory at `/page`. */
export async function startBareBytes(file: string): Promise<Server> {
  return startBaseline('bench/lib/bare-bytes-server.ts', { BYTES_FILE: file }, 'the bare bytes server');
}

async function startBaseline(script: string, env: Record<string, string>, label: string): Promise<Server> {
  const port = await freePort();
  return startProcess(script, [], { ...env, PORT: String(port) }, `http://127.0.0.1:${port}`, label, 60_000);
}

/**
 * A server process that neither starts nor stops a PostgreSQL of its own: spawned, ready once
 * `/health` answers, stopped with SIGTERM (or by force on cleanup).
 */
async function startProcess(script: string, args: string[], env: Record<string, string>, url: string, label: string, timeoutMs: number): Promise<Server> {
  const t0 = performance.now();
  const proc = spawnScript(script, args, env);
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    unregister();
    await forceStop(proc, undefined);
  };
  const unregister = onCleanup(dispose);
  try {
    await waitForOk(`${url}/health`, { timeoutMs, alive: () => !proc.hasExited() });
  } catch (err) {
    await dispose();
    throw new Error(`${label} did not start: ${(err as Error).message}\n${proc.output().trim().slice(-3000)}`);
  }
  return {
    url,
    proc,
    readyMs: performance.now() - t0,
    stop: async () => {
      try {
        return await stopGracefully(proc, () => undefined);
      } finally {
        await dispose();
      }
    },
    dispose,
  };
}

/** A temporary data folder, removed (after its server is stopped) by the returned disposer. */
export function tempDataDir(): { dir: string; remove(): Promise<void> } {
  // On a data volume (bench/lib/volume.ts) every benchmark runs on the volume's folder, which stays.
  const volume = activeVolume();
  if (volume) return { dir: volume.dir, remove: async () => {} };
  const dir = tempDir('encore-bench');
  let removed = false;
  const remove = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    unregister();
    // Never delete a folder under a running PostgreSQL.
    const pm = postmasterPid(dir);
    if (pm !== undefined) {
      try {
        process.kill(pm, 'SIGINT');
      } catch {
        /* gone */
      }
      for (let i = 0; i < 200 && isAlive(pm); i++) await sleep(50);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const unregister = onCleanup(remove);
  return { dir, remove };
}

/**
 * A second `serve` on the data folder of an Encore that is already running there: it attaches to that
 * Encore's embedded PostgreSQL as a guest (src/db/embedded.ts), so both API processes share one
 * database, as `serve` processes scaled out on one machine do. Stopping it stops this process only;
 * the owner keeps (and later stops) PostgreSQL, so stop the guest first.
 */
export async function startEncoreGuest(opts: EncoreOptions): Promise<Server> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env = encoreEnv(opts.dataDir, { PORT: String(port), PUBLIC_URL: url, LOG_LEVEL: opts.logLevel ?? 'warn', ...opts.env });
  return startProcess(CLI, ['serve'], env, url, 'the second Encore', opts.healthTimeoutMs ?? 120_000);
}
