import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { DEMO_EVENT, addWebhookEndpoint, auditOf, call, clone, deliveriesOf, fullEvent, type Dyn } from './events.fixtures.js';

describe('POST /v1/events', () => {
  const ctx = useContext();
  let tenant: { tenantId: string; apiKey: string };

  beforeAll(async () => {
    tenant = await ctx.createTenant('creator');
    await addWebhookEndpoint(ctx, tenant.apiKey);
  });

  it('accepts the demo payload printed by `npm start` and stores it', async () => {
    const res = await call(ctx, tenant.apiKey, 'POST', '/v1/events', DEMO_EVENT);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeNull();
    const data = res.body.data;
    expect(data.id).toMatch(/^evt_[0-9a-z]{26}$/);
    expect(data).toMatchObject({
      externalReferenceId: 'demo-concert',
      title: 'Demo concert',
      status: 'LIVE',
      cancelledAt: null,
      configuration: { policy: 'NONE', currency: 'EUR' },
      location: { venueName: 'Sala Apolo', city: 'Barcelona', country: 'ES', timeZone: 'Europe/Madrid' },
      producers: [],
      seating: null,
      rules: [],
    });
    expect(data.shows).toHaveLength(1);
    expect(data.shows[0]).toMatchObject({
      showId: 'demo-show-1',
      date: '2027-06-01T21:00:00+02:00',
      status: 'LIVE',
      ticketOptions: [{ ticketId: 'general', title: 'General admission', price: 35, currency: 'EUR', capacity: 500, zoneId: null, description: null }],
      priceTypes: [{ priceTypeId: 'standard', title: 'Standard', price: null }],
      combinations: [],
    });
    expect(data.shows[0].id).toMatch(/^shw_/);

    // The stored rows, not just the echo.
    const event = await ctx.deps.db.selectFrom('events').selectAll().where('tenant_id', '=', tenant.tenantId).where('id', '=', data.id).executeTakeFirstOrThrow();
    expect(event).toMatchObject({ external_reference_id: 'demo-concert', currency: 'EUR', status: 'LIVE' });
    const show = await ctx.deps.db.selectFrom('shows').selectAll().where('tenant_id', '=', tenant.tenantId).where('event_id', '=', data.id).executeTakeFirstOrThrow();
    expect(show.starts_at.toISOString()).toBe('2027-06-01T19:00:00.000Z');
    expect(show.date_text).toBe('2027-06-01T21:00:00+02:00');
    const option = await ctx.deps.db.selectFrom('ticket_options').selectAll().where('tenant_id', '=', tenant.tenantId).where('show_pk', '=', show.id).executeTakeFirstOrThrow();
    expect(option).toMatchObject({ ticket_option_id: 'general', price_minor: 3500, currency: 'EUR', capacity: 500 });

    const read = await call(ctx, tenant.apiKey, 'GET', '/v1/events/demo-concert');
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(data);
  });

  it('writes an event.created webhook and an audit row in the same transaction', async () => {
    const res = await call(ctx, tenant.apiKey, 'POST', '/v1/events', fullEvent('evt-hooked'));
    expect(res.status).toBe(200);
    const hooks = await deliveriesOf(ctx, tenant.tenantId, 'event.created');
    const mine = hooks.filter((h) => h.message.data.externalReferenceId === 'evt-hooked');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.message).toMatchObject({ family: 'event', action: 'event.created', data: { id: res.body.data.id, shows: [{ showId: 'night-1' }, { showId: 'night-2' }] } });
    const audit = await auditOf(ctx, tenant.tenantId, 'event.created');
    expect(audit.some((a) => a.entity_id === res.body.data.id && a.entity_type === 'event')).toBe(true);
  });

  it('stores every optional part and converts money to minor units and back', async () => {
    const res = await call(ctx, tenant.apiKey, 'POST', '/v1/events', fullEvent('evt-full'));
    expect(res.status).toBe(200);
    const read = (await call(ctx, tenant.apiKey, 'GET', '/v1/events/evt-full')).body.data;
    expect(read).toMatchObject({
      location: { venueName: 'Palau', raw: 'Carrer 1, Barcelona', map: { googleMapsUrl: 'https://maps.google.com/?q=palau' } },
      configuration: { policy: 'OPTIONAL', instructions: 'Bring ID', hoursBeforeShow: 2, currency: 'EUR', defaultPurchaseIntentStrategyId: 'strat-1' },
      producers: [{ name: 'Live Nation', taxId: 'B123', email: 'ops@example.com' }],
      seating: { mapImageUrl: 'https://maps.example/seats.png', zones: [{ zoneId: 'z1', name: 'Floor', ticketOptionIds: ['ga'] }] },
    });
    expect(read.shows.map((s: { showId: string }) => s.showId)).toEqual(['night-1', 'night-2']);
    expect(read.shows[0]).toMatchObject({
      title: 'Night 1',
      endDate: '2027-07-02T02:00:00+02:00',
      primarySalesUrl: 'https://tickets.example/n1',
      images: [{ url: 'https://img.example/n1.jpg', kind: 'banner' }],
      ticketOptions: [
        { ticketId: 'ga', price: 45.5, zoneId: 'z1', description: 'Standing', capacity: 1000 },
        { ticketId: 'vip', price: 120, capacity: null },
      ],
      priceTypes: [{ priceTypeId: 'adult', price: null }, { priceTypeId: 'child', price: 20 }],
      combinations: [{ ticketOptionId: 'vip', priceTypeId: 'child', price: 99.99 }],
    });
    const combo = await ctx.deps.db.selectFrom('price_combinations').selectAll().where('tenant_id', '=', tenant.tenantId).executeTakeFirstOrThrow();
    expect(combo.price_minor).toBe(9999);
  });

  it('accepts `shows` as a single object, and defaults the currency to the tenant currency', async () => {
    const body = clone(DEMO_EVENT) as Record<string, Dyn>;
    body.externalReferenceId = 'single-object';
    body.shows = body.shows[0];
    delete body.configuration.currency;
    const res = await call(ctx, tenant.apiKey, 'POST', '/v1/events', body);
    expect(res.status).toBe(200);
    expect(res.body.data.shows).toHaveLength(1);
    expect(res.body.data.configuration.currency).toBe('EUR');
  });

  it('leaves optional what the reference leaves optional: every location member, configuration.policy (default NONE)', async () => {
    const res = await call(ctx, tenant.apiKey, 'POST', '/v1/events', {
      externalReferenceId: 'bare',
      title: 'Bare',
      description: 'Only what the reference requires',
      location: {},
      configuration: {},
      shows: { showId: 's1', date: '2027-06-01T21:00:00+02:00', ticketOptions: [{ ticketId: 'ga', title: 'GA', price: 10 }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ location: {}, configuration: { policy: 'NONE', currency: 'EUR' }, producers: [], seating: null });
    expect((await call(ctx, tenant.apiKey, 'GET', '/v1/events/bare')).body.data).toEqual(res.body.data);
    const partial = await call(ctx, tenant.apiKey, 'POST', '/v1/events', {
      ...clone(DEMO_EVENT),
      externalReferenceId: 'no-venue',
      location: { city: 'Madrid' },
      configuration: { instructions: 'Bring ID' },
    });
    expect(partial.status).toBe(200);
    expect(partial.body.data).toMatchObject({ location: { city: 'Madrid' }, configuration: { policy: 'NONE', instructions: 'Bring ID' } });
    expect(partial.body.data.location.venueName).toBeUndefined();
  });

  it('takes the currency from the ticket options when the configuration has none (SPEC §2), and fixes it', async () => {
    // The reference's examples put the currency only on the ticket options; the tenant's is EUR.
    const body = clone(DEMO_EVENT) as Record<string, Dyn>;
    body.externalReferenceId = 'in-ars';
    delete body.configuration.currency;
    body.shows = [
      { showId: 'a', date: '2027-06-01T21:00:00-03:00', ticketOptions: [{ ticketId: 'ga', title: 'GA', price: 15000.5, currency: 'ARS' }, { ticketId: 'vip', title: 'VIP', price: 30000 }] },
      { showId: 'b', date: '2027-06-02T21:00:00-03:00', ticketOptions: [{ ticketId: 'ga', title: 'GA', price: 15000, currency: 'ARS' }] },
    ];
    const res = await call(ctx, tenant.apiKey, 'POST', '/v1/events', body);
    expect(res.status).toBe(200);
    expect(res.body.data.configuration.currency).toBe('ARS');
    expect(res.body.data.shows[0].ticketOptions.map((o: { price: number; currency: string }) => [o.price, o.currency])).toEqual([[15000.5, 'ARS'], [30000, 'ARS']]);
    const row = await ctx.deps.db.selectFrom('events').select('currency').where('tenant_id', '=', tenant.tenantId).where('external_reference_id', '=', 'in-ars').executeTakeFirstOrThrow();
    expect(row.currency).toBe('ARS');

    // Fixed once the event exists: a PUT whose options carry another currency is refused, naming the option.
    const put = await call(ctx, tenant.apiKey, 'PUT', '/v1/events', {
      externalReferenceId: 'in-ars',
      shows: [{ showId: 'a', date: '2027-06-01T21:00:00-03:00', ticketOptions: [{ ticketId: 'ga', title: 'GA', price: 10, currency: 'USD' }, { ticketId: 'vip', title: 'VIP', price: 20 }] }],
    });
    expect(put.status).toBe(400);
    expect(put.body.errors![0]).toMatchObject({ code: 'INVALID_CURRENCY', field: 'shows[0].ticketOptions[0].currency' });
  });

  it('refuses ticket options that disagree on the currency, naming the first that differs', async () => {
    const body = clone(DEMO_EVENT) as Record<string, Dyn>;
    body.externalReferenceId = 'mixed';
    delete body.configuration.currency;
    body.shows = [
      { showId: 'a', date: '2027-06-01T21:00:00Z', ticketOptions: [{ ticketId: 'ga', title: 'GA', price: 10 }, { ticketId: 'vip', title: 'VIP', price: 20, currency: 'USD' }] },
      { showId: 'b', date: '2027-06-02T21:00:00Z', ticketOptions: [{ ticketId: 'ga', title: 'GA', price: 10, currency: 'USD' }, { ticketId: 'vip', title: 'VIP', price: 20, currency: 'GBP' }, { ticketId: 'x', title: 'X', price: 1, currency: 'EUR' }] },
    ];
    const res = await call(ctx, tenant.apiKey, 'POST', '/v1/events', body);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]).toMatchObject({ code: 'INVALID_CURRENCY', field: 'shows[1].ticketOptions[1].currency' });
    expect(res.body.errors![0]!.message).toContain('USD');

    // A configuration currency wins, and then every option must agree with it.
    body.configuration.currency = 'EUR';
    const conf = await call(ctx, tenant.apiKey, 'POST', '/v1/events', body);
    expect(conf.status).toBe(400);
    expect(conf.body.errors![0]).toMatchObject({ code: 'INVALID_CURRENCY', field: 'shows[0].ticketOptions[1].currency' });

    // Not a currency at all: named where it was given.
    body.configuration = {};
    body.shows = [{ showId: 'a', date: '2027-06-01T21:00:00Z', ticketOptions: [{ ticketId: 'ga', title: 'GA', price: 10, currency: 'usd' }] }];
    const bad = await call(ctx, tenant.apiKey, 'POST', '/v1/events', body);
    expect(bad.status).toBe(400);
    expect(bad.body.errors![0]).toMatchObject({ code: 'INVALID_CURRENCY', field: 'shows[0].ticketOptions[0].currency' });
    expect(await ctx.deps.db.selectFrom('events').select('id').where('external_reference_id', '=', 'mixed').execute()).toEqual([]);
  });

  it('uses the currency minor units (JPY has none)', async () => {
    const body = clone(DEMO_EVENT) as Record<string, Dyn>;
    body.externalReferenceId = 'yen';
    body.configuration.currency = 'JPY';
    body.shows[0].ticketOptions[0].price = 3500;
    const res = await call(ctx, tenant.apiKey, 'POST', '/v1/events', body);
    expect(res.status).toBe(200);
    const row = await ctx.deps.db.selectFrom('ticket_options').select('price_minor').where('tenant_id', '=', tenant.tenantId).where('currency', '=', 'JPY').executeTakeFirstOrThrow();
    expect(row.price_minor).toBe(3500);
    body.externalReferenceId = 'yen-decimals';
    body.shows[0].ticketOptions[0].price = 35.5;
    const bad = await call(ctx, tenant.apiKey, 'POST', '/v1/events', body);
    expect(bad.status).toBe(400);
    expect(bad.body.errors![0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'shows[0].ticketOptions[0].price' });
  });

  it('409s EVENT_EXISTS for an existing externalReferenceId, also when two creates race', async () => {
    const dup = await call(ctx, tenant.apiKey, 'POST', '/v1/events', DEMO_EVENT);
    expect(dup.status).toBe(409);
    expect(dup.body.errors![0]).toMatchObject({ code: 'EVENT_EXISTS', field: 'externalReferenceId' });

    const body = { ...clone(DEMO_EVENT), externalReferenceId: 'race' };
    const results = await Promise.all(Array.from({ length: 5 }, () => call(ctx, tenant.apiKey, 'POST', '/v1/events', body)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const count = await ctx.deps.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenant.tenantId).where('external_reference_id', '=', 'race').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('lets another tenant reuse the same externalReferenceId', async () => {
    const other = await ctx.createTenant('other');
    const res = await call(ctx, other.apiKey, 'POST', '/v1/events', DEMO_EVENT);
    expect(res.status).toBe(200);
  });

  it('401s without a key and with a wrong key', async () => {
    expect((await call(ctx, undefined, 'POST', '/v1/events', DEMO_EVENT)).status).toBe(401);
    const wrong = await call(ctx, 'enc_sk_wrong', 'POST', '/v1/events', DEMO_EVENT);
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors![0]!.code).toBe('UNAUTHORIZED');
  });
});
