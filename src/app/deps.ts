import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Clock } from '../lib/clock.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { Config } from './config.js';

/** What every service and flow is given: built once at start-up (or per test file). */
export interface Deps {
  db: Kysely<DB>;
  clock: Clock;
  queue: JobQueue;
  config: Config;
  /** Seals and opens secrets stored at rest (sellers' account numbers), with ENCORE_SECRET_KEY or DATA_DIR/secret.key. */
  secrets: SecretBox;
}
