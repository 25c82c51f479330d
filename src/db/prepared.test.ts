import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/harness.js';
import { createDb, createPool } from './kysely.js';
import { usePreparedStatements } from './prepared.js';

/** Statements this connection has prepared (the view is per session). */
const preparedNames = sql<{ name: string; statement: string }>`SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'enc_%' ORDER BY prepare_time`;

describe('prepared statements (ADR 0012)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  // One connection, so every query of a test sees the same session's prepared statements.
  const open = (prepared: boolean): ReturnType<typeof createDb> => {
    const pool = createPool({ connectionString: database.url, max: 1 });
    if (prepared) usePreparedStatements(pool);
    return createDb(pool);
  };

  it('names each parameterised statement once per connection and reuses it', async () => {
    const db = open(true);
    try {
      for (const id of ['a', 'b', 'c']) await sql`SELECT ${id}::text AS id`.execute(db);
      const rows = (await preparedNames.execute(db)).rows;
      expect(rows.map((r) => r.statement)).toEqual(['SELECT $1::text AS id']);
      // The same text under a builder is the same statement; a different text is a second one.
      expect((await db.selectFrom('tenants').select('id').where('id', '=', 'nope').execute())).toEqual([]);
      expect((await preparedNames.execute(db)).rows).toHaveLength(2);
    } finally {
      await db.destroy();
    }
  });

  it('leaves statements without parameters (DDL, several statements) unnamed', async () => {
    const db = open(true);
    try {
      await sql`CREATE TEMP TABLE t (a int); INSERT INTO t VALUES (1)`.execute(db);
      expect((await preparedNames.execute(db)).rows).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('is off when the config says so: nothing is prepared', async () => {
    const db = open(false);
    try {
      await sql`SELECT ${'x'}::text AS id`.execute(db);
      expect((await preparedNames.execute(db)).rows).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('after a schema change alters a prepared SELECT *, fails that query once and works from the next call on', async () => {
    const db = open(true);
    try {
      await sql`CREATE TABLE prep_probe (id text PRIMARY KEY)`.execute(db);
      await sql`INSERT INTO prep_probe VALUES (${'p1'})`.execute(db);
      const read = (): Promise<unknown> => sql`SELECT * FROM prep_probe WHERE id = ${'p1'}`.execute(db).then((r) => r.rows);
      expect(await read()).toEqual([{ id: 'p1' }]);
      await sql`ALTER TABLE prep_probe ADD COLUMN note text`.execute(db);
      await expect(read()).rejects.toThrow(/cached plan must not change result type/);
      expect(await read()).toEqual([{ id: 'p1', note: null }]);
      expect(await read()).toEqual([{ id: 'p1', note: null }]);
    } finally {
      await db.destroy();
    }
  });

  it('gives the same answers as unnamed statements, parameters and types included', async () => {
    const named = open(true);
    const plain = open(false);
    try {
      const q = (db: ReturnType<typeof createDb>): Promise<unknown[]> =>
        sql`SELECT ${5}::int AS n, ${'2027-01-01T00:00:00Z'}::timestamptz AS at, ${JSON.stringify({ a: 1 })}::jsonb AS j, ${null}::text AS z`.execute(db).then((r) => r.rows);
      for (let i = 0; i < 7; i++) expect(await q(named)).toEqual(await q(plain)); // past the 5 custom plans
    } finally {
      await named.destroy();
      await plain.destroy();
    }
  });
});
