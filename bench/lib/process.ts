import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../../src/db/embedded.js';

export { isAlive };

/** The repository root (bench/lib/ → ../..). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A TCP port that was free a moment ago (the OS picks it; we close and hand it on). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh folder under the system temp dir; short, so the embedded server's socket path fits. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export interface Spawned {
  child: ChildProcess;
  pid: number;
  /** stdout + stderr so far, for error messages. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
}

/**
 * A command as a child process in its own process group (so the whole group can be killed on
 * failure), keeping the tail of its stdout + stderr for error messages.
 */
export function spawnProcess(file: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): Spawned {
  const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (chunk: Buffer): void => {
    out += chunk.toString();
    if (out.length > 64_000) out = out.slice(-32_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.on('error', (err) => {
      out += `\n${err.message}`;
      done = true;
      resolve({ code: -1, signal: null });
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${path.basename(file)}`);
  return { child, pid: child.pid, output: () => out, exited, hasExited: () => done };
}

/**
 * A script of the repository as a child process, run from the repository root: TypeScript through
 * tsx, JavaScript (bin/encore.mjs, what `npm start` runs) by node itself. With
 * `BENCH_CPU_PROFILE=<folder>` every spawned process writes a V8 CPU profile there when it exits
 * (Node refuses `--cpu-prof` in NODE_OPTIONS; tsx hands it to the app's node).
 */
export function spawnScript(script: string, args: string[], env: Record<string, string>): Spawned {
  const profileDir = process.env['BENCH_CPU_PROFILE'];
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const runner = script.endsWith('.ts') ? TSX : process.execPath;
  return spawnProcess(runner, [...nodeFlags, script, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
}

/** Runs a script (as spawnScript) to completion; rejects with its output when it fails. */
export async function runScript(script: string, args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<string> {
  const p = spawnScript(script, args, env);
  const timer = setTimeout(() => killGroup(p.pid, 'SIGKILL'), timeoutMs);
  const { code, signal } = await p.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${p.output().trim()}`);
  return p.output();
}


export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** Polls `url` until it answers 200; returns the milliseconds waited. */
export async function waitForOk(url: string, opts: { timeoutMs: number; intervalMs?: number; alive?: () => boolean }): Promise<number> {
  const t0 = performance.now();
  let last = 'no answer';
  while (performance.now() - t0 < opts.timeoutMs) {
    if (opts.alive && !opts.alive()) throw new Error(`the process exited before ${url} answered (${last})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - t0;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(opts.intervalMs ?? 10);
  }
  throw new Error(`${url} did not answer 200 within ${opts.timeoutMs} ms (last: ${last})`);
}

// ---- /proc --------------------------------------------------------------------------------------

export interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may itself contain spaces or parentheses: split at the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    return { pid, ppid: Number(fields[1]), comm };
  } catch {
    return undefined;
  }
}

export function allProcesses(): ProcInfo[] {
  return fs
    .readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map((n) => readProc(Number(n)))
    .filter((p): p is ProcInfo => p !== undefined);
}

/** `root` and every process below it, by parent pid. */
export function processTree(root: number, all = allProcesses()): ProcInfo[] {
  const out: ProcInfo[] = [];
  const self = all.find((p) => p.pid === root);
  if (self) out.push(self);
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const p of all) {
      if (p.ppid === parent && !out.some((o) => o.pid === p.pid)) {
        out.push(p);
        queue.push(p.pid);
      }
    }
  }
  return out;
}

/** The postmaster's pid: the first line of `$DATA_DIR/pg/postmaster.pid`, if that process runs. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface Memory {
  /** VmRSS in kB: shared pages (PostgreSQL's shared buffers) count in every process that touched them. */
  rssKb: number;
  /** Pss in kB from smaps_rollup: each shared page divided among the processes sharing it. */
  pssKb: number;
}

export function memoryOf(pid: number): Memory | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
    const pss = /^Pss:\s+(\d+) kB/m.exec(rollup);
    if (!rss || !pss) return undefined;
    return { rssKb: Number(rss[1]), pssKb: Number(pss[1]) };
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = 100; // USER_HZ: 100 on Linux

/**
 * User + system CPU time used so far by a process and by its children that have exited and been
 * waited for (`cutime` + `cstime`), in seconds (0 once it is gone). Summed over a process tree, the
 * difference between two readings counts the processes that started or ended in between too (a
 * PostgreSQL backend of a short-lived client, or a `pgbench` run), which the process's own time
 * alone would miss or subtract.
 */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** CPU time of this process's children that have exited and been waited for, in seconds. */
export function reapedChildrenCpuSeconds(): number {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
