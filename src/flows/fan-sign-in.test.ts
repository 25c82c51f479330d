import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../test/harness.js';
import type { Actor } from '../modules/audit/index.js';
import { issueOneTimeToken, TOKEN_TTL_MS } from '../modules/auth-tokens/index.js';
import { readSession, requestEmailCode, SESSION_TTL_MS, startSession } from '../modules/fan-sessions/index.js';
import { signInWithOneTimeToken } from './fan-sign-in.js';
import { HOURLY_SWEEPS, runSweeps } from './sweeps.js';

describe('sign-in with a one-time token', () => {
  const ctx = useContext({ clock: 'manual' });
  let a: Actor;
  let b: Actor;

  beforeAll(async () => {
    const ta = await ctx.createTenant('sign-in-a');
    const tb = await ctx.createTenant('sign-in-b');
    a = { tenantId: ta.tenantId, keyId: ta.keyId, label: `key:${ta.keyId}` };
    b = { tenantId: tb.tenantId, keyId: tb.keyId, label: `key:${tb.keyId}` };
  });

  it('signs the fan in once: the session is the token tenant’s and fan’s; a reuse is null', async () => {
    const ott = await issueOneTimeToken(ctx.deps, a, { user: 'Fan@Example.com' });
    const signedIn = await signInWithOneTimeToken(ctx.deps, ott);
    expect(signedIn).toMatchObject({ tenantId: a.tenantId, email: 'fan@example.com' });
    expect(await readSession(ctx.deps, signedIn!.token)).toMatchObject({ tenantId: a.tenantId, email: 'fan@example.com', expiresAt: signedIn!.expiresAt });
    expect(await signInWithOneTimeToken(ctx.deps, ott)).toBeNull();

    const started = await ctx.deps.db.selectFrom('audit_log').select('after').where('tenant_id', '=', a.tenantId).where('action', '=', 'fan_session.started').execute();
    expect(started.map((s) => (s.after as { method: string }).method)).toEqual(['one_time_token']);
  });

  it('an expired one-time token is null', async () => {
    const ott = await issueOneTimeToken(ctx.deps, a, { user: 'late@example.com' });
    ctx.clock!.advance(TOKEN_TTL_MS);
    expect(await signInWithOneTimeToken(ctx.deps, ott)).toBeNull();
    expect(await signInWithOneTimeToken(ctx.deps, 'not-a-token')).toBeNull();
  });

  it('ends the previous session in the same transaction (rotation)', async () => {
    const previous = await startSession(ctx.deps, { tenantId: a.tenantId, email: 'someone@example.com' });
    const ott = await issueOneTimeToken(ctx.deps, a, { user: 'rotate@example.com' });
    const signedIn = await signInWithOneTimeToken(ctx.deps, ott, previous.token);
    expect(await readSession(ctx.deps, previous.token)).toBeNull();
    expect(await readSession(ctx.deps, signedIn!.token)).toMatchObject({ email: 'rotate@example.com' });
  });

  it('of concurrent sign-ins with one token exactly one gets a session', async () => {
    const ott = await issueOneTimeToken(ctx.deps, a, { user: 'race@example.com' });
    const results = await Promise.all(Array.from({ length: 6 }, () => signInWithOneTimeToken(ctx.deps, ott)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });

  it('on another tenant’s page (opts.tenantId) the token opens nothing and stays usable for its own tenant', async () => {
    const ott = await issueOneTimeToken(ctx.deps, a, { user: 'cross@example.com' });
    const previous = await startSession(ctx.deps, { tenantId: b.tenantId, email: 'cross@example.com' });
    expect(await signInWithOneTimeToken(ctx.deps, ott, previous.token, { tenantId: b.tenantId })).toBeNull();
    expect(await readSession(ctx.deps, previous.token)).not.toBeNull(); // rolled back: not rotated either
    const own = await signInWithOneTimeToken(ctx.deps, ott, undefined, { tenantId: a.tenantId });
    expect(own?.tenantId).toBe(a.tenantId);
  });

  it('the hourly sweeps delete expired sessions and sign-in codes', async () => {
    const count = async () => ({
      sessions: (await ctx.deps.db.selectFrom('fan_sessions').select('id').execute()).length,
      codes: (await ctx.deps.db.selectFrom('fan_email_codes').select('id').execute()).length,
    });
    await startSession(ctx.deps, { tenantId: a.tenantId, email: 'swept@example.com' });
    await requestEmailCode(ctx.deps, { tenantId: a.tenantId, email: 'swept@example.com', ip: '198.51.100.7', lang: 'en', tenantName: 'A' });
    const before = await count();
    expect(before.sessions).toBeGreaterThan(0);
    expect(before.codes).toBe(1);
    ctx.clock!.advance(SESSION_TTL_MS);
    await runSweeps(ctx.deps, HOURLY_SWEEPS);
    expect(await count()).toEqual({ sessions: 0, codes: 0 });
  });
});
