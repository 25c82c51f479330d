import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import pg from 'pg';
import { isAlive, openEmbedded, type EmbeddedServer } from '../src/db/embedded.js';

/**
 * The PostgreSQL server the tests run on: `TEST_DATABASE_URL` (CI: the machine's PostgreSQL 15), or
 * else Encore's own embedded server in a folder under the system temp dir, so `npm test` needs
 * nothing installed.
 */
export interface TestServer {
  /** URL of a database on this server. */
  urlFor(database: string): string;
  embedded: EmbeddedServer | undefined;
}

export async function openTestServer(): Promise<TestServer> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    return { urlFor: (db) => withDatabase(given, db), embedded: undefined };
  }
  // One throw-away server per test run: runs in parallel (several checkouts, several terminals) never
  // share or stop each other's server. initdb costs about half a second.
  removeAbandonedServers();
  const dir = path.join(os.tmpdir(), `${DIR_PREFIX}${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const server = await openEmbedded(dir, { role: 'command' });
  const embedded: EmbeddedServer = {
    ...server,
    stop: async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return { urlFor: (db) => `postgres://postgres@localhost/${db}?host=${encodeURIComponent(server.socketDir)}`, embedded };
}

const DIR_PREFIX = 'encore-test-';

/** Servers of test runs that were killed before their teardown: stop them and delete their folders. */
function removeAbandonedServers(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const pid = Number(name.slice(DIR_PREFIX.length));
    if (!name.startsWith(DIR_PREFIX) || !Number.isInteger(pid) || isAlive(pid)) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      const pgPid = Number(fs.readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pgPid > 0 && isAlive(pgPid)) process.kill(pgPid, 'SIGQUIT');
    } catch {
      /* no server ran there */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
