import { describe, expect, it } from 'vitest';
import { marketplaceClient } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { DEMO_EVENT } from '../../app/demo-event.js';

describe('webhook endpoints API', () => {
  const ctx = useContext();
  const auth = (key: string) => ({ authorization: key });

  it('creates, lists, reads, replaces and deletes an endpoint, storing each change', async () => {
    const t = await ctx.createTenant();
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: auth(t.apiKey),
      payload: { url: 'https://hooks.example.com/encore', eventTypes: ['event.*'], description: 'main' },
    });
    expect(created.statusCode).toBe(200);
    const ep = created.json().data;
    expect(ep).toMatchObject({ url: 'https://hooks.example.com/encore', eventTypes: ['event.*'], enabled: true, description: 'main' });
    expect(ep.id).toMatch(/^whk_/);
    expect(ep.secret).toMatch(/^whsec_/);

    const stored = await ctx.deps.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', ep.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ tenant_id: t.tenantId, url: 'https://hooks.example.com/encore', event_types: ['event.*'] });

    const list = await ctx.app.inject({ method: 'GET', url: '/v1/webhooks', headers: auth(t.apiKey) });
    expect(list.json().data.map((e: { id: string }) => e.id)).toEqual([ep.id]);

    const replaced = await ctx.app.inject({
      method: 'PUT',
      url: `/v1/webhooks/${ep.id}`,
      headers: auth(t.apiKey),
      payload: { url: 'https://hooks.example.com/v2', enabled: false },
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().data).toMatchObject({ url: 'https://hooks.example.com/v2', enabled: false, eventTypes: [], description: null, secret: ep.secret });

    const read = await ctx.app.inject({ method: 'GET', url: `/v1/webhooks/${ep.id}`, headers: auth(t.apiKey) });
    expect(read.json().data.url).toBe('https://hooks.example.com/v2');

    const del = await ctx.app.inject({ method: 'DELETE', url: `/v1/webhooks/${ep.id}`, headers: auth(t.apiKey) });
    expect(del.json()).toEqual({ status: 200, data: { id: ep.id, deleted: true }, errors: null });
    expect(await ctx.deps.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', ep.id).executeTakeFirst()).toBeUndefined();

    const audit = await ctx.deps.db.selectFrom('audit_log').select('action').where('entity_id', '=', ep.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['webhook_endpoint.created', 'webhook_endpoint.updated', 'webhook_endpoint.deleted']);
  });

  it.each([
    [{}, 'url'],
    [{ url: 'not a url' }, 'url'],
    [{ url: 'ftp://example.com/x' }, 'url'],
    [{ url: 'https://x.test', eventTypes: ['nodot'] }, 'eventTypes[0]'],
    [{ url: 'https://x.test', eventTypes: 'event.*' }, 'eventTypes'],
    [{ url: 'https://x.test', enabled: 'yes' }, 'enabled'],
    [{ url: 'https://x.test', eventTypes: ['event..created'] }, 'eventTypes[0]'],
  ])('refuses bad input %j naming the field %s', async (payload, field) => {
    const t = await ctx.createTenant();
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth(t.apiKey), payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, data: null, errors: [{ code: 'VALIDATION_ERROR', field }] });
  });

  it('refuses an unknown field under Encore-Strict (UNKNOWN_FIELD), otherwise ignores it (not stored) and names it', async () => {
    const t = await ctx.createTenant();
    const client = marketplaceClient(ctx, t.apiKey);
    const body = { url: 'https://x.test/h', colour: 'red' };
    const strict = await client.post('/v1/webhooks', body, { headers: { 'encore-strict': 'true' } });
    expect(strict.status).toBe(400);
    expect(strict.body).toMatchObject({ status: 400, data: null, errors: [{ code: 'UNKNOWN_FIELD', field: 'colour' }] });
    expect((await client.get('/v1/webhooks')).body.data).toEqual([]);

    const lenient = await client.post('/v1/webhooks', body);
    expect(lenient.status).toBe(200);
    expect(lenient.headers['encore-ignored-fields']).toBe('colour');
    expect(lenient.body.data).toMatchObject({ url: 'https://x.test/h', enabled: true });
    expect(lenient.body.data).not.toHaveProperty('colour');
  });

  it('sends `action` as `<family>.<verb>`, the same string as the delivery event type, and filters on it', async () => {
    const t = await ctx.createTenant();
    const client = marketplaceClient(ctx, t.apiKey);
    const all = (await client.post('/v1/webhooks', { url: 'https://hooks.example.com/all' })).body.data;
    // Dotted verbs as menta documents them (`notifyMe.created.updated`) are valid filters.
    const created = await client.post('/v1/webhooks', { url: 'https://hooks.example.com/f', eventTypes: ['event.created', 'notifyMe.created.updated'] });
    expect(created.status).toBe(200);
    expect((await client.post('/v1/events', DEMO_EVENT)).status).toBe(200);
    expect((await client.put('/v1/events', { externalReferenceId: DEMO_EVENT.externalReferenceId, title: 'Renamed' })).status).toBe(200);

    const deliveries = (await client.get(`/v1/webhooks/${all.id}/deliveries`)).body.data.items;
    expect(deliveries.map((d: { eventType: string }) => d.eventType).sort()).toEqual(['event.created', 'event.updated']);
    for (const d of deliveries) {
      expect(d.payload.message).toMatchObject({ family: 'event', action: d.eventType });
    }
    const filtered = (await client.get(`/v1/webhooks/${created.body.data.id}/deliveries`)).body.data.items;
    expect(filtered.map((d: { payload: { message: { action: string } } }) => d.payload.message.action)).toEqual(['event.created']);
  });

  it('refuses a body that is not JSON', async () => {
    const t = await ctx.createTenant();
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { ...auth(t.apiKey), 'content-type': 'application/json' }, payload: '{"url":' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'body' });
  });

  it("hides another tenant's endpoints and deliveries (404)", async () => {
    const a = await ctx.createTenant('a');
    const b = await ctx.createTenant('b');
    const ep = (await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth(a.apiKey), payload: { url: 'https://a.test/h' } })).json().data;
    for (const [method, url] of [
      ['GET', `/v1/webhooks/${ep.id}`],
      ['PUT', `/v1/webhooks/${ep.id}`],
      ['DELETE', `/v1/webhooks/${ep.id}`],
      ['GET', `/v1/webhooks/${ep.id}/deliveries`],
    ] as const) {
      const res = await ctx.app.inject({ method, url, headers: auth(b.apiKey), ...(method === 'PUT' ? { payload: { url: 'https://b.test' } } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().errors[0].code).toBe('WEBHOOK_NOT_FOUND');
    }
    const list = await ctx.app.inject({ method: 'GET', url: '/v1/webhooks', headers: auth(b.apiKey) });
    expect(list.json().data).toEqual([]);
    const redeliver = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks/deliveries/whd_nope/redeliver', headers: auth(b.apiKey) });
    expect(redeliver.statusCode).toBe(404);
    expect(redeliver.json().errors[0].code).toBe('DELIVERY_NOT_FOUND');
  });

  it('requires a key on every webhook route', async () => {
    for (const [method, url] of [
      ['GET', '/v1/webhooks'],
      ['POST', '/v1/webhooks'],
      ['PUT', '/v1/webhooks/whk_x'],
      ['DELETE', '/v1/webhooks/whk_x'],
      ['GET', '/v1/webhooks/whk_x/deliveries'],
      ['POST', '/v1/webhooks/deliveries/whd_x/redeliver'],
    ] as const) {
      const res = await ctx.app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
  });
});
