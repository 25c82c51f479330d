import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { createKey } from '../tenants/index.js';
import { call, createEvents, ticket } from './tickets.fixtures.js';

describe('rate limit of POST /v1/sync/tickets (60 requests a minute per API key)', () => {
  const ctx = useContext({ clock: 'manual' });
  let tenant: { tenantId: string; apiKey: string; keyId: string };

  beforeAll(async () => {
    tenant = await ctx.createTenant('limited');
    await createEvents(ctx, tenant.apiKey);
  });

  it('allows 60 requests in a minute, refuses the 61st with Retry-After, and allows the first of the next minute', async () => {
    // 10 s into a minute: the window ends 50 s later.
    ctx.clock!.set('2027-03-01T10:00:10Z');
    for (let i = 0; i < 60; i++) {
      const res = await call(ctx, tenant.apiKey, 'POST', '/v1/sync/tickets', [ticket(`rl-${i}`)]);
      expect(res.status, `request ${i + 1}`).toBe(200);
      expect(res.headers['ratelimit-remaining']).toBe(String(59 - i));
    }
    ctx.clock!.advance(20_000);
    const refused = await call(ctx, tenant.apiKey, 'POST', '/v1/sync/tickets', [ticket('rl-61')]);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.body).toMatchObject({ status: 429, data: null, errors: [{ code: 'RATE_LIMITED', details: { limit: 60, retryAfterSeconds: 30 } }] });
    // Nothing of the refused request was stored.
    expect(await ctx.deps.db.selectFrom('tickets').select('ticket_id').where('ticket_id', '=', 'rl-61').executeTakeFirst()).toBeUndefined();

    // Another key of the same tenant has its own allowance.
    const second = await createKey(ctx.deps, tenant.tenantId);
    expect((await call(ctx, second.apiKey, 'POST', '/v1/sync/tickets', [ticket('rl-other')])).status).toBe(200);

    ctx.clock!.set('2027-03-01T10:01:00Z');
    const next = await call(ctx, tenant.apiKey, 'POST', '/v1/sync/tickets', [ticket('rl-61')]);
    expect(next.status).toBe(200);
    expect(next.body.data[0].status).toBe('CREATED');
  });

  it('counts in the database, shared by every process: a counter written elsewhere is honoured', async () => {
    ctx.clock!.set('2027-03-01T11:00:00Z');
    const other = await ctx.createTenant('busy');
    await ctx.deps.db
      .insertInto('rate_limit_windows')
      .values({ tenant_id: other.tenantId, subject: `sync-tickets:key:${other.keyId}`, window_start: new Date('2027-03-01T11:00:00Z'), count: 60 })
      .execute();
    const res = await call(ctx, other.apiKey, 'POST', '/v1/sync/tickets', [ticket('x')]);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('60');
  });

  it('does not count or limit requests without a valid key', async () => {
    const res = await call(ctx, undefined, 'POST', '/v1/sync/tickets', [ticket('x')]);
    expect(res.status).toBe(401);
  });
});
