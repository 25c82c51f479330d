import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { findShow, getEventForTenant, mostSpecificRule } from './index.js';
import { call, fullEvent } from './events.fixtures.js';

describe('GET /v1/events and /v1/events/:externalReferenceId', () => {
  const ctx = useContext({ clock: 'manual' });
  let tenant: { tenantId: string; apiKey: string };
  let key: string;

  beforeAll(async () => {
    tenant = await ctx.createTenant('reader');
    key = tenant.apiKey;
    for (const ref of ['e1', 'e2', 'e3', 'e4']) {
      ctx.clock!.advance(60_000);
      expect((await call(ctx, key, 'POST', '/v1/events', fullEvent(ref))).status).toBe(200);
    }
    ctx.clock!.advance(60_000);
    expect((await call(ctx, key, 'POST', '/v1/events', { ...fullEvent('solo'), shows: [fullEvent().shows[1]] })).status).toBe(200);
    expect((await call(ctx, key, 'POST', '/v1/events/solo/cancellation')).status).toBe(200);
    expect((await call(ctx, key, 'POST', '/v1/events/rules', [{ externalReferenceEventId: 'e2', ruleType: 'TRANSFER', rules: { enabled: true } }])).status).toBe(200);
  });

  it('gets one event with its timestamps from the clock', async () => {
    const res = await call(ctx, key, 'GET', '/v1/events/e2');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ externalReferenceId: 'e2', createdAt: '2026-01-01T00:02:00.000Z', rules: [{ ruleType: 'TRANSFER' }] });
  });

  it('lists newest first with paging, totals and a status filter, children included', async () => {
    const all = await call(ctx, key, 'GET', '/v1/events');
    expect(all.status).toBe(200);
    expect(all.body.data).toMatchObject({ total: 5, limit: 20, offset: 0 });
    expect(all.body.data.items.map((e: { externalReferenceId: string }) => e.externalReferenceId)).toEqual(['solo', 'e4', 'e3', 'e2', 'e1']);
    expect(all.body.data.items[3].rules).toHaveLength(1);
    expect(all.body.data.items[1].shows[0].ticketOptions).toHaveLength(2);
    expect(all.body.data.items[1]).toEqual((await call(ctx, key, 'GET', '/v1/events/e4')).body.data);

    const page = await call(ctx, key, 'GET', '/v1/events?limit=2&offset=1');
    expect(page.body.data.items.map((e: { externalReferenceId: string }) => e.externalReferenceId)).toEqual(['e4', 'e3']);
    expect(page.body.data).toMatchObject({ total: 5, limit: 2, offset: 1 });

    const live = await call(ctx, key, 'GET', '/v1/events?status=LIVE');
    expect(live.body.data.total).toBe(4);
    const cancelled = await call(ctx, key, 'GET', '/v1/events?status=CANCELLED');
    expect(cancelled.body.data.items.map((e: { externalReferenceId: string }) => e.externalReferenceId)).toEqual(['solo']);
  });

  it('400s bad paging and an unknown status', async () => {
    for (const q of ['limit=0', 'limit=101', 'offset=-1', 'limit=abc', 'status=PAUSED']) {
      const res = await call(ctx, key, 'GET', `/v1/events?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.errors![0]!.code).toBe('VALIDATION_ERROR');
    }
  });

  it('404s unknown events and other tenants’ events; lists only the caller’s', async () => {
    const missing = await call(ctx, key, 'GET', '/v1/events/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.errors![0]!.code).toBe('EVENT_NOT_FOUND');
    const other = await ctx.createTenant('neighbour');
    expect((await call(ctx, other.apiKey, 'GET', '/v1/events/e1')).status).toBe(404);
    expect((await call(ctx, other.apiKey, 'GET', '/v1/events')).body.data).toMatchObject({ total: 0, items: [] });
  });

  it('401s without a key and with a wrong key', async () => {
    expect((await call(ctx, undefined, 'GET', '/v1/events')).status).toBe(401);
    expect((await call(ctx, 'nope', 'GET', '/v1/events/e1')).status).toBe(401);
  });

  it('handles ids that need URL encoding', async () => {
    const body = fullEvent('a/b c?d');
    expect((await call(ctx, key, 'POST', '/v1/events', body)).status).toBe(200);
    const res = await call(ctx, key, 'GET', `/v1/events/${encodeURIComponent('a/b c?d')}`);
    expect(res.status).toBe(200);
    expect(res.body.data.externalReferenceId).toBe('a/b c?d');
  });

  it('gives other modules typed records in minor units, and shows by Encore id or integrator ids', async () => {
    const record = await getEventForTenant(ctx.deps.db, tenant.tenantId, 'e2');
    expect(record).toMatchObject({ externalReferenceId: 'e2', currency: 'EUR', timeZone: 'Europe/Madrid', status: 'LIVE' });
    expect(record!.shows[0]!.ticketOptions[0]).toMatchObject({ ticketId: 'ga', priceMinor: 4550 });
    expect(record!.shows[0]!.startsAt.toISOString()).toBe('2027-07-01T18:00:00.000Z');
    expect(mostSpecificRule(record!.rules, { showId: 'night-1', ticketOptionId: 'ga' }, 'TRANSFER')).toMatchObject({ ruleType: 'TRANSFER', settings: { enabled: true } });
    expect(await getEventForTenant(ctx.deps.db, 'ten_other', 'e2')).toBeUndefined();

    const showPk = record!.shows[1]!.id;
    expect((await findShow(ctx.deps.db, tenant.tenantId, { id: showPk }))!.show.showId).toBe('night-2');
    expect((await findShow(ctx.deps.db, tenant.tenantId, { externalReferenceId: 'e2', showId: 'night-1' }))!.show.showId).toBe('night-1');
    expect((await findShow(ctx.deps.db, tenant.tenantId, { externalReferenceId: 'solo' }))!.show.showId).toBe('night-2');
    await expect(findShow(ctx.deps.db, tenant.tenantId, { externalReferenceId: 'e2' })).rejects.toMatchObject({ code: 'SHOW_ID_REQUIRED', details: { showIds: ['night-1', 'night-2'] } });
    expect(await findShow(ctx.deps.db, 'ten_other', { id: showPk })).toBeUndefined();
    expect(await findShow(ctx.deps.db, tenant.tenantId, { externalReferenceId: 'e2', showId: 'nope' })).toBeUndefined();
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi' })).json();
    for (const [path, method] of [
      ['/v1/events', 'post'],
      ['/v1/events', 'put'],
      ['/v1/events', 'get'],
      ['/v1/events/{externalReferenceId}', 'get'],
      ['/v1/events/{externalReferenceId}/cancellation', 'post'],
      ['/v1/events/rules', 'post'],
    ] as const) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.tags).toEqual(['Events']);
      expect(op.summary).toEqual(expect.any(String));
      expect(op.description).toEqual(expect.any(String));
      expect(op.responses['200']).toBeDefined();
    }
  });
});
