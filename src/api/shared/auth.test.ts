import { describe, expect, it } from 'vitest';
import { errorOf, marketplaceClient, purchaseIntentClient } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { revokeKeyByPrefix } from '../../modules/tenants/index.js';
import { extractKey } from './auth.js';

describe('extractKey', () => {
  it('accepts the raw key and the Bearer form', () => {
    expect(extractKey('enc_sk_abc')).toBe('enc_sk_abc');
    expect(extractKey('Bearer enc_sk_abc')).toBe('enc_sk_abc');
    expect(extractKey('bearer   enc_sk_abc ')).toBe('enc_sk_abc');
    expect(extractKey('')).toBeUndefined();
    expect(extractKey(undefined)).toBeUndefined();
  });
});

describe('authentication on both API families', () => {
  const ctx = useContext();

  it('401s in the marketplace envelope without a key, with an unknown key and with a revoked key', async () => {
    // Every operation of both families is checked the same way in test/security.test.ts; this is the short story.
    const none = await marketplaceClient(ctx).get('/v1/webhooks');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 401, data: null, errors: [{ code: 'UNAUTHORIZED' }] });

    expect((await marketplaceClient(ctx, 'enc_sk_nope').get('/v1/webhooks')).status).toBe(401);

    const t = await ctx.createTenant();
    expect((await marketplaceClient(ctx, t.apiKey).get('/v1/webhooks')).status).toBe(200);
    expect((await marketplaceClient(ctx).get('/v1/webhooks', { headers: { authorization: `Bearer ${t.apiKey}` } })).status).toBe(200);
    // And the purchase-intent family takes the raw form too.
    expect((await purchaseIntentClient(ctx).get('/api/purchaseintents/strategies', { headers: { authorization: t.apiKey } })).status).toBe(200);

    await revokeKeyByPrefix(ctx.deps, t.apiKey.slice(0, 12));
    expect((await marketplaceClient(ctx, t.apiKey).get('/v1/webhooks')).status).toBe(401);
    const pi = await purchaseIntentClient(ctx, t.apiKey).get('/api/purchaseintents/strategies');
    expect(pi.status).toBe(401);
    expect(pi.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
  });

  it('answers unknown routes with a JSON 404 in the right family envelope', async () => {
    const mp = await marketplaceClient(ctx).get('/v1/nothing-here');
    expect(mp.status).toBe(404);
    expect(errorOf(mp)).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    expect(mp.body).toMatchObject({ status: 404, data: null });
    const pi = await purchaseIntentClient(ctx).get('/api/purchaseintents/nothing/here/at/all');
    expect(pi.status).toBe(404);
    expect(pi.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});
