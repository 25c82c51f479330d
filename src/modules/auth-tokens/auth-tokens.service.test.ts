import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import type { Actor } from '../audit/index.js';
import { consumeOneTimeToken, issueOneTimeToken, sweepExpiredTokens, TOKEN_TTL_MS } from './index.js';

describe('one-time tokens', () => {
  const ctx = useContext({ clock: 'manual' });
  let actor: Actor;

  beforeAll(async () => {
    const t = await ctx.createTenant('tokens');
    actor = { tenantId: t.tenantId, keyId: t.keyId, label: `key:${t.keyId}` };
  });

  it('signs in once: a second consume is null', async () => {
    const token = await issueOneTimeToken(ctx.deps, actor, { user: 'Once@Example.com' });
    expect(await consumeOneTimeToken(ctx.deps, token)).toEqual({ tenantId: actor.tenantId, user: 'once@example.com', method: 'email' });
    expect(await consumeOneTimeToken(ctx.deps, token)).toBeNull();
    const audit = await ctx.deps.db.selectFrom('audit_log').select('action').where('tenant_id', '=', actor.tenantId).where('entity_type', '=', 'one_time_token').orderBy('id').execute();
    // Sorted: both rows carry the same (manual) instant, so their ids' order is random.
    expect(audit.map((a) => a.action).sort()).toEqual(['one_time_token.issued', 'one_time_token.used']);
  });

  it('is single use under concurrency: of many parallel consumers exactly one wins', async () => {
    const token = await issueOneTimeToken(ctx.deps, actor, { user: 'race@example.com' });
    const results = await Promise.all(Array.from({ length: 8 }, () => consumeOneTimeToken(ctx.deps, token)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });

  it('expires after 10 minutes (by the injected clock)', async () => {
    const a = await issueOneTimeToken(ctx.deps, actor, { user: 'late@example.com' });
    const b = await issueOneTimeToken(ctx.deps, actor, { user: 'late@example.com' });
    ctx.clock!.advance(TOKEN_TTL_MS - 1);
    expect(await consumeOneTimeToken(ctx.deps, a)).not.toBeNull();
    ctx.clock!.advance(1);
    expect(await consumeOneTimeToken(ctx.deps, b)).toBeNull();
  });

  it('answers null for unknown and malformed tokens', async () => {
    for (const t of ['', 'x', 'A'.repeat(43), 'a\u0000b', '%'.repeat(43), 'A'.repeat(10_000)]) expect(await consumeOneTimeToken(ctx.deps, t)).toBeNull();
  });

  it('refuses a user that is not an e-mail and a method other than email', async () => {
    await expect(issueOneTimeToken(ctx.deps, actor, { user: 'nope' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR', field: 'user' });
    await expect(issueOneTimeToken(ctx.deps, actor, { user: 'a@example.com', method: 'sms' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR', field: 'method' });
  });

  it('sweeps tokens expired more than a day ago, and only those', async () => {
    const old = await issueOneTimeToken(ctx.deps, actor, { user: 'old@example.com' });
    ctx.clock!.advance(TOKEN_TTL_MS + 24 * 60 * 60 * 1000 - 1000);
    const fresh = await issueOneTimeToken(ctx.deps, actor, { user: 'fresh@example.com' });
    const stored = async (user: string) => (await ctx.deps.db.selectFrom('one_time_tokens').select('id').where('user_email', '=', user).execute()).length;
    await sweepExpiredTokens(ctx.deps);
    expect(await stored('old@example.com')).toBe(1); // expired a day minus a second ago: kept
    ctx.clock!.advance(2000);
    expect(await sweepExpiredTokens(ctx.deps)).toBeGreaterThanOrEqual(1);
    expect(await stored('old@example.com')).toBe(0);
    expect(await stored('fresh@example.com')).toBe(1);
    expect(await consumeOneTimeToken(ctx.deps, old)).toBeNull();
    expect(await consumeOneTimeToken(ctx.deps, fresh)).not.toBeNull();
  });
});
