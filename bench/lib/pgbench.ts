/**
 * The second database reference point of the events benchmark: PostgreSQL's own `pgbench`, run with
 * its built-in `simple-update` script (`-N`) against the embedded PostgreSQL of a running Encore, so
 * that the throughput of `POST /v1/events` can be read against what the database itself sustains on
 * this machine with no HTTP and no Node in the way.
 *
 * pgbench is not a dependency: it is taken from the machine's PostgreSQL client tools
 * (`/usr/lib/postgresql/<version>/bin/pgbench`, the newest there) when they are installed, and the
 * reference is skipped otherwise.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { onCleanup } from './cleanup.js';
import { allProcesses, cpuSeconds, killGroup, postmasterPid, processTree, reapedChildrenCpuSeconds, sleep, spawnProcess } from './process.js';
import { sum } from './stats.js';

const SCRATCH_DB = 'bench_pgbench';
const SUPERUSER = 'postgres';
const PORT = 5432;

/** The newest `/usr/lib/postgresql/<version>/bin/pgbench` that is executable, if any. */
export function findPgbench(root = '/usr/lib/postgresql'): string | undefined {
  let versions: string[];
  try {
    versions = fs.readdirSync(root);
  } catch {
    return undefined;
  }
  const candidates = versions
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a) || b.localeCompare(a))
    .map((v) => path.join(root, v, 'bin', 'pgbench'));
  return candidates.find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** The caller's environment without libpq's PG* variables, so that only the arguments choose the server. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
}

/** Runs a command to completion in its own process group; killed on timeout or on the bench's clean-up. */
async function run(file: string, args: string[], timeoutMs: number): Promise<Ran> {
  const p = spawnProcess(file, args, { env: cleanEnv() });
  const { child, exited } = p;
  const done = (): boolean => p.hasExited();
  const kill = async (): Promise<void> => {
    if (done() || child.pid === undefined) return;
    killGroup(child.pid, 'SIGTERM');
    await Promise.race([exited, sleep(5_000)]);
    if (!done()) killGroup(child.pid, 'SIGKILL');
    await Promise.race([exited, sleep(5_000)]);
  };
  const unregister = onCleanup(kill);
  const timer = setTimeout(() => void kill(), timeoutMs);
  try {
    const { code, signal } = await exited;
    return { code, signal, output: p.output() };
  } finally {
    clearTimeout(timer);
    unregister();
  }
}

function failure(what: string, r: Ran): string {
  return `${what} failed (${r.signal ?? `exit ${r.code}`}): ${r.output.trim().slice(-1500)}`;
}

/** Runs SQL on the `postgres` database of the embedded server (to create and drop the scratch database). */
async function admin(socketDir: string, sql: string): Promise<void> {
  const client = new pg.Client({ host: socketDir, port: PORT, user: SUPERUSER, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface PgbenchResult {
  binary: string;
  /** `pgbench --version`, e.g. "pgbench (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)". */
  version: string;
  /** The SQL statements of one transaction of the built-in simple-update script, in order. */
  statements: string[];
  scale: number;
  clients: number;
  threads: number;
  durationS: number;
  /** Transactions per second, without the initial connection time (pgbench's own figure). */
  tps: number;
  latencyAvgMs: number;
  transactions: number;
  failed: number;
  /** CPU seconds during the measured run: the pgbench process, and the whole embedded PostgreSQL. */
  cpu: { pgbench: number; postgres: number };
  /** Empty when the run completed without failed transactions. */
  problems: string[];
}

export interface PgbenchOptions {
  binary: string;
  /** The DATA_DIR of the running Encore whose embedded PostgreSQL is used (its socket is in `<dataDir>/pg`). */
  dataDir: string;
  clients: number;
  threads: number;
  durationS: number;
  log: (line: string) => void;
}

/**
 * `pgbench -i -s 1` into a scratch database on the embedded server, then the measured
 * `pgbench -n -N -c <clients> -j <threads> -T <duration>`; the scratch database is dropped afterwards.
 * Throws only when the database cannot be prepared; a failing pgbench run is reported in `problems`.
 */
export async function runPgbench(opts: PgbenchOptions): Promise<PgbenchResult> {
  const socketDir = path.join(opts.dataDir, 'pg');
  const conn = ['-h', socketDir, '-p', String(PORT), '-U', SUPERUSER];
  const scale = 1;
  const problems: string[] = [];

  const version = (await run(opts.binary, ['--version'], 10_000)).output.trim();
  const shown = await run(opts.binary, ['--show-script=simple-update'], 10_000);
  if (shown.code !== 0) throw new Error(failure('pgbench --show-script=simple-update', shown));
  // Lines that are neither the comment header nor pgbench meta-commands (\set …) are SQL statements.
  const statements = shown.output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('--') && !l.startsWith('\\'));

  const threads = Math.max(1, Math.min(opts.threads, opts.clients));
  const result: PgbenchResult = {
    binary: opts.binary,
    version,
    statements,
    scale,
    clients: opts.clients,
    threads,
    durationS: opts.durationS,
    tps: Number.NaN,
    latencyAvgMs: Number.NaN,
    transactions: 0,
    failed: 0,
    cpu: { pgbench: 0, postgres: 0 },
    problems,
  };

  await admin(socketDir, `DROP DATABASE IF EXISTS ${SCRATCH_DB}`);
  await admin(socketDir, `CREATE DATABASE ${SCRATCH_DB}`);
  try {
    opts.log(`  pgbench: initialising database ${SCRATCH_DB} (-i -s ${scale})`);
    const init = await run(opts.binary, ['-i', '-s', String(scale), '-q', ...conn, SCRATCH_DB], 180_000);
    if (init.code !== 0) throw new Error(failure(`pgbench -i -s ${scale}`, init));

    const args = ['-n', '-N', '-c', String(opts.clients), '-j', String(threads), '-T', String(opts.durationS), ...conn, SCRATCH_DB];
    opts.log(`  pgbench: measuring ${opts.durationS} s: pgbench ${args.slice(0, 8).join(' ')}`);
    const postgresCpu = (): number => {
      const pm = postmasterPid(opts.dataDir);
      return pm === undefined ? 0 : sum(processTree(pm, allProcesses()).map((p) => cpuSeconds(p.pid)));
    };
    const pgBefore = postgresCpu();
    const clientBefore = reapedChildrenCpuSeconds();
    const measured = await run(opts.binary, args, (opts.durationS + 120) * 1000);
    result.cpu = { pgbench: reapedChildrenCpuSeconds() - clientBefore, postgres: postgresCpu() - pgBefore };

    const num = (re: RegExp): number => {
      const m = re.exec(measured.output);
      return m ? Number(m[1]) : Number.NaN;
    };
    result.tps = num(/^tps = ([\d.]+)/m);
    result.latencyAvgMs = num(/^latency average = ([\d.]+) ms/m);
    result.transactions = num(/^number of transactions actually processed: (\d+)/m) || 0;
    result.failed = num(/^number of failed transactions: (\d+)/m) || 0;
    if (measured.code !== 0) problems.push(failure('pgbench -N', measured));
    else if (!Number.isFinite(result.tps)) problems.push(`pgbench printed no tps: ${measured.output.trim().slice(-1500)}`);
    if (result.failed > 0) problems.push(`${result.failed} failed pgbench transactions`);
    opts.log(`  pgbench: ${result.tps.toFixed(0)} tps, latency average ${result.latencyAvgMs} ms${problems.length ? ` — ${problems.join('; ')}` : ''}`);
  } finally {
    await admin(socketDir, `DROP DATABASE IF EXISTS ${SCRATCH_DB} WITH (FORCE)`).catch((err: unknown) =>
      opts.log(`  pgbench: could not drop ${SCRATCH_DB}: ${(err as Error).message}`),
    );
  }
  return result;
}

/**
 * The `pgbench -N` reference of the race benchmarks, run against the server's own embedded
 * PostgreSQL after the measured rounds; a missing binary or a failed run is a note, and a failure
 * also a problem of the run.
 */
export async function pgbenchReference(
  dataDir: string,
  opts: { clients: number; threads: number; durationS: number; log: (line: string) => void },
  problems: string[],
): Promise<{ result: PgbenchResult | undefined; note: string }> {
  const binary = findPgbench();
  if (!binary) return { result: undefined, note: 'skipped: no /usr/lib/postgresql/*/bin/pgbench on this machine' };
  try {
    const result = await runPgbench({ binary, dataDir, clients: opts.clients, threads: opts.threads, durationS: opts.durationS, log: opts.log });
    if (result.problems.length) problems.push(`pgbench reference: ${result.problems.join('; ')}`);
    return { result, note: '' };
  } catch (err) {
    problems.push(`pgbench reference: ${(err as Error).message}`);
    return { result: undefined, note: `failed: ${(err as Error).message}` };
  }
}
