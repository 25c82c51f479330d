import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { deleteExpiredSessions, endSession, readSession, SESSION_TOUCH_INTERVAL_MS, SESSION_TTL_MS, startSession } from './index.js';

describe('fan sessions', () => {
  const ctx = useContext({ clock: 'manual' });
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    tenantA = (await ctx.createTenant('sessions-a')).tenantId;
    tenantB = (await ctx.createTenant('sessions-b')).tenantId;
  });

  const row = (token: string) =>
    ctx.deps.db.selectFrom('fan_sessions').selectAll().where('token_hash', '=', createHashHex(token)).executeTakeFirstOrThrow();

  it('starts, reads and ends a session; only the token hash is stored', async () => {
    const now = ctx.clock!.now();
    const { token, expiresAt } = await startSession(ctx.deps, { tenantId: tenantA, email: '  Fan@Example.COM ' });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toEqual(new Date(now.getTime() + SESSION_TTL_MS));
    expect(await readSession(ctx.deps, token)).toMatchObject({ tenantId: tenantA, email: 'fan@example.com', expiresAt, renewed: false });

    const stored = await row(token);
    expect(stored.id).toMatch(/^fss_/);
    expect(JSON.stringify(stored)).not.toContain(token);

    expect(await endSession(ctx.deps, token)).toBe(true);
    expect(await readSession(ctx.deps, token)).toBeNull();
    expect(await endSession(ctx.deps, token)).toBe(false); // already ended

    const audit = await ctx.deps.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', stored.id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['fan_session.ended', 'fan_session.started']);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('answers null for unknown and malformed tokens', async () => {
    for (const t of ['', 'x', 'A'.repeat(43), '%'.repeat(43), 'a\u0000b', 'A'.repeat(10_000)]) {
      expect(await readSession(ctx.deps, t)).toBeNull();
      expect(await endSession(ctx.deps, t)).toBe(false);
    }
  });

  it('refuses an e-mail that is not one', async () => {
    await expect(startSession(ctx.deps, { tenantId: tenantA, email: 'nope' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR', field: 'email' });
  });

  it('rotation at sign-in: the previous session ends in the same transaction', async () => {
    const first = await startSession(ctx.deps, { tenantId: tenantA, email: 'rotate@example.com' });
    const second = await startSession(ctx.deps, { tenantId: tenantA, email: 'rotate@example.com', previousToken: first.token });
    expect(second.token).not.toBe(first.token);
    expect(await readSession(ctx.deps, first.token)).toBeNull();
    expect(await readSession(ctx.deps, second.token)).toMatchObject({ email: 'rotate@example.com' });
    const ended = await row(first.token);
    expect(ended.ended_at).toEqual(ctx.clock!.now());
    const audit = await ctx.deps.db.selectFrom('audit_log').select('after').where('entity_id', '=', ended.id).where('action', '=', 'fan_session.ended').executeTakeFirstOrThrow();
    expect(audit.after).toEqual({ reason: 'rotated' });
    // A previous token that is unknown or malformed does not stop the sign-in.
    expect(await startSession(ctx.deps, { tenantId: tenantA, email: 'rotate@example.com', previousToken: 'garbage' })).toHaveProperty('token');
  });

  it('expires 30 days after the fan was last seen', async () => {
    const { token: idle } = await startSession(ctx.deps, { tenantId: tenantA, email: 'idle@example.com' });
    const { token: back } = await startSession(ctx.deps, { tenantId: tenantA, email: 'back@example.com' });
    ctx.clock!.advance(SESSION_TTL_MS - 1);
    // The fan who comes back in the last millisecond slides the session: 30 days from now.
    expect(await readSession(ctx.deps, back)).toMatchObject({ renewed: true });
    ctx.clock!.advance(1);
    expect(await readSession(ctx.deps, idle)).toBeNull();
    expect(await readSession(ctx.deps, back)).not.toBeNull();
    ctx.clock!.advance(SESSION_TTL_MS);
    expect(await readSession(ctx.deps, back)).toBeNull();
  });

  it('slides at most once an hour: a read within the hour writes nothing', async () => {
    const { token, expiresAt } = await startSession(ctx.deps, { tenantId: tenantA, email: 'busy@example.com' });
    const startedAt = ctx.clock!.now();
    ctx.clock!.advance(SESSION_TOUCH_INTERVAL_MS - 1000);
    expect(await readSession(ctx.deps, token)).toMatchObject({ expiresAt, renewed: false });
    expect((await row(token)).last_seen_at).toEqual(startedAt);

    ctx.clock!.advance(1000);
    const slid = await readSession(ctx.deps, token);
    const now = ctx.clock!.now();
    expect(slid).toMatchObject({ renewed: true, expiresAt: new Date(now.getTime() + SESSION_TTL_MS) });
    expect((await row(token)).last_seen_at).toEqual(now);
    expect(await readSession(ctx.deps, token)).toMatchObject({ renewed: false });

    // Concurrent reads after an hour: every one answers, the row is written once.
    ctx.clock!.advance(SESSION_TOUCH_INTERVAL_MS);
    const reads = await Promise.all(Array.from({ length: 6 }, () => readSession(ctx.deps, token)));
    expect(reads.every((r) => r !== null)).toBe(true);
    expect(reads.filter((r) => r!.renewed)).toHaveLength(1);
  });

  it('a session of tenant A is not a session of tenant B: readSession names its tenant, the caller compares', async () => {
    const { token } = await startSession(ctx.deps, { tenantId: tenantA, email: 'both@example.com' });
    const session = await readSession(ctx.deps, token);
    expect(session?.tenantId).toBe(tenantA);
    expect(session?.tenantId).not.toBe(tenantB);
    // The same fan signed in at B has another, separate session.
    const atB = await startSession(ctx.deps, { tenantId: tenantB, email: 'both@example.com' });
    expect((await readSession(ctx.deps, atB.token))?.tenantId).toBe(tenantB);
    expect((await readSession(ctx.deps, token))?.tenantId).toBe(tenantA);
  });

  it('the sweep deletes expired and ended sessions, and only those', async () => {
    const live = await startSession(ctx.deps, { tenantId: tenantA, email: 'sweep-live@example.com' });
    const ended = await startSession(ctx.deps, { tenantId: tenantA, email: 'sweep-ended@example.com' });
    await endSession(ctx.deps, ended.token);
    const deleted = await deleteExpiredSessions(ctx.deps, 2); // small batches: the loop runs more than once
    expect(deleted).toBeGreaterThanOrEqual(1);
    const left = await ctx.deps.db.selectFrom('fan_sessions').select(['email', 'expires_at', 'ended_at']).execute();
    expect(left.every((s) => s.expires_at > ctx.clock!.now() && s.ended_at === null)).toBe(true);
    expect(left.map((s) => s.email)).toContain('sweep-live@example.com');
    expect(left.map((s) => s.email)).not.toContain('sweep-ended@example.com');
    expect(await readSession(ctx.deps, live.token)).not.toBeNull();
  });
});

function createHashHex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
