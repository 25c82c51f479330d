import { openDatabase, type Database } from '../db/database.js';
import type { EmbeddedRole } from '../db/embedded.js';
import { migrateToLatest } from '../db/migrate.js';
import { registerJobs } from './job-registry.js';
import { JobQueue } from '../jobs/queue.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { createSecretBox } from '../lib/secret-box.js';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import { resolveSecretKey } from './secret-key.js';

export interface Runtime {
  deps: Deps;
  database: Database;
  migrated: string[];
  close(): Promise<void>;
}

/**
 * Everything a process needs, in order: the secret key (first: a key file that cannot be read stops
 * the start before anything else), the database (embedded or DATABASE_URL), migrations, the job
 * queue with every module's handlers registered. `close` undoes it in reverse.
 */
export async function openRuntime(
  config: Config,
  opts: { role: EmbeddedRole; clock?: Clock; log?: (m: string) => void; pollingIntervalSeconds?: number },
): Promise<Runtime> {
  const secrets = createSecretBox(resolveSecretKey(config, opts.log));
  const database = await openDatabase(config, opts.role, opts.log);
  try {
    const migrated = await migrateToLatest(database.db);
    const queue = new JobQueue(database.connection, { pollingIntervalSeconds: opts.pollingIntervalSeconds });
    const deps: Deps = { db: database.db, clock: opts.clock ?? systemClock, queue, config, secrets };
    registerJobs(deps);
    await queue.start();
    return {
      deps,
      database,
      migrated,
      close: async () => {
        await queue.stop();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
