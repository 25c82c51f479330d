import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/harness.js';
import { createDb, createPool } from './kysely.js';
import { inLockOrder, isLockTimeout, LOCK_TIMEOUT_MS, lockAdvisory, setLockTimeout, withLockTimeout } from './locks.js';

describe('inLockOrder', () => {
  it('is distinct ids in code-point order (PostgreSQL C collation), not UTF-16 code-unit order', () => {
    expect(inLockOrder(['b', 'a', 'b', 'A'])).toEqual(['A', 'a', 'b']);
    // U+FF5E sorts before U+1F600 by code point; Array.prototype.sort puts the surrogate pair first.
    expect(['\u{1F600}', '\uFF5E'].sort()).toEqual(['\u{1F600}', '\uFF5E']);
    expect(inLockOrder(['\u{1F600}', '\uFF5E'])).toEqual(['\uFF5E', '\u{1F600}']);
    expect(inLockOrder(['ab', 'a', '\u{10000}', '\uD7FF'])).toEqual(['a', 'ab', '\uD7FF', '\u{10000}']);
  });
});

describe('lock timeout (real PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: ReturnType<typeof createDb>;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb(createPool({ connectionString: database.url, max: 4 }));
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  it('sets lock_timeout for the transaction only', async () => {
    await db.transaction().execute(async (tx) => {
      await setLockTimeout(tx);
      const { rows } = await sql<{ t: string }>`SELECT current_setting('lock_timeout') AS t`.execute(tx);
      expect(rows[0]!.t).toBe(`${LOCK_TIMEOUT_MS / 1000}s`);
    });
    const { rows } = await sql<{ t: string }>`SELECT current_setting('lock_timeout') AS t`.execute(db);
    expect(rows[0]!.t).toBe('0');
  });

  it('turns a lock not granted in time into the caller’s error, and leaves other errors alone', async () => {
    class Busy extends Error {}
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = db.transaction().execute(async (tx) => {
      await lockAdvisory(tx, 'locks.test');
      locked();
      await held;
    });
    await isLocked;
    try {
      const waiter = db.transaction().execute((tx) =>
        withLockTimeout(async () => {
          await setLockTimeout(tx, 50);
          await lockAdvisory(tx, 'locks.test');
        }, () => new Busy('busy')),
      );
      await expect(waiter).rejects.toBeInstanceOf(Busy);
      const other = db.transaction().execute((tx) => withLockTimeout(() => sql`SELECT 1/0`.execute(tx), () => new Busy('busy')));
      await expect(other).rejects.toSatisfy((err: unknown) => !(err instanceof Busy) && !isLockTimeout(err));
    } finally {
      release();
      await holder;
    }
  });
});
