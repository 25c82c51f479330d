import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { buyOk, call, listSingles, MINUTE, newSeller, pay } from '../../modules/orders/orders.fixtures.js';

/** Market depth (issue 11, item 6; SPEC §6): GET /v1/marketdata/events/:ref/depth, from real listings, sales and leads. */
describe('GET /v1/marketdata/events/:externalReferenceId/depth', () => {
  const ctx = useContext({ clock: 'manual' });

  it('per ticket option: asks a buyer can take now, holds, face value, sales in the last 24 h, median time to sell, waiting fans', async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    const s = await newSeller(ctx, 'depth');
    const [sold] = await listSingles(ctx, s, ['DP-1'], 30);
    const [held] = await listSingles(ctx, s, ['DP-2'], 32);
    await listSingles(ctx, s, ['DP-3'], 33);
    ctx.clock!.advance(30 * MINUTE);
    const bought = await buyOk(ctx, s.key, [sold!], 'one@x.example');
    expect((await pay(ctx, bought.intention.intentionId as string, bought.secret)).body.data.order.status).toBe('COMPLETED');
    await buyOk(ctx, s.key, [held!], 'two@x.example');
    for (const [email, option] of [['w1@x.example', 'ga'], ['w2@x.example', 'ga'], ['w3@x.example', undefined], ['w4@x.example', 'vip']] as const) {
      const lead = await call(ctx, s.key, 'POST', '/v1/marketdata/users', { type: 'WISHLIST', externalReferenceEventId: 'solo', buyer: { email }, ...(option ? { ticketOptionId: option } : {}) });
      expect(lead.status, JSON.stringify(lead.body)).toBe(200);
    }

    const now = await call(ctx, s.key, 'GET', '/v1/marketdata/events/solo/depth');
    expect(now.status, JSON.stringify(now.body)).toBe(200);
    expect(now.body.data).toMatchObject({
      externalReferenceId: 'solo',
      currency: 'EUR',
      shows: [
        {
          showId: 'main',
          options: [
            { ticketOptionId: 'ga', faceValue: 30, listings: 1, tickets: 1, held: 1, minAsk: 33, medianAsk: 33, maxAsk: 33, soldLast24h: 1, medianMinutesToSell: 30, wishlistLeads: 3 },
            { ticketOptionId: 'vip', faceValue: 90, listings: 0, tickets: 0, held: 0, minAsk: null, medianAsk: null, maxAsk: null, soldLast24h: 0, medianMinutesToSell: null, wishlistLeads: 2 },
          ],
        },
      ],
    });

    // A day later: the sale has left the 24-hour window, and the lapsed hold is an ask again.
    ctx.clock!.advance(25 * 60 * MINUTE);
    const later = await call(ctx, s.key, 'GET', '/v1/marketdata/events/solo/depth?showId=main');
    expect(later.body.data.shows[0].options[0]).toMatchObject({ listings: 2, held: 0, minAsk: 32, medianAsk: 32.5, maxAsk: 33, soldLast24h: 0, medianMinutesToSell: 30 });
  });

  it('an unknown show or event is 404 naming it; another integrator’s event is 404 and no key is 401', async () => {
    const s = await newSeller(ctx, 'depth-404');
    expect(errorOf(await call(ctx, s.key, 'GET', '/v1/marketdata/events/solo/depth?showId=nope'))).toMatchObject({ code: 'SHOW_NOT_FOUND', field: 'showId' });
    expect(errorOf(await call(ctx, s.key, 'GET', '/v1/marketdata/events/nope/depth'))).toMatchObject({ code: 'EVENT_NOT_FOUND' });
    const stranger = await ctx.createTenant('stranger');
    expect((await call(ctx, stranger.apiKey, 'GET', '/v1/marketdata/events/solo/depth')).status).toBe(404);
    expect((await call(ctx, undefined, 'GET', '/v1/marketdata/events/solo/depth')).status).toBe(401);
    // Two shows, none named: every show is answered.
    expect((await call(ctx, s.key, 'GET', '/v1/marketdata/events/duo/depth')).body.data.shows.map((x: { showId: string }) => x.showId)).toEqual(['d1', 'd2']);
  });
});
