import type { TestProject } from 'vitest/node';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { createDb, createPool } from '../src/db/kysely.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { adminQuery, openTestServer } from './test-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testDb: { adminUrl: string; template: string; prefix: string; urlPattern: string };
  }
}

/**
 * Once per run: a migrated template database (our schema and pg-boss's), from which every test file
 * copies its own database in milliseconds (`CREATE DATABASE … TEMPLATE`).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await openTestServer();
  // The start minute in the name lets a later run drop databases that a killed run left behind.
  const prefix = `encore_t_${Math.floor(Date.now() / 60_000)}_${randomBytes(3).toString('hex')}`;
  const template = `${prefix}_template`;
  const adminUrl = server.urlFor(process.env.TEST_DATABASE_URL ? new URL(process.env.TEST_DATABASE_URL).pathname.slice(1) || 'postgres' : 'postgres');

  await dropLeftovers(adminUrl);
  await adminQuery(adminUrl, `CREATE DATABASE ${template}`);
  const pool = createPool({ connectionString: server.urlFor(template), max: 2 });
  const db = createDb(pool);
  await migrateToLatest(db);
  await db.destroy();
  const boss = new PgBoss({ connectionString: server.urlFor(template), max: 2, supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false, wait: true });

  project.provide('testDb', { adminUrl, template, prefix, urlPattern: server.urlFor('__DB__') });

  return async () => {
    await dropDatabases(adminUrl, `${prefix}%`);
    await server.embedded?.stop();
  };
}

async function dropDatabases(adminUrl: string, like: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [like]);
    for (const r of rows) await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(r.datname)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Databases of earlier runs that were killed before their teardown. */
async function dropLeftovers(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'encore\\_t\\_%'`,
    );
    const cutoff = Math.floor(Date.now() / 60_000) - 180;
    for (const r of rows.filter((row) => Number(row.datname.split('_')[2]) < cutoff)) await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(r.datname)}`).catch(() => {});
  } finally {
    await client.end();
  }
}
