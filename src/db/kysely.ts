import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';

// bigint (int8) columns hold money in minor units and counts; they always fit in a JS number here.
pg.types.setTypeParser(20, (v) => Number(v));

export type PoolSettings = pg.PoolConfig;

export function createPool(settings: PoolSettings): pg.Pool {
  const pool = new pg.Pool({ max: 20, idleTimeoutMillis: 30_000, ...settings });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

/** One round trip: proves the pool reaches the server (the /health check). */
export async function pingDatabase(db: Kysely<DB>): Promise<void> {
  await db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
}

export function createDb(pool: pg.Pool): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
