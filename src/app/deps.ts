import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Clock } from '../lib/clock.js';
import type { Config } from './config.js';

/** What every service and flow is given: built once at start-up (or per test file). */
export interface Deps {
  db: Kysely<DB>;
  clock: Clock;
  queue: JobQueue;
  config: Config;
}
