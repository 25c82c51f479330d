import { beforeAll, describe, expect, it } from 'vitest';
import { purchaseIntentClient, type Dyn } from '../client.js';
import { useContext } from '../harness.js';
import {
  PUBLIC_URL,
  SHOP_ORIGIN,
  createEvent,
  createIntent,
  createStrategy,
  expectMarketplaceError,
  expectPiError,
  ignoredFields,
  ok,
  plainEvent,
  plainTicket,
  syncTickets,
  tenant,
  type Tenant,
} from './world.js';

/**
 * Issue 9, "What is wrong today" items 1, 4, 7, 8 and 9: the forgiving edge of SPEC §1.1, as an
 * existing client meets it (Content-Type: application/json on every call, the reference's full
 * schema, its own `lang` tags, trailing slashes, a browser front end).
 */
describe('the forgiving edge (SPEC §1.1)', () => {
  const ctx = useContext();
  let t: Tenant;

  beforeAll(async () => {
    t = await tenant(ctx, 'edge');
    await createEvent(t, plainEvent('gig'));
  });

  describe('item 1: a request without a body but with Content-Type: application/json is a request without a body', () => {
    it('DELETE /v1/tickets/:id: 200, the ticket DELETED', async () => {
      await syncTickets(t, [plainTicket('del-1', 'gig')]);
      const res = ok(await t.mp.delete('/v1/tickets/del-1'));
      expect(res.body.data).toMatchObject({ ticketId: 'del-1', status: 'DELETED' });
    });

    it('DELETE /v1/marketplace/items/ticket/:id: 200, the listing TERMINATED', async () => {
      await syncTickets(t, [plainTicket('lst-1', 'gig', { buyer: 'seller1@fans.example' })]);
      ok(await t.mp.post('/v1/marketplace/listings', { ticketIds: ['lst-1'], price: 30, sellerEmail: 'seller1@fans.example' }));
      const res = ok(await t.mp.delete('/v1/marketplace/items/ticket/lst-1'));
      expect(res.body.data).toMatchObject({ status: 'TERMINATED' });
    });

    it('POST /v1/events/:id/cancellation: 200, cancelled', async () => {
      await createEvent(t, plainEvent('to-cancel'));
      const res = ok(await t.mp.post('/v1/events/to-cancel/cancellation'));
      expect(res.body.data.shows[0].status).toBe('CANCELLED');
    });

    it('purchase intents: cancel 200, create-tickets 200, reservation-mail reaches its own rule (no email), not a body error', async () => {
      const a = await createIntent(t, 'gig');
      expect(ok(await t.pi.post(`/api/purchaseintents/${a._id}/cancel`)).body.status).toBe('canceled');
      const b = await createIntent(t, 'gig');
      ok(await t.pi.post(`/api/purchaseintents/${b._id}/create-tickets`));
      // The mail's body is optional in the reference: without one the intent's own email is used,
      // and this intent has none, so the answer is about `email`, never about an empty body.
      const mail = await t.pi.post(`/api/purchaseintents/${b._id}/reservation-mail`);
      expectPiError(mail, 400, /^email/);
      expect(mail.body.message).not.toMatch(/body/i);
    });

    it('a route that takes a body still answers an empty one with 400 naming body, in each family’s envelope', async () => {
      expectMarketplaceError(await t.mp.post('/v1/events'), 400, 'VALIDATION_ERROR', 'body');
      expectPiError(await t.pi.post('/api/purchaseintents'), 400, /body/);
    });

    it('`charset` parameters are accepted', async () => {
      const res = await t.mp.post('/v1/events', plainEvent('charset'), { headers: { 'content-type': 'application/json; charset=utf-8' } });
      ok(res);
    });
  });

  describe('item 4: unknown fields are accepted at any depth and named in Encore-Ignored-Fields; Encore-Strict makes them a 400', () => {
    const withUnknowns = (): Record<string, unknown> => {
      const body = plainEvent('unknowns') as Dyn;
      body.legacyId = 'L-1';
      body.location.map = { zoom: 12 };
      body.configuration.theme = 'dark';
      body.shows[0].ticketOptions[1].sku = 'VIP-SKU';
      return body as Record<string, unknown>;
    };
    const paths = ['configuration.theme', 'legacyId', 'location.map.zoom', 'shows[0].ticketOptions[1].sku'];

    it('POST /v1/events: 200, stored, every unknown path named', async () => {
      const res = ok(await t.mp.post('/v1/events', withUnknowns()));
      expect(ignoredFields(res)).toEqual(paths);
      const read = ok(await t.mp.get('/v1/events/unknowns')).body.data;
      expect(read).not.toHaveProperty('legacyId');
      expect(read.shows[0].ticketOptions[1]).toMatchObject({ ticketId: 'vip', price: 90 });
    });

    it('with Encore-Strict: true the same body is 400 UNKNOWN_FIELD naming them, and nothing is stored', async () => {
      const body = { ...withUnknowns(), externalReferenceId: 'unknowns-strict' };
      const res = await t.mp.post('/v1/events', body, { headers: { 'encore-strict': 'true' } });
      expectMarketplaceError(res, 400, 'UNKNOWN_FIELD');
      expect(paths).toContain(res.body.errors?.[0]?.field);
      expect([...(res.body.errors?.[0]?.details?.fields as string[])].sort()).toEqual(paths);
      expectMarketplaceError(await t.mp.get('/v1/events/unknowns-strict'), 404, 'EVENT_NOT_FOUND');
    });

    it('one extra field does not fail a 5,000-ticket batch (POST /v1/tickets), nor a sync batch', async () => {
      const batch: Dyn[] = Array.from({ length: 5000 }, (_, i) => plainTicket(`b-${i}`, 'gig'));
      batch[4999].seatColor = 'red';
      batch[0].ticketAccess.qrFormat = 'png';
      const res = ok(await t.mp.post('/v1/tickets', batch));
      expect(res.body.data).toMatchObject({ accepted: 5000 });
      expect(ignoredFields(res)).toEqual(['[0].ticketAccess.qrFormat', '[4999].seatColor']);

      const sync = ok(await t.mp.post('/v1/sync/tickets', [{ ...plainTicket('s-1', 'gig'), seatColor: 'red' }]));
      expect(sync.body.data[0]).toMatchObject({ ticketId: 's-1', status: 'CREATED' });
      expect(ignoredFields(sync)).toEqual(['[0].seatColor']);
    });

    it('the purchase-intent family behaves the same way (201 and the header; strict 400 in its envelope)', async () => {
      const body = { eventId: 'gig', legacy: 1, tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90, foo: 'x' }] };
      const res = ok(await t.pi.post('/api/purchaseintents', body), 201);
      expect(ignoredFields(res)).toEqual(['legacy', 'tickets[0].foo']);
      const strict = await t.pi.post('/api/purchaseintents', body, { headers: { 'encore-strict': 'true' } });
      expectPiError(strict, 400, /legacy|tickets\[0\]\.foo/);
    });

    it('the header names at most 20 paths and says how many there were', async () => {
      const body = plainEvent('many-unknowns') as Dyn;
      for (let i = 0; i < 25; i++) body[`x${i}`] = i;
      const res = ok(await t.mp.post('/v1/events', body));
      const header = String(res.headers['encore-ignored-fields']);
      expect(header.split(',').filter((p) => /^\s*x\d+\s*$/.test(p))).toHaveLength(20);
      expect(header).toContain('25');
    });

    it('a known field with a wrong type is still a 400 naming it', async () => {
      const body = plainEvent('wrong-type') as Dyn;
      body.shows[0].ticketOptions[0].price = 'thirty';
      expectMarketplaceError(await t.mp.post('/v1/events', body), 400, 'VALIDATION_ERROR', 'shows[0].ticketOptions[0].price');
    });
  });

  describe('item 7: lang takes any BCP 47 tag (primary subtag, case-insensitive; otherwise the tenant’s default)', () => {
    let en: Tenant;
    beforeAll(async () => {
      await syncTickets(t, [plainTicket('lang-1', 'gig')]);
      en = await tenant(ctx, 'edge-en', { defaultLanguage: 'en' });
      await createEvent(en, plainEvent('gig'));
      await syncTickets(en, [plainTicket('lang-1', 'gig')]);
    });

    const sellUrl = async (who: Tenant, lang: string) =>
      String(ok(await who.mp.get(`/v1/marketplace/sellingflow/url/entrypoint?ticketId=lang-1&lang=${encodeURIComponent(lang)}`)).body.data);

    it.each([
      ['es-AR', 'es'],
      ['EN', 'en'],
      ['en-GB', 'en'],
      ['ES', 'es'],
      ['pt', 'es'],
      ['pt-BR', 'es'],
    ])('sellingflow with lang=%s → /%s/ (tenant default es)', async (lang, expected) => {
      expect(await sellUrl(t, lang)).toMatch(new RegExp(`^${PUBLIC_URL}/${expected}/`));
    });

    it('lang=pt falls back to the tenant’s default language when it is en', async () => {
      expect(await sellUrl(en, 'pt')).toMatch(new RegExp(`^${PUBLIC_URL}/en/`));
      expect(await sellUrl(en, 'es-AR')).toMatch(new RegExp(`^${PUBLIC_URL}/es/`));
    });

    it('the other URL endpoints negotiate the same way (salePublicUrl, buyingflow entrypoint)', async () => {
      const sale = ok(await t.mp.get('/v1/events/tickets/salePublicUrl?ticketId=lang-1&lang=es-AR'));
      expect(String(sale.body.data)).toMatch(new RegExp(`^${PUBLIC_URL}/es/`));
      const buy = ok(await t.mp.get(`/v1/marketplace/buyingflow/url/entrypoint?externalReferenceEventId=gig&showId=main&lang=EN&returnTo=${encodeURIComponent(`${SHOP_ORIGIN}/back`)}`));
      expect(String(buy.body.data)).toMatch(new RegExp(`^${PUBLIC_URL}/en/`));
    });
  });

  describe('item 8: trailing slashes, OPTIONS and CORS for the public endpoints', () => {
    it('a trailing slash is ignored in both families', async () => {
      const list = ok(await t.pi.get('/api/purchaseintents/'));
      expect(list.body).toMatchObject({ rows: expect.any(Array), total: expect.any(Number) });
      ok(await t.pi.get('/api/purchaseintents/strategies/'));
      expect(ok(await t.mp.get('/v1/events/')).body.data).toBeDefined();
      ok(await t.mp.post('/v1/events/', plainEvent('slash')));
      expect(ok(await t.mp.get('/v1/events/slash/')).body.data.externalReferenceId).toBe('slash');
      const intent = await createIntent(t, 'gig');
      ok(await t.pi.get(`/api/purchaseintents/${intent._id}/`));
      ok(await purchaseIntentClient(ctx).get(`/api/public/purchaseintents/${intent._id}/?secret=${encodeURIComponent(intent.secret)}`));
    });

    it('OPTIONS on an API-key route: 204 with Allow, and never CORS headers', async () => {
      for (const [client, url, methods] of [
        [t.mp, '/v1/events', ['GET', 'POST', 'PUT']],
        [t.pi, '/api/purchaseintents', ['GET', 'POST']],
      ] as const) {
        const res = await client.call('OPTIONS', url, undefined, { headers: { origin: SHOP_ORIGIN, 'access-control-request-method': 'POST' } });
        expect(res.status, `${url} ${res.text}`).toBe(204);
        const allow = String(res.headers.allow).split(',').map((m) => m.trim());
        for (const m of methods) expect(allow, url).toContain(m);
        expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-')), url).toEqual([]);
      }
    });

    it('a browser preflight to the public checkout from an allowed origin is answered; from another origin it is not', async () => {
      const intent = await createIntent(t, 'gig');
      const url = `/api/public/purchaseintents/${intent._id}/checkout`;
      const anon = purchaseIntentClient(ctx);
      const preflight = (origin: string) =>
        anon.call('OPTIONS', url, undefined, { headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

      const allowed = await preflight(SHOP_ORIGIN);
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe(SHOP_ORIGIN);
      expect(String(allowed.headers['access-control-allow-methods'])).toContain('POST');
      expect(String(allowed.headers['access-control-allow-headers']).toLowerCase()).toContain('content-type');

      const other = await preflight('https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();

      // The call itself carries the header for the allowed origin only.
      const call = await anon.post(url, { secret: intent.secret }, { headers: { origin: SHOP_ORIGIN } });
      expect(call.status, call.text).toBeLessThan(500);
      expect(call.headers['access-control-allow-origin']).toBe(SHOP_ORIGIN);
      const denied = await anon.post(url, { secret: intent.secret }, { headers: { origin: 'https://evil.example' } });
      expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('item 9: errors the framework raises come in the family’s envelope with a stable code', () => {
    const long = 'a'.repeat(3000);

    it('bad percent-encoding: 400 INVALID_URL', async () => {
      expectMarketplaceError(await t.mp.get('/v1/events/%E0%A4%A'), 400, 'INVALID_URL');
      expectPiError(await t.pi.get('/api/purchaseintents/%E0%A4%A'), 400);
    });

    it('a 3,000-character path parameter: 414 URI_TOO_LONG', async () => {
      expectMarketplaceError(await t.mp.get(`/v1/events/${long}`), 414, 'URI_TOO_LONG');
      expectPiError(await t.pi.get(`/api/purchaseintents/${long}`), 414);
    });

    it('unparsable JSON: 400 naming body', async () => {
      expectMarketplaceError(await t.mp.post('/v1/events', undefined, { raw: '{"title": ' }), 400, 'VALIDATION_ERROR', 'body');
      expectPiError(await t.pi.post('/api/purchaseintents', undefined, { raw: '{"eventId": ' }), 400, /JSON|body/);
    });

    it('a text/xml body: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const xml = { raw: '<event><title>x</title></event>', headers: { 'content-type': 'text/xml' } };
      expectMarketplaceError(await t.mp.post('/v1/events', undefined, xml), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectPiError(await t.pi.post('/api/purchaseintents', undefined, xml), 415);
    });

    it('a method the path does not have: 405 METHOD_NOT_ALLOWED with Allow', async () => {
      const res = await t.mp.patch('/v1/events', plainEvent('patched'));
      expectMarketplaceError(res, 405, 'METHOD_NOT_ALLOWED');
      expect(String(res.headers.allow)).toContain('POST');
      const strategyId = await createStrategy(t);
      const pi = await t.pi.delete(`/api/purchaseintents/strategies/${strategyId}`);
      expectPiError(pi, 405);
      expect(String(pi.headers.allow)).toContain('GET');
    });

    it('an unknown path: 404 in the envelope of the family whose prefix it is under', async () => {
      expectMarketplaceError(await t.mp.get('/v1/no-such-thing'), 404, 'ROUTE_NOT_FOUND');
      expectPiError(await t.pi.get('/api/purchaseintents/pi_x/no-such-thing'), 404);
      expectPiError(await purchaseIntentClient(ctx).get('/api/public/purchaseintents/pi_x/no/such'), 404);
    });
  });
});
