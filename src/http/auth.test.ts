import { describe, expect, it } from 'vitest';
import { useContext } from '../../test/harness.js';
import { revokeKeyByPrefix } from '../modules/tenants/index.js';
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
    const none = await ctx.app.inject({ method: 'GET', url: '/v1/webhooks' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ status: 401, data: null, errors: [{ code: 'UNAUTHORIZED' }] });

    const wrong = await ctx.app.inject({ method: 'GET', url: '/v1/webhooks', headers: { authorization: 'enc_sk_nope' } });
    expect(wrong.statusCode).toBe(401);

    const t = await ctx.createTenant();
    const okRaw = await ctx.app.inject({ method: 'GET', url: '/v1/webhooks', headers: { authorization: t.apiKey } });
    expect(okRaw.statusCode).toBe(200);
    const okBearer = await ctx.app.inject({ method: 'GET', url: '/v1/webhooks', headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(okBearer.statusCode).toBe(200);

    await revokeKeyByPrefix(ctx.deps, t.apiKey.slice(0, 12));
    const revoked = await ctx.app.inject({ method: 'GET', url: '/v1/webhooks', headers: { authorization: t.apiKey } });
    expect(revoked.statusCode).toBe(401);
  });

  it('answers unknown routes with a JSON 404 in the right family envelope', async () => {
    const mp = await ctx.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(mp.statusCode).toBe(404);
    expect(mp.json()).toMatchObject({ status: 404, data: null, errors: [{ code: 'ROUTE_NOT_FOUND' }] });
    const pi = await ctx.app.inject({ method: 'GET', url: '/api/purchaseintents/nothing/here/at/all' });
    expect(pi.statusCode).toBe(404);
    expect(pi.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});
