import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Config } from '../app/config.js';
import { openEmbedded, type EmbeddedRole, type EmbeddedServer } from './embedded.js';
import { createDb, createPool } from './kysely.js';
import { usePreparedStatements } from './prepared.js';
import type { DB } from './schema.js';

export interface Database {
  db: Kysely<DB>;
  /** Connection settings for other clients of the same database (pg-boss). */
  connection: pg.PoolConfig;
  embedded: EmbeddedServer | undefined;
  close(): Promise<void>;
}

export const EMBEDDED_DATABASE = 'encore';

/**
 * Opens the database the config names: `DATABASE_URL`, or else the embedded server in `DATA_DIR`
 * (started, or attached to when another Encore process on the same folder runs it).
 */
export async function openDatabase(config: Config, role: EmbeddedRole, log: (m: string) => void = () => {}): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let connection: pg.PoolConfig;
  if (config.databaseUrl) {
    connection = { connectionString: config.databaseUrl };
  } else {
    embedded = await openEmbedded(config.dataDir, { role, log });
    await ensureDatabase(embedded, EMBEDDED_DATABASE);
    connection = embedded.connectionFor(EMBEDDED_DATABASE);
  }
  const pool = createPool({ ...connection, max: config.databasePoolSize, application_name: `encore-${role}` });
  if (config.databasePreparedStatements) usePreparedStatements(pool);
  const db = createDb(pool);
  return {
    db,
    connection,
    embedded,
    close: async () => {
      await db.destroy();
      await embedded?.stop();
    },
  };
}

async function ensureDatabase(server: EmbeddedServer, name: string): Promise<void> {
  const { default: pgLib } = await import('pg');
  const client = new pgLib.Client(server.connectionFor('postgres'));
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}
