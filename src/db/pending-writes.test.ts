import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/harness.js';
import { createDb, createPool } from './kysely.js';
import { deferInsert, deferLookup } from './pending-writes.js';
import { withTx } from './tx.js';

const auditRow = (id: string, after: unknown) => ({
  tenant_id: 'ten_pending',
  id,
  actor_key_id: null,
  actor: 'test',
  action: 'thing.done',
  entity_type: 'thing',
  entity_id: id,
  created_at: new Date('2026-12-04T10:00:00.123Z'),
  before: null,
  after,
});

describe('pending writes (real PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: ReturnType<typeof createDb>;
  const statements: string[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    const pool = createPool({ connectionString: database.url, max: 2 });
    db = createDb(pool);
    // Counted at the driver, as PostgreSQL receives them.
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: typeof query }).query = (text: unknown, ...rest: unknown[]) => {
        statements.push(typeof text === 'string' ? text : ((text as { text?: string }).text ?? ''));
        return query(text, ...rest);
      };
    });
    await sql`INSERT INTO tenants (id, name) VALUES ('ten_pending', 'Pending')`.execute(db);
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  const audits = async (ids: string[]) =>
    (await db.selectFrom('audit_log').selectAll().where('id', 'in', ids).orderBy('id').execute()).map((r) => ({ id: r.id, after: r.after, at: r.created_at.toISOString() }));

  it('writes the deferred rows of a withTx transaction with its lookups in ONE statement before COMMIT, JSON values as they were', async () => {
    let seen: Record<string, unknown>[] = [];
    statements.length = 0;
    await withTx(db, async (tx) => {
      expect(deferInsert(tx, 'audit_log', auditRow('aud_p1', { nested: { n: 1 }, list: ['a'] }))).toBe(true);
      expect(deferInsert(tx, 'audit_log', auditRow('aud_p2', 'text'))).toBe(true);
      expect(deferLookup(tx, 'answer', () => ({ query: sql`SELECT 42 AS n, 'x' AS s`, apply: (rows) => (seen = rows) }))).toBe(true);
      // Not there yet: nothing was sent.
      expect(await audits(['aud_p1', 'aud_p2'])).toEqual([]);
    });
    expect(statements.filter((s) => /audit_log/.test(s))).toHaveLength(2); // the flush, and the check above
    expect(seen).toEqual([{ n: 42, s: 'x' }]);
    expect(await audits(['aud_p1', 'aud_p2'])).toEqual([
      { id: 'aud_p1', after: { nested: { n: 1 }, list: ['a'] }, at: '2026-12-04T10:00:00.123Z' },
      { id: 'aud_p2', after: 'text', at: '2026-12-04T10:00:00.123Z' },
    ]);
  });

  it('rows a lookup defers go in a second statement of the same transaction', async () => {
    await withTx(db, async (tx) => {
      deferLookup(tx, 'ids', () => ({
        query: sql`SELECT 'aud_p3' AS id`,
        apply: (rows) => rows.forEach((r) => deferInsert(tx, 'audit_log', auditRow(String(r['id']), null))),
      }));
    });
    expect((await audits(['aud_p3'])).map((r) => r.id)).toEqual(['aud_p3']);
  });

  it('a transaction that fails writes nothing it deferred; a refused deferred row rolls the use case back', async () => {
    await expect(
      withTx(db, async (tx) => {
        deferInsert(tx, 'audit_log', auditRow('aud_p4', null));
        throw new Error('use case failed');
      }),
    ).rejects.toThrow('use case failed');
    expect(await audits(['aud_p4'])).toEqual([]);

    await expect(
      withTx(db, async (tx) => {
        await sql`INSERT INTO audit_log (tenant_id, id, actor, action, entity_type, entity_id, created_at) VALUES ('ten_pending', 'aud_p5', 't', 'a', 'e', 'x', now())`.execute(tx);
        deferInsert(tx, 'audit_log', auditRow('aud_p5', null)); // the same id: refused at the flush
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await audits(['aud_p5'])).toEqual([]);
  });

  it('outside a withTx transaction nothing is collected: the caller writes at once', async () => {
    expect(deferInsert(db, 'audit_log', auditRow('aud_p6', null))).toBe(false);
    await db.transaction().execute(async (tx) => {
      expect(deferInsert(tx, 'audit_log', auditRow('aud_p6', null))).toBe(false);
      expect(deferLookup(tx, 'k', () => ({ query: sql`SELECT 1`, apply: () => {} }))).toBe(false);
    });
  });
});
