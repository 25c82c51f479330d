import { describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { claimKey, finishKey, requestHash } from '../../modules/idempotency/index.js';

describe('Idempotency-Key on creating POSTs', () => {
  const ctx = useContext({ clock: 'manual' });

  it('replays the first response to a retry with the same key, creating nothing twice', async () => {
    const t = await ctx.createTenant();
    const send = (payload: object, key = 'create-hook-1') =>
      ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: t.apiKey, 'idempotency-key': key }, payload });

    const first = await send({ url: 'https://a.test/hook' });
    expect(first.statusCode).toBe(200);
    const retry = await send({ url: 'https://a.test/hook' });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toBe(first.body);
    const rows = await ctx.deps.db.selectFrom('webhook_endpoints').select('id').where('tenant_id', '=', t.tenantId).execute();
    expect(rows).toHaveLength(1);

    const reused = await send({ url: 'https://other.test/hook' });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().errors[0]).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'Idempotency-Key' });

    // Keys are per tenant: another tenant's identical key is unrelated.
    const other = await ctx.createTenant('other');
    const theirs = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: other.apiKey, 'idempotency-key': 'create-hook-1' }, payload: { url: 'https://a.test/hook' } });
    expect(theirs.statusCode).toBe(200);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses a malformed key, and a retry while the first request still runs', async () => {
    const t = await ctx.createTenant();
    const bad = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: t.apiKey, 'idempotency-key': 'x'.repeat(300) }, payload: { url: 'https://a.test' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('Idempotency-Key');

    const hash = requestHash('POST', '/v1/webhooks', { url: 'https://a.test' });
    expect(await claimKey(ctx.deps, t.tenantId, 'k2', hash)).toEqual({ kind: 'proceed' });
    await expect(claimKey(ctx.deps, t.tenantId, 'k2', hash)).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    // A request that died is taken over after five minutes.
    ctx.clock!.advance(6 * 60 * 1000);
    expect(await claimKey(ctx.deps, t.tenantId, 'k2', hash)).toEqual({ kind: 'proceed' });
    // A server error releases the key so the retry runs again.
    await finishKey(ctx.deps, t.tenantId, 'k2', 500, '{}');
    expect(await claimKey(ctx.deps, t.tenantId, 'k2', hash)).toEqual({ kind: 'proceed' });
    await finishKey(ctx.deps, t.tenantId, 'k2', 200, '{"ok":true}');
    expect(await claimKey(ctx.deps, t.tenantId, 'k2', hash)).toEqual({ kind: 'replay', status: 200, body: '{"ok":true}' });
    // After 24 hours the key is forgotten.
    ctx.clock!.advance(25 * 60 * 60 * 1000);
    expect(await claimKey(ctx.deps, t.tenantId, 'k2', hash)).toEqual({ kind: 'proceed' });
  });
});
