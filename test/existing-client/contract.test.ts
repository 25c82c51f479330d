import { beforeAll, describe, expect, it } from 'vitest';
import { purchaseIntentClient, type Dyn } from '../client.js';
import { useContext } from '../harness.js';
import { MENTA_WEBHOOK_ACTIONS } from './examples.js';
import {
  createEvent,
  createIntent,
  createStrategy,
  expectMarketplaceError,
  expectPiError,
  ok,
  plainEvent,
  plainTicket,
  syncTickets,
  tenant,
  type Tenant,
} from './world.js';

/**
 * Issue 9, "What is wrong today" items 2, 3, 5, 6 and 10–14: the contract fixes of SPEC §2, §3, §7
 * and §8 and the limits at the edge, each asserting the fixed behaviour. Item 14's trickled body and
 * item 15 are in src/api/shared/timeouts.test.ts and idempotency.commit.test.ts; item 16 in test/import-graph.test.ts.
 */
describe('contract fixes (SPEC §2, §3, §7, §8) and limits at the edge', () => {
  const ctx = useContext();
  let t: Tenant;

  beforeAll(async () => {
    t = await tenant(ctx, 'contract');
    await createEvent(t, plainEvent('gig'));
  });

  describe('item 2: what the reference leaves optional is optional; PUT replaces only the members it carries', () => {
    it('configuration without policy: 200, policy NONE', async () => {
      await createEvent(t, plainEvent('no-policy', { configuration: { currency: 'EUR' } }));
      expect(ok(await t.mp.get('/v1/events/no-policy')).body.data.configuration).toMatchObject({ policy: 'NONE', currency: 'EUR' });
    });

    it('location without venueName (every location member is optional): 200, stored as sent', async () => {
      await createEvent(t, plainEvent('no-venue', { location: { city: 'Madrid', timeZone: 'Europe/Madrid' } }));
      const read = ok(await t.mp.get('/v1/events/no-venue')).body.data;
      expect(read.location).toMatchObject({ city: 'Madrid', timeZone: 'Europe/Madrid' });
      expect(read.location.venueName ?? null).toBeNull();
    });

    it('PUT with only externalReferenceId and title: 200, the other members kept', async () => {
      const before = await createEvent(t, plainEvent('partial-put'));
      const res = ok(await t.mp.put('/v1/events', { externalReferenceId: 'partial-put', title: 'Renamed' }));
      expect(res.body.data.title).toBe('Renamed');
      const read = ok(await t.mp.get('/v1/events/partial-put')).body.data;
      expect(read).toMatchObject({ title: 'Renamed', description: before.description, location: before.location, configuration: before.configuration });
      expect(read.shows).toEqual(before.shows);
    });

    it('PUT with one member replaces that member as a whole and keeps the others', async () => {
      const before = await createEvent(t, plainEvent('member-put'));
      ok(await t.mp.put('/v1/events', { externalReferenceId: 'member-put', location: { venueName: 'Other hall' } }));
      const read = ok(await t.mp.get('/v1/events/member-put')).body.data;
      expect(read.location).toMatchObject({ venueName: 'Other hall' });
      expect(read.location.city ?? null).toBeNull();
      expect(read.shows).toEqual(before.shows);
      expect(read.title).toBe(before.title);
    });

    it('a PUT that drops a show with tickets is still 409 SHOW_HAS_TICKETS', async () => {
      await createEvent(t, plainEvent('keep-show'));
      await syncTickets(t, [plainTicket('ks-1', 'keep-show')]);
      const res = await t.mp.put('/v1/events', { externalReferenceId: 'keep-show', shows: [{ showId: 'other', date: '2027-07-01T21:00:00+02:00', ticketOptions: [] }] });
      expectMarketplaceError(res, 409, 'SHOW_HAS_TICKETS');
    });
  });

  describe('item 3: the currency comes from the ticket options when the configuration has none', () => {
    const options = (a: string, b: string) => [
      {
        showId: 'main',
        date: '2027-06-01T21:00:00-04:00',
        ticketOptions: [
          { ticketId: 'a', title: 'A', price: 55, currency: a },
          { ticketId: 'b', title: 'B', price: 138, currency: b },
        ],
      },
    ];

    it('options in USD on a EUR tenant: 200, the event in USD, its tickets too', async () => {
      const created = await createEvent(t, plainEvent('usd', { configuration: { policy: 'NONE' }, shows: options('USD', 'USD') }));
      expect(created.configuration.currency).toBe('USD');
      expect(created.shows[0].ticketOptions.map((o: Dyn) => String(o.currency))).toEqual(['USD', 'USD']);
      await syncTickets(t, [plainTicket('usd-1', 'usd', { ticketOptionId: 'a', price: 55 })]);
      expect(ok(await t.mp.get('/v1/tickets/usd-1')).body.data).toMatchObject({ price: 55, currency: 'USD' });
    });

    it('options that disagree: 400 naming the first that differs', async () => {
      const res = await t.mp.post('/v1/events', plainEvent('mixed', { configuration: { policy: 'NONE' }, shows: options('USD', 'ARS') }));
      expect(res.status, res.text).toBe(400);
      expect(res.body.errors?.[0]?.field).toBe('shows[0].ticketOptions[1].currency');
    });

    it('no currency anywhere: the tenant’s default', async () => {
      const created = await createEvent(t, plainEvent('default-cur', { configuration: { policy: 'NONE' } }));
      expect(created.configuration.currency).toBe('EUR');
    });
  });

  describe('item 5: every marketplace webhook’s action is <family>.<verb>, as menta documents it', () => {
    it('event, ticket and listing webhooks carry the family in their action', async () => {
      const w = await tenant(ctx, 'hooks');
      const endpoint = ok(await w.mp.post('/v1/webhooks', { url: 'http://127.0.0.1:9/hooks' })).body.data;
      await createEvent(w, plainEvent('hooked'));
      await syncTickets(w, [plainTicket('h-1', 'hooked', { buyer: 'h1@fans.example' }), plainTicket('h-2', 'hooked')]);
      ok(await w.mp.put('/v1/tickets/h-2', { buyer: 'new-owner@fans.example' }));
      ok(await w.mp.post('/v1/marketplace/listings', { ticketIds: ['h-1'], price: 30, sellerEmail: 'h1@fans.example' }));
      ok(await w.mp.delete('/v1/marketplace/items/ticket/h-1'));

      const deliveries: Dyn = ok(await w.mp.get(`/v1/webhooks/${endpoint.id}/deliveries?limit=100`)).body.data;
      const items: Dyn[] = Array.isArray(deliveries) ? deliveries : deliveries.items;
      const payloadOf = (d: Dyn): Dyn => (typeof d.payload === 'string' ? JSON.parse(d.payload) : d.payload);
      const messages: Dyn[] = items.map((d): unknown => payloadOf(d).message);
      expect(messages.length).toBeGreaterThan(0);
      for (const m of messages) expect(m.action, JSON.stringify(m)).toMatch(new RegExp(`^${m.family}\\.[A-Za-z_.]+$`));
      const actions = messages.map((m): string => String(m.action));
      for (const documented of ['ticket.updated', 'listing.created', 'listing.deleted'] as const) {
        expect(MENTA_WEBHOOK_ACTIONS).toContain(documented);
        expect(actions).toContain(documented);
      }
      expect(actions).toContain('event.created');
      for (const d of items) expect(payloadOf(d).message.action).toBe(d.eventType);
    });
  });

  describe('item 6: eventAdmission answers data: true', () => {
    it('single admission, its repeat, and the details on the ticket', async () => {
      await syncTickets(t, [plainTicket('adm-1', 'gig')]);
      const entry = { entryDate: '2027-06-01T20:15:00+02:00' };
      expect(ok(await t.mp.post('/v1/tickets/adm-1/eventAdmission', entry)).body).toEqual({ status: 200, data: true, errors: null });
      expect(ok(await t.mp.post('/v1/tickets/adm-1/eventAdmission', entry)).body).toEqual({ status: 200, data: true, errors: null });
      const read = ok(await t.mp.get('/v1/tickets/adm-1')).body.data;
      expect(read.status).toBe('USED');
      expect(new Date(read.admission.entryDate).toISOString()).toBe(new Date(entry.entryDate).toISOString());
      expectMarketplaceError(await t.mp.post('/v1/tickets/adm-1/eventAdmission', { entryDate: '2027-06-01T21:00:00+02:00' }), 409, 'ALREADY_ADMITTED');
    });
  });

  describe('item 10: setting the approval status an intent already has is an idempotent 200', () => {
    it('approved twice and rejected twice: 200 each, one history entry per change', async () => {
      const strategyId = await createStrategy(t, { needsApproval: true });
      for (const status of ['approved', 'rejected'] as const) {
        const intent = await createIntent(t, 'gig', { strategyId });
        expect(intent.approvalStatus).toBe('awaiting');
        ok(await t.pi.post(`/api/purchaseintents/${intent._id}/approval`, { approvalStatus: 'awaiting' }));
        const first = ok(await t.pi.post(`/api/purchaseintents/${intent._id}/approval`, { approvalStatus: status })).body;
        const second = ok(await t.pi.post(`/api/purchaseintents/${intent._id}/approval`, { approvalStatus: status })).body;
        expect(second.approvalStatus).toBe(status);
        expect(second.history).toHaveLength(first.history.length);
        expect(second.__v).toBe(first.__v);
      }
    });
  });

  describe('item 11: an intent created with additionalItems reads back everywhere; a retry with the same Idempotency-Key replays it', () => {
    it('get, search, public get and the whole list answer 200', async () => {
      const extra = { customerId: 'cust-ai', additionalItems: [{ type: 'additionalFee', name: 'Service fee', amount: 1, price: 2.5 }] };
      const intent = await createIntent(t, 'gig', extra);
      ok(await t.pi.get(`/api/purchaseintents/${intent._id}`));
      ok(await t.pi.get(`/api/purchaseintents/search?id=${intent._id}&secret=${encodeURIComponent(intent.secret)}`));
      ok(await purchaseIntentClient(ctx).get(`/api/public/purchaseintents/${intent._id}?secret=${encodeURIComponent(intent.secret)}`));
      ok(await t.pi.get('/api/purchaseintents?top=1000'));
      ok(await t.pi.get('/api/purchaseintents?customerId=cust-ai'));
    });

    it('the same Idempotency-Key twice creates one intent and replays the first answer', async () => {
      const extra = { customerId: 'cust-idem', additionalItems: [{ type: 'insurance', name: 'Insurance', amount: 1, price: 4 }] };
      const headers = { 'idempotency-key': 'existing-client-ai-1' };
      const first = await createIntent(t, 'gig', extra, headers);
      const second = await createIntent(t, 'gig', extra, headers);
      expect(second._id).toBe(first._id);
      expect(ok(await t.pi.get('/api/purchaseintents?customerId=cust-idem')).body.total).toBe(1);
    });
  });

  describe('item 12: ids up to the stored length work in paths as in bodies', () => {
    it.each([
      ['150 ASCII characters', 'e'.repeat(150)],
      ['200 ASCII characters', 'f'.repeat(199) + '!'],
      ['200 non-ASCII characters', 'ü'.repeat(200)],
    ])('an event and tickets with ids of %s: every route with the id in its path answers', async (_name, id) => {
      const p = encodeURIComponent(id);
      const ticketA = `${id.slice(0, 198)}-a`;
      const ticketB = `${id.slice(0, 198)}-b`;
      await createEvent(t, plainEvent(id));
      await syncTickets(t, [plainTicket(ticketA, id), plainTicket(ticketB, id)]);
      expect(ok(await t.mp.get(`/v1/events/${p}`)).body.data.externalReferenceId).toBe(id);
      expect(ok(await t.mp.get(`/v1/tickets/${encodeURIComponent(ticketA)}`)).body.data.ticketId).toBe(ticketA);
      ok(await t.mp.put(`/v1/tickets/${encodeURIComponent(ticketA)}`, { buyer: 'long-id@fans.example' }));
      expectMarketplaceError(await t.mp.get(`/v1/marketplace/listings/ticket/${encodeURIComponent(ticketA)}`), 404, 'LISTING_NOT_FOUND');
      ok(await t.mp.get(`/v1/marketplace/items/events/${p}/listedTickets`));
      ok(await t.mp.post(`/v1/tickets/${encodeURIComponent(ticketA)}/eventAdmission`));
      ok(await t.mp.delete(`/v1/tickets/${encodeURIComponent(ticketB)}`));
      ok(await t.mp.post(`/v1/events/${p}/cancellation`));
    });
  });

  describe('item 13: a body nested 10,000 levels deep is a 400, never a 500', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const deepEvent = `{"externalReferenceId":"deep","title":"t","description":"d","shows":${deep}}`;

    it.each([
      ['POST', '/v1/events', deepEvent],
      ['PUT', '/v1/events', deepEvent],
      ['POST', '/v1/events/rules', deep],
      ['POST', '/v1/sync/tickets', deep],
    ] as const)('%s %s: 400 in the marketplace envelope', async (method, url, raw) => {
      expectMarketplaceError(await t.mp.call(method, url, undefined, { raw }), 400, 'NESTING_TOO_DEEP', 'body');
    });

    it('POST /api/purchaseintents: 400 in the purchase-intent envelope', async () => {
      expectPiError(await t.pi.post('/api/purchaseintents', undefined, { raw: `{"eventId":"gig","tickets":${deep}}` }), 400);
    });
  });

  describe('item 14: size limits at the edge (the trickled body is the lead’s test)', () => {
    it('a 2 MB body to a public route (no key): 413 in the purchase-intent envelope', async () => {
      const intent = await createIntent(t, 'gig');
      const raw = JSON.stringify({ secret: intent.secret, salesChannelId: 'x'.repeat(2 * 1024 * 1024) });
      const anon = purchaseIntentClient(ctx);
      expectPiError(await anon.post(`/api/public/purchaseintents/${intent._id}/checkout`, undefined, { raw }), 413);
      expectPiError(await anon.post('/api/public/purchaseintents/checkout', undefined, { raw }), 413);
    });

    it('a 1 MB strategy name and 100,000 restrictedCompletion entries are refused, and nothing is stored', async () => {
      const count = async () => Number((await t.pi.get('/api/purchaseintents/strategies')).headers['x-total-count']);
      const before = await count();
      expect(Number.isInteger(before)).toBe(true);
      // Valid in every other field, so the refusal can only be about the one that is too big.
      const strategy = {
        name: 'plain',
        availabilityStrategy: { createTickets: false, checkAvailability: false, withoutSeats: false, createValidTickets: false },
        expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: null, expiresAt: null },
        needsApproval: false,
        cancellationStrategy: 'cancellationAllowed',
      };
      const bigName = await t.pi.post('/api/purchaseintents/strategies', { ...strategy, name: 'n'.repeat(1_000_000) });
      expect([400, 413], bigName.text.slice(0, 300)).toContain(bigName.status);
      expectPiError(bigName, bigName.status, bigName.status === 400 ? /name/ : undefined);
      const manyEntries = await t.pi.post('/api/purchaseintents/strategies', { ...strategy, restrictedCompletion: Array.from({ length: 100_000 }, () => 'POS') });
      expectPiError(manyEntries, 400, /restrictedCompletion/);
      expect(await count()).toBe(before);
    });

    it('a 32 MB intent: 413', async () => {
      const raw = JSON.stringify({ eventId: 'gig', tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90, name: 'x'.repeat(32 * 1024 * 1024) }] });
      expectPiError(await t.pi.post('/api/purchaseintents', undefined, { raw }), 413);
    });

    it('the limits are documented in the OpenAPI (the strategy name has a maxLength)', async () => {
      const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi' })).json<Dyn>();
      let schema = doc.paths['/api/purchaseintents/strategies'].post.requestBody.content['application/json'].schema;
      while (schema.$ref) {
        let node: Dyn = doc;
        for (const key of String(schema.$ref).split('/').slice(1)) node = node[key];
        schema = node;
      }
      expect(schema.properties.name.maxLength).toEqual(expect.any(Number));
      expect(schema.properties.restrictedCompletion.maxItems).toEqual(expect.any(Number));
    });

    // The trickled body (cut off with 408 after REQUEST_TIMEOUT_MS) needs a real socket and its own
    // time limit: src/api/shared/timeouts.test.ts.
  });

  // Item 15 (the Idempotency-Key record commits in the change's own transaction, and a crash in
  // between is never run twice) is proven with database triggers in
  // src/api/shared/idempotency.commit.test.ts.
});
