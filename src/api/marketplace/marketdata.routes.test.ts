import { beforeAll, describe, expect, it } from 'vitest';
import { errorOf, ignoredFieldsOf } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { call } from '../../modules/events/events.fixtures.js';
import { createPiEvents, createStrategy, pi } from '../../modules/purchase-intents/intents.fixtures.js';

/** Inventory (issue 11, item 3; SPEC §6): PUT …/inventory, PUT …/inventory/details and the GET extension. */
describe('market data: inventory', () => {
  const ctx = useContext();
  let key: string;
  let otherKey: string;
  const inventory = (event: string, query = '') => `/v1/marketdata/events/${event}/inventory${query}`;

  beforeAll(async () => {
    ({ apiKey: key } = await ctx.createTenant('inventory'));
    ({ apiKey: otherKey } = await ctx.createTenant('other'));
    await createPiEvents(ctx, key);
    await createPiEvents(ctx, otherKey);
  });

  it('stores a one-show event’s inventory (the reference example), keeps what a later PUT leaves out, and answers it back', async () => {
    const put = await call(ctx, key, 'PUT', inventory('gig'), { capacity: 5000, releasedTickets: 5000, reservedSpace: 100, soldOut: false, soldPercentage: 75 });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.data).toMatchObject({ externalReferenceId: 'gig', showId: 'main', ticketOptionId: null, priceTypeId: null, capacity: 5000, releasedTickets: 5000, reservedSpace: 100, soldOut: false, soldPercentage: 75 });

    const partial = await call(ctx, key, 'PUT', inventory('gig'), { soldPercentage: 92.5, soldOut: null, extra: 1 });
    expect(partial.body.data).toMatchObject({ capacity: 5000, releasedTickets: 5000, reservedSpace: 100, soldOut: false, soldPercentage: 92.5 });
    expect(ignoredFieldsOf(partial)).toEqual(['extra']);

    const got = await call(ctx, key, 'GET', inventory('gig'));
    expect(got.body.data).toMatchObject({ externalReferenceId: 'gig', shows: [{ showId: 'main', inventory: { capacity: 5000, soldPercentage: 92.5 }, details: [] }] });
  });

  it('a multi-show event needs showId (400 naming it); an unknown show or event is 404', async () => {
    expect(errorOf(await call(ctx, key, 'PUT', inventory('duo'), { capacity: 10 }))).toMatchObject({ code: 'SHOW_ID_REQUIRED', field: 'showId' });
    expect(errorOf(await call(ctx, key, 'PUT', inventory('duo', '?showId=nope'), { capacity: 10 }))).toMatchObject({ code: 'SHOW_NOT_FOUND', field: 'showId' });
    const missing = await call(ctx, key, 'PUT', inventory('no-such-event'), { capacity: 10 });
    expect(missing.status).toBe(404);
    expect(errorOf(missing)).toMatchObject({ code: 'EVENT_NOT_FOUND' });
    const ok = await call(ctx, key, 'PUT', inventory('duo', '?showId=d2'), { capacity: 10 });
    expect(ok.body.data).toMatchObject({ showId: 'd2', capacity: 10 });
    expect((await call(ctx, key, 'GET', inventory('duo'))).body.data.shows).toMatchObject([{ showId: 'd1', inventory: null }, { showId: 'd2', inventory: { capacity: 10 } }]);
  });

  it('bad numbers are 400 naming the field, and nothing is written', async () => {
    await call(ctx, key, 'PUT', inventory('duo', '?showId=d1'), { capacity: 100, releasedTickets: 50 });
    const cases: [Record<string, unknown>, string][] = [
      [{ capacity: -1 }, 'capacity'],
      [{ soldPercentage: 101 }, 'soldPercentage'],
      [{ reservedSpace: 'many' }, 'reservedSpace'],
      [{ releasedTickets: 150 }, 'releasedTickets'], // above the stored capacity
      [{ capacity: 40 }, 'releasedTickets'], // the stored releasedTickets would be above it
    ];
    for (const [body, field] of cases) {
      const res = await call(ctx, key, 'PUT', inventory('duo', '?showId=d1'), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(res), JSON.stringify(body)).toMatchObject({ code: 'VALIDATION_ERROR', field });
    }
    expect((await call(ctx, key, 'GET', inventory('duo', '?showId=d1'))).body.data.shows[0].inventory).toMatchObject({ capacity: 100, releasedTickets: 50 });
  });

  it('details: per show, ticket option and price type, all or none; a bare array is accepted too', async () => {
    const res = await call(ctx, key, 'PUT', `${inventory('duo')}/details`, {
      items: [
        { showId: 'd1', ticketOptionId: 'ga', capacity: 3, releasedTickets: 3 },
        { showId: 'd2', ticketOptionId: 'vip', soldOut: true, soldPercentage: 100 },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ externalReferenceId: 'duo', items: [{ showId: 'd1', ticketOptionId: 'ga', priceTypeId: null, capacity: 3 }, { showId: 'd2', ticketOptionId: 'vip', soldOut: true }] });

    const bare = await call(ctx, key, 'PUT', `${inventory('gig')}/details`, [{ ticketOptionId: 'vip', capacity: 7 }]);
    expect(bare.body.data.items).toMatchObject([{ showId: 'main', ticketOptionId: 'vip', capacity: 7 }]);

    const refused: [unknown, string][] = [
      [{ items: [{ showId: 'd1', ticketOptionId: 'ga', capacity: 9 }, { showId: 'd1', ticketOptionId: 'nope', capacity: 1 }] }, 'items[1].ticketOptionId'],
      [{ items: [{ showId: 'd1', ticketOptionId: 'ga', capacity: 9 }, { showId: 'd1', ticketOptionId: 'ga', capacity: 8 }] }, 'items[1]'],
      [{ items: [{ ticketOptionId: 'ga', capacity: 9 }] }, 'items[0].showId'],
      [{ items: [{ showId: 'd1', ticketOptionId: 'ga', capacity: 9, reservedSpace: 10 }] }, 'items[0].reservedSpace'],
      [{ items: [{ showId: 'd1', priceTypeId: 'nope' }] }, 'items[0].priceTypeId'],
      [{ items: [] }, 'items'],
    ];
    for (const [body, field] of refused) {
      const r = await call(ctx, key, 'PUT', `${inventory('duo')}/details`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(r), JSON.stringify(body)).toMatchObject({ field });
    }
    // None of the refused calls wrote anything: d1/ga still has capacity 3.
    const got = await call(ctx, key, 'GET', inventory('duo', '?showId=d1'));
    expect(got.body.data.shows[0].details).toMatchObject([{ ticketOptionId: 'ga', capacity: 3, releasedTickets: 3 }]);
  });

  it('another integrator’s event is 404 and never its data; no key is 401', async () => {
    await call(ctx, otherKey, 'PUT', inventory('gig'), { capacity: 1 });
    // Each tenant sees its own event of the same reference.
    expect((await call(ctx, key, 'GET', inventory('gig'))).body.data.shows[0].inventory.capacity).toBe(5000);
    expect((await call(ctx, otherKey, 'GET', inventory('gig'))).body.data.shows[0].inventory.capacity).toBe(1);
    const stranger = await ctx.createTenant('stranger');
    expect((await call(ctx, stranger.apiKey, 'GET', inventory('gig'))).status).toBe(404);
    expect((await call(ctx, stranger.apiKey, 'PUT', inventory('gig'), { capacity: 1 })).status).toBe(404);
    expect((await call(ctx, undefined, 'PUT', inventory('gig'), { capacity: 1 })).status).toBe(401);
  });

  it('purchase intents check a ticket option against its reported capacity', async () => {
    const strategyId = await createStrategy(ctx, key);
    const create = (amount: number) => pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: 'gig', strategyId, tickets: [{ ticketTypeId: 'ga', amount, price: 30 }] });
    // The catalogue says 5 for ga; the integrator reports 2.
    await call(ctx, key, 'PUT', `${inventory('gig')}/details`, { items: [{ ticketOptionId: 'ga', capacity: 2 }] });
    const refused = await create(3);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/only 2 of ticket type ga left/);
    // Reported 8 now: more than the catalogue's 5 is allowed.
    await call(ctx, key, 'PUT', `${inventory('gig')}/details`, { items: [{ ticketOptionId: 'ga', capacity: 8 }] });
    expect((await create(7)).status).toBe(201);
    expect((await create(2)).body.message).toMatch(/only 1 of ticket type ga left/);
  });
});
