import { describe, expect, it } from 'vitest';
import { errorOf, type Dyn } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { QueryCounter } from '../../../test/query-counter.js';
import { buyMode } from '../../flows/access-layer-buy.js';
import { setRules } from '../../modules/listings/listings.fixtures.js';
import { buyOk, call, listSingles, newSeller } from '../../modules/orders/orders.fixtures.js';

/** Smart Access Layer, buy mode (issue 11, item 1; SPEC §6): GET /v1/wrapper/accesslayer and the bulk call. */
describe('GET /v1/wrapper/accesslayer?type=buy', () => {
  const ctx = useContext({ clock: 'manual' });
  const get = (key: string | undefined, query: string) => call(ctx, key, 'GET', `/v1/wrapper/accesslayer?${query}`);
  const types = (components: Dyn[]) => components.map((c) => `${c.type}:${c.id}`);

  it('walks the table on real state: Notify me → listings (button, modal, list) → sold out → resale closed; texts in lang; colours from the theme', async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    const s = await newSeller(ctx, 'sal');
    const empty = await get(s.key, 'type=buy&eventId=solo&showId=main&lang=en');
    expect(empty.status, JSON.stringify(empty.body)).toBe(200);
    expect(types(empty.body.data.components)).toEqual(['button:notify-me']);
    expect(empty.body.data.components[0]).toMatchObject({ class: 'buy', visible: true, title: 'Notify me', colors: { background: '#ffffff' } });
    expect(empty.body.data.components[0].cta.url).toMatch(/^http:\/\/encore\.test\/en\/marketplace\/shows\/shw_[^?]+\?notify=1$/);

    const [a, b] = await listSingles(ctx, s, ['SL-1', 'SL-2'], 30);
    await listSingles(ctx, s, ['SL-3'], 33);
    await buyOk(ctx, s.key, [b!]); // held: not an ask
    const listed = await get(s.key, 'type=buy&eventId=solo&showId=main&lang=es');
    const cs: Dyn[] = listed.body.data.components;
    expect(types(cs)).toEqual(['button:resale-button', 'modal:resale-modal', 'list:resale-list']);
    const all = Number(cs[2].items[0].minPrice);
    expect(cs[0].title).toBe(`Reventa desde ${new Intl.NumberFormat('es-ES', { style: 'currency', currency: 'EUR' }).format(all)}`);
    expect(cs[2].items).toMatchObject([{ ticketOptionId: 'ga', priceTypeId: 'adult', title: 'General · Adult', listingsCount: 2, faceValue: 30, currency: 'EUR' }]);
    expect(cs[2].items[0].maxPrice).toBeGreaterThan(all);
    expect(a).toBeDefined();

    await call(ctx, s.key, 'PUT', '/v1/marketdata/events/solo/inventory', { soldPercentage: 95 });
    expect(types((await get(s.key, 'type=buy&eventId=solo&showId=main')).body.data.components)).toEqual(['banner:sold-out', 'button:resale-button', 'modal:resale-modal', 'list:resale-list']);

    await setRules(ctx, s.key, [{ externalReferenceEventId: 'solo', ruleType: 'RESALE', rules: { enabled: true, opensAt: '2027-05-10T00:00:00Z' } }]);
    const closed = (await get(s.key, 'type=buy&eventId=solo&showId=main&lang=en')).body.data.components;
    expect(closed).toMatchObject([{ type: 'banner', visible: false, reason: 'WINDOW_NOT_OPEN', availableFrom: '2027-05-10T00:00:00.000Z' }]);
    // The sell banner follows the same window.
    expect((await get(s.key, 'type=sell&eventId=solo&showId=main')).body.data.components).toMatchObject([{ class: 'sell', visible: false, reason: 'WINDOW_NOT_OPEN' }]);
  });

  it('a themed tenant’s colours; bad input names the field; unknown event or show is 404; another tenant’s event is 404', async () => {
    const s = await newSeller(ctx, 'sal-404');
    await ctx.deps.db.updateTable('tenants').set({ theme: JSON.stringify({ accent: '#ff0066', logoUrl: 'https://cdn.example/logo.png' }) }).where('id', '=', s.tenantId).execute();
    const themed = (await get(s.key, 'type=buy&eventId=solo&showId=main')).body.data.components[0];
    expect(themed).toMatchObject({ colors: { accent: '#ff0066', background: '#ffffff' }, image: 'https://cdn.example/logo.png' });
    expect(errorOf(await get(s.key, 'type=buy&eventId=solo'))).toMatchObject({ field: 'showId' });
    expect(errorOf(await get(s.key, 'type=rent&eventId=solo&showId=main'))).toMatchObject({ field: 'type' });
    expect(errorOf(await get(s.key, 'type=buy&eventId=solo&showId=nope'))).toMatchObject({ code: 'SHOW_NOT_FOUND', field: 'showId' });
    expect(errorOf(await get(s.key, 'type=buy&eventId=nope&showId=main'))).toMatchObject({ code: 'EVENT_NOT_FOUND' });
    const stranger = await ctx.createTenant('stranger');
    expect((await get(stranger.apiKey, 'type=buy&eventId=solo&showId=main')).status).toBe(404);
    expect((await get(undefined, 'type=buy&eventId=solo&showId=main')).status).toBe(401);
  });

  it('bulk: per show in order, an unknown one is an entry with an error, buttons/banners/modals only, at most 100 shows, a fixed number of queries', async () => {
    const s = await newSeller(ctx, 'sal-bulk');
    await listSingles(ctx, s, ['SB-1'], 30);
    const res = await call(ctx, s.key, 'POST', '/v1/wrapper/accesslayer/bulk?type=buy&lang=en', [
      { eventId: 'solo', showIds: ['main'] },
      { eventId: 'duo', showIds: ['d1', 'd2', 'nope'] },
      { eventId: 'missing', showIds: ['x'] },
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const data: Dyn[] = res.body.data;
    expect(data.map((d): string[] => [String(d.eventId), String(d.showId), String(d.error?.code ?? types(d.components as Dyn[]).join(','))])).toEqual([
      ['solo', 'main', 'button:resale-button,modal:resale-modal'],
      ['duo', 'd1', 'button:notify-me'],
      ['duo', 'd2', 'button:notify-me'],
      ['duo', 'nope', 'SHOW_NOT_FOUND'],
      ['missing', 'x', 'EVENT_NOT_FOUND'],
    ]);
    const tooMany = await call(ctx, s.key, 'POST', '/v1/wrapper/accesslayer/bulk', [{ eventId: 'solo', showIds: Array.from({ length: 60 }, () => 'main') }, { eventId: 'duo', showIds: Array.from({ length: 41 }, () => 'd1') }]);
    expect(tooMany.status).toBe(400);

    // The same number of statements for 1 show as for 100.
    const counted = async (n: number) => {
      const counter = new QueryCounter();
      await buyMode({ ...ctx.deps, db: ctx.deps.db.withPlugin(counter) }, s.tenantId, [{ eventId: 'duo', showIds: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'd1' : 'd2')) }], { lang: 'en', details: false });
      return counter.count;
    };
    const one = await counted(1);
    expect(await counted(100)).toBe(one);
    // Events, their shows, options, price types, combinations and rules; the tenant; inventory; listings.
    expect(one).toBeLessThanOrEqual(10);
  });
});

describe('buy mode from the process cache (ACCESS_LAYER_CACHE_MS)', () => {
  const ctx = useContext({ clock: 'manual', env: { ACCESS_LAYER_CACHE_MS: '60000' } });
  const ids = (res: Awaited<ReturnType<typeof call>>) => (res.body.data.components as { id: string }[]).map((c) => c.id);

  it('answers a show from memory until the entry expires, per language and mode, and the bulk call shares the entries', async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    const s = await newSeller(ctx, 'sal-cache');
    const get = (lang: string) => call(ctx, s.key, 'GET', `/v1/wrapper/accesslayer?type=buy&eventId=solo&showId=main&lang=${lang}`);
    expect(ids(await get('en'))).toEqual(['notify-me']);
    await listSingles(ctx, s, ['CACHE-1']);
    // Within the cache time the answer is the remembered one; another language is computed fresh.
    expect(ids(await get('en'))).toEqual(['notify-me']);
    expect(ids(await get('es'))).toEqual(['resale-button', 'resale-modal', 'resale-list']);
    const bulk = await call(ctx, s.key, 'POST', '/v1/wrapper/accesslayer/bulk?type=buy&lang=es', [{ eventId: 'solo', showIds: ['main'] }, { eventId: 'nope', showIds: ['x'] }]);
    expect(bulk.status).toBe(200);
    expect((bulk.body.data as { components?: { id: string }[]; error?: unknown }[]).map((a) => a.components?.map((c) => c.id) ?? a.error)).toEqual([
      ['resale-button', 'resale-modal'],
      { code: 'EVENT_NOT_FOUND', message: 'event nope does not exist' },
    ]);
    // Another tenant never gets this tenant's entry.
    const other = await newSeller(ctx, 'sal-cache-other');
    expect(ids(await call(ctx, other.key, 'GET', '/v1/wrapper/accesslayer?type=buy&eventId=solo&showId=main&lang=es'))).toEqual(['notify-me']);
  });
});
