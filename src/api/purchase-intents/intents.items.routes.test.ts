import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { createStrategy, pi } from '../../modules/purchase-intents/intents.fixtures.js';
import { expireDueIntents } from '../../modules/purchase-intents/intents.service.js';
import { intentHelpers, openIntentWorld, T0 } from './intents.changes.fixtures.js';

describe('purchase intents: cart changes (split, items, seats)', () => {
  const ctx = useContext({ clock: 'manual' });
  let key: string;
  let tenantId: string;
  let otherKey: string;
  let gigShow: string;
  let duoShows: string[];
  let checked: string;
  let withTickets: string;
  const { conforms, create, url, pick, deliveries } = intentHelpers(ctx, () => key, () => tenantId);

  beforeAll(async () => {
    ({ key, tenantId, otherKey, gigShow, duoShows, checked, withTickets } = await openIntentWorld(ctx));
  });

  describe('POST /api/purchaseintents/:id/split', () => {
    it('moves items to a new intent for another customer; both re-priced, history on both', async () => {
      const x = await create({
        customerId: 'cus-a',
        tickets: [
          { ticketTypeId: 'ga', amount: 3, price: 25 },
          { ticketTypeId: 'vip', amount: 1, price: 80 },
        ],
      });
      const gaItem = x.tickets[0]._id as string;
      ctx.clock!.advance(60_000);
      const res = await pi(ctx, key, 'POST', url(x._id, 'split'), { customerId: 'cus-b', tickets: [{ _id: gaItem, ticketTypeId: 'ga', amount: 2 }] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      conforms(res.body);
      const n = res.body;
      expect(n._id).not.toBe(x._id);
      expect(n).toMatchObject({ status: 'new', customerId: 'cus-b', eventId: 'gig', realPrice: 50, regularPrice: 60, __v: 0 });
      expect(n.tickets).toEqual([expect.objectContaining({ ticketTypeId: 'ga', amount: 2, price: 25 })]);
      expect(n.history).toEqual([expect.objectContaining({ type: 'purchaseIntent.created', data: expect.objectContaining({ splitFrom: x._id }) })]);
      const src = (await pi(ctx, key, 'GET', `/api/purchaseintents/${x._id}`)).body;
      expect(src).toMatchObject({ customerId: 'cus-a', realPrice: 105, regularPrice: 120, __v: 1, updatedAt: '2027-05-01T10:01:00.000Z' });
      expect(pick(src.tickets, '_id', 'ticketTypeId', 'amount')).toEqual([[gaItem, 'ga', 1], [x.tickets[1]._id, 'vip', 1]]);
      expect(src.history.at(-1)).toMatchObject({ type: 'purchaseIntent.updated', data: { splitInto: n._id, customerId: 'cus-b' } });
      const lines = await ctx.deps.db.selectFrom('purchase_intent_lines').select(['intent_id', 'ticket_option_id', 'amount']).where('intent_id', 'in', [x._id, n._id]).orderBy('intent_id').orderBy('ticket_option_id').execute();
      expect(lines).toEqual(
        [
          { intent_id: x._id as string, ticket_option_id: 'ga', amount: 1 },
          { intent_id: x._id as string, ticket_option_id: 'vip', amount: 1 },
          { intent_id: n._id as string, ticket_option_id: 'ga', amount: 2 },
        ].sort((a, b) => a.intent_id.localeCompare(b.intent_id)),
      );
      expect((await deliveries(n._id)).map((d) => d.type)).toEqual(['purchaseIntent.created']);
      expect((await deliveries(x._id)).map((d) => d.type)).toEqual(['purchaseIntent.created', 'purchaseIntent.updated']);
      ctx.clock!.set(T0);
    });

    it('refuses bad input, moving everything, issued tickets, closed intents; 401 / 404', async () => {
      const x = await create({ tickets: [{ ticketTypeId: 'ga', amount: 2, price: 25 }] });
      const noCustomer = await pi(ctx, key, 'POST', url(x._id, 'split'), { tickets: [{ ticketTypeId: 'ga', amount: 1 }] });
      expect(noCustomer.status).toBe(400);
      expect(noCustomer.body.message).toMatch(/customerId/);
      const tooMany = await pi(ctx, key, 'POST', url(x._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'ga', amount: 3 }] });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.message).toMatch(/tickets\[0\]\.amount: only 2 left/);
      const unknown = await pi(ctx, key, 'POST', url(x._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'vip', amount: 1 }] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toMatch(/tickets\[0\]/);
      const all = await pi(ctx, key, 'POST', url(x._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'ga', amount: 2 }] });
      expect(all.status).toBe(400);
      expect(all.body.message).toMatch(/at least one ticket/);
      expect((await pi(ctx, undefined, 'POST', url(x._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'ga', amount: 1 }] })).status).toBe(401);
      expect((await pi(ctx, otherKey, 'POST', url(x._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'ga', amount: 1 }] })).status).toBe(404);

      const issued = await create({ eventId: duoShows[0], strategyId: withTickets, tickets: [{ ticketTypeId: 'vip', amount: 2, price: 80 }] });
      const refused = await pi(ctx, key, 'POST', url(issued._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'vip', amount: 1 }] });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/has issued tickets/);

      await ctx.deps.db.updateTable('purchase_intents').set({ status: 'complete' }).where('id', '=', x._id).execute();
      const done = await pi(ctx, key, 'POST', url(x._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'ga', amount: 1 }] });
      expect(done.status).toBe(400);
      expect(done.body.message).toMatch(/cannot split: purchase intent .* is complete/);
      expect((await pi(ctx, key, 'GET', `/api/purchaseintents/${x._id}`)).body.__v).toBe(0);
    });
  });

  describe('PUT /api/purchaseintents/:id/items', () => {
    it('replaces the cart, re-prices it and re-checks availability under the locks', async () => {
      // A show of its own: ga 30 EUR capacity 5, vip 90 EUR unlimited.
      const ev = await ctx.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: key },
        payload: {
          title: 'Solo',
          description: 'Live',
          externalReferenceId: 'solo',
          location: { venueName: 'Sala', city: 'Madrid', country: 'ES', timeZone: 'Europe/Madrid' },
          configuration: { policy: 'NONE', currency: 'EUR' },
          shows: [{ showId: 'solo-1', date: '2027-06-01T21:00:00+02:00', ticketOptions: [{ ticketId: 'ga', title: 'General', price: 30, capacity: 5 }, { ticketId: 'vip', title: 'VIP', price: 90 }] }],
        },
      });
      expect(ev.statusCode, ev.body).toBe(200);
      const a = await create({ eventId: 'solo', strategyId: checked, tickets: [{ ticketTypeId: 'ga', amount: 3, price: 30 }] });
      await create({ eventId: 'solo', strategyId: checked, tickets: [{ ticketTypeId: 'ga', amount: 2, price: 30 }] });
      // 5 − 2 held by the other intent = 3 for a (its own 3 are not counted against itself).
      const tooMany = await pi(ctx, key, 'PUT', url(a._id, 'items'), { tickets: [{ ticketTypeId: 'ga', amount: 4 }] });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.message).toMatch(/tickets\[0\]\.amount: only 3 of ticket type ga left; the cart asks for 4/);
      ctx.clock!.advance(60_000);
      const res = await pi(ctx, key, 'PUT', url(a._id, 'items'), {
        tickets: [
          { _id: a.tickets[0]._id, ticketTypeId: 'ga', amount: 3 },
          { ticketTypeId: 'vip', amount: 1 },
        ],
        products: [{ type: 'product', amount: 2, productVariantId: 'pv-1', price: 5 }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      conforms(res.body);
      expect(res.body).toMatchObject({ realPrice: 190, regularPrice: 190, __v: 1, updatedAt: '2027-05-01T10:01:00.000Z' });
      expect(pick(res.body.tickets, 'ticketTypeId', 'amount', 'price')).toEqual([['ga', 3, 30], ['vip', 1, 90]]);
      expect(res.body.tickets[0]._id).toBe(a.tickets[0]._id);
      expect(res.body.products).toEqual([expect.objectContaining({ productVariantId: 'pv-1', amount: 2, price: 5 })]);
      expect(res.body.history.at(-1)).toMatchObject({ type: 'purchaseIntent.updated', data: { items: 'replaced', realPrice: { from: 90, to: 190 } } });
      const lines = await ctx.deps.db.selectFrom('purchase_intent_lines').select(['ticket_option_id', 'amount']).where('intent_id', '=', a._id).orderBy('ticket_option_id').execute();
      expect(lines).toEqual([{ ticket_option_id: 'ga', amount: 3 }, { ticket_option_id: 'vip', amount: 1 }]);
      // Capacity is now full: nobody else gets a ga place.
      const late = await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: 'solo', strategyId: checked, tickets: [{ ticketTypeId: 'ga', amount: 1, price: 30 }] });
      expect(late.status).toBe(400);
      // Shrinking gives a place back.
      expect((await pi(ctx, key, 'PUT', url(a._id, 'items'), { tickets: [{ ticketTypeId: 'ga', amount: 2 }] })).status).toBe(200);
      expect((await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: 'solo', strategyId: checked, tickets: [{ ticketTypeId: 'ga', amount: 1, price: 30 }] })).status).toBe(201);
      ctx.clock!.set(T0);
    });

    it('refuses bad input naming the field, closed intents with the reason, issued tickets; 401 / 404', async () => {
      const x = await create({ eventId: duoShows[0] });
      const zero = await pi(ctx, key, 'PUT', url(x._id, 'items'), { tickets: [{ ticketTypeId: 'vip', amount: 0 }] });
      expect(zero.status).toBe(400);
      expect(zero.body.message).toMatch(/amount/);
      const unknown = await pi(ctx, key, 'PUT', url(x._id, 'items'), { tickets: [{ ticketTypeId: 'nope', amount: 1 }] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toMatch(/tickets\[0\]\.ticketTypeId/);
      const empty = await pi(ctx, key, 'PUT', url(x._id, 'items'), { tickets: [] });
      expect(empty.status).toBe(400);
      expect(empty.body.message).toMatch(/tickets/);
      expect((await pi(ctx, undefined, 'PUT', url(x._id, 'items'), { tickets: [{ ticketTypeId: 'vip', amount: 1 }] })).status).toBe(401);
      expect((await pi(ctx, otherKey, 'PUT', url(x._id, 'items'), { tickets: [{ ticketTypeId: 'vip', amount: 1 }] })).status).toBe(404);
      await pi(ctx, key, 'POST', url(x._id, 'cancel'));
      const dead = await pi(ctx, key, 'PUT', url(x._id, 'items'), { tickets: [{ ticketTypeId: 'vip', amount: 1 }] });
      expect(dead.status).toBe(400);
      expect(dead.body.message).toMatch(/cannot replace the items: purchase intent .* is canceled/);
      const issued = await create({ eventId: duoShows[0], strategyId: withTickets, tickets: [{ ticketTypeId: 'vip', amount: 1, price: 80 }] });
      const refused = await pi(ctx, key, 'PUT', url(issued._id, 'items'), { tickets: [{ ticketTypeId: 'vip', amount: 2 }] });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/has issued tickets/);
    });
  });

  describe('PATCH /api/purchaseintents/:id/items ($invalidateTicketRanges)', () => {
    it('invalidates ranges of issued tickets, shrinks the cart and frees the places', async () => {
      const x = await create({ eventId: duoShows[0], strategyId: withTickets, tickets: [{ ticketTypeId: 'ga', amount: 4, price: 28 }] });
      const res = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[0, 1], [3, 3]] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      conforms(res.body);
      expect(res.body).toMatchObject({ realPrice: 28, regularPrice: 30, __v: 1 });
      expect(pick(res.body.tickets, 'amount')).toEqual([[1]]);
      expect(res.body.history.at(-1)).toMatchObject({ type: 'purchaseIntent.updated', data: { invalidatedTickets: [`${x._id}-1`, `${x._id}-2`, `${x._id}-4`] } });
      const rows = await ctx.deps.db.selectFrom('tickets').select(['ticket_id', 'status']).where('order_id', '=', x._id).orderBy('ticket_id').execute();
      expect(rows.map((r) => r.status)).toEqual(['INVALID', 'INVALID', 'RESERVED', 'INVALID']);
      expect((await deliveries(x._id)).map((d) => d.type)).toEqual(['purchaseIntent.created', 'purchaseIntent.updated']);
      expect((await deliveries(x._id))[1]!.body.data.purchaseIntent).toEqual(res.body);
      // capacity 5 − 1 live ticket = 4.
      const more = await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: duoShows[0], strategyId: checked, tickets: [{ ticketTypeId: 'ga', amount: 5, price: 30 }] });
      expect(more.body.message).toMatch(/only 4 of ticket type ga left/);

      const again = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[1, 2]] });
      expect(again.status).toBe(400);
      expect(again.body.message).toMatch(/\$invalidateTicketRanges\[0\]: ticket .*-2 \(index 1\) is INVALID/);
      const out = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[2, 9]] });
      expect(out.status).toBe(400);
      expect(out.body.message).toMatch(/\$invalidateTicketRanges\[0\]: .* has 4 issued tickets/);
      const everything = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[2, 2]] });
      expect(everything.status).toBe(400);
      expect(everything.body.message).toMatch(/no ticket in the cart; cancel/);
      expect(await ctx.deps.db.selectFrom('tickets').select('status').where('ticket_id', '=', `${x._id}-3`).executeTakeFirstOrThrow()).toEqual({ status: 'RESERVED' });
    });

    it('refuses bad shapes, intents without tickets, closed intents; 401 / 404', async () => {
      const x = await create({ eventId: duoShows[0], strategyId: withTickets, tickets: [{ ticketTypeId: 'vip', amount: 2, price: 80 }] });
      const shape = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[1]] });
      expect(shape.status).toBe(400);
      expect(shape.body.message).toMatch(/invalidateTicketRanges/);
      const negative = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[-1, 0]] });
      expect(negative.status).toBe(400);
      const reversed = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[1, 0]] });
      expect(reversed.status).toBe(400);
      expect(reversed.body.message).toMatch(/\$invalidateTicketRanges\[0\]: from 1 is after to 0/);
      const none = await pi(ctx, key, 'PATCH', url(x._id, 'items'), {});
      expect(none.status).toBe(400);
      expect(none.body.message).toMatch(/\$invalidateTicketRanges/);
      expect((await pi(ctx, undefined, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[0, 0]] })).status).toBe(401);
      expect((await pi(ctx, otherKey, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[0, 0]] })).status).toBe(404);
      const plain = await create();
      const noTickets = await pi(ctx, key, 'PATCH', url(plain._id, 'items'), { $invalidateTicketRanges: [[0, 0]] });
      expect(noTickets.status).toBe(400);
      expect(noTickets.body.message).toMatch(/no issued tickets/);
      await pi(ctx, key, 'POST', url(x._id, 'cancel'));
      const dead = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[0, 0]] });
      expect(dead.status).toBe(400);
      expect(dead.body.message).toMatch(/is canceled/);
    });
  });

  describe('seats (seatingInfo _type 6)', () => {
    const seat = (id: string) => ({ _type: 6, _id: id, statusId: 'st', sectionName: 'A', rowName: '1', seatName: id });
    const seated = (eventId: string, seatId: string, extra: Record<string, unknown> = {}) =>
      pi(ctx, key, 'POST', '/api/purchaseintents', { eventId, tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90, seatingInfo: seat(seatId) }], ...extra });

    it('holds a seat once per show; released on cancel', async () => {
      const a = await seated(duoShows[0]!, 'S1');
      expect(a.status).toBe(201);
      const b = await seated(duoShows[0]!, 'S1');
      expect(b.status).toBe(400);
      expect(b.body.message).toMatch(/tickets\[0\]\.seatingInfo: seat S1 is already held by another purchase intent/);
      expect((await seated(duoShows[1]!, 'S1')).status).toBe(201);
      const twice = await pi(ctx, key, 'POST', '/api/purchaseintents', {
        eventId: duoShows[0],
        tickets: [
          { ticketTypeId: 'vip', amount: 1, price: 90, seatingInfo: seat('S2') },
          { ticketTypeId: 'vip', amount: 1, price: 90, seatingInfo: seat('S2') },
        ],
      });
      expect(twice.status).toBe(400);
      expect(twice.body.message).toMatch(/tickets\[1\]\.seatingInfo: seat S2 appears twice/);
      // General admission (_type 7) is never held.
      const ga = { ticketTypeId: 'vip', amount: 1, price: 90, seatingInfo: { _type: 7, _id: 'S1', statusId: 'st' } };
      expect((await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: duoShows[0], tickets: [ga] })).status).toBe(201);

      await pi(ctx, key, 'POST', url(a.body._id, 'cancel'));
      expect(await ctx.deps.db.selectFrom('purchase_intent_seats').select('seat_id').where('intent_id', '=', a.body._id).execute()).toEqual([]);
      expect((await seated(duoShows[0]!, 'S1')).status).toBe(201);
    });

    it('parallel intents for one seat: exactly one holds it', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => seated(duoShows[1]!, 'R1')));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 201)) {
        expect(r.status).toBe(400);
        expect(r.body.message).toMatch(/seat R1 is already held/);
      }
      expect(await ctx.deps.db.selectFrom('purchase_intent_seats').select('seat_id').where('seat_id', '=', 'R1').execute()).toHaveLength(1);
    });

    it('is released on expiry (at once, and by the job), by PUT items, and follows a split', async () => {
      const expiring = await createStrategy(ctx, key, { name: 'expiring-seat', expirationStrategy: { hoursAfterCreation: 1, hoursBeforeEvent: null, expiresAt: null } });
      const a = await seated(gigShow, 'E1', { strategyId: expiring });
      expect(a.status).toBe(201);
      expect((await seated(gigShow, 'E1')).status).toBe(400);
      ctx.clock!.advance(61 * 60_000);
      // Past expiresAt the seat is free even before the job runs.
      const b = await seated(gigShow, 'E1', { strategyId: expiring });
      expect(b.status).toBe(201);
      ctx.clock!.advance(61 * 60_000);
      expect(await expireDueIntents(ctx.deps)).toContain(b.body._id);
      expect(await ctx.deps.db.selectFrom('purchase_intent_seats').select('seat_id').where('seat_id', '=', 'E1').execute()).toEqual([]);
      ctx.clock!.set(T0);

      const c = await seated(gigShow, 'P1');
      expect((await pi(ctx, key, 'PUT', url(c.body._id, 'items'), { tickets: [{ ticketTypeId: 'vip', amount: 1, seatingInfo: seat('P2') }] })).status).toBe(200);
      expect((await seated(gigShow, 'P1')).status).toBe(201);
      expect((await seated(gigShow, 'P2')).status).toBe(400);

      const d = await pi(ctx, key, 'POST', '/api/purchaseintents', {
        eventId: gigShow,
        tickets: [
          { ticketTypeId: 'vip', amount: 1, price: 90, seatingInfo: seat('Q1') },
          { ticketTypeId: 'vip', amount: 1, price: 90, seatingInfo: seat('Q2') },
        ],
      });
      expect(d.status).toBe(201);
      const split = await pi(ctx, key, 'POST', url(d.body._id, 'split'), { customerId: 'c2', tickets: [{ ticketTypeId: 'vip', amount: 1, seatingInfo: seat('Q2') }] });
      expect(split.status, JSON.stringify(split.body)).toBe(200);
      const held = await ctx.deps.db.selectFrom('purchase_intent_seats').select(['seat_id', 'intent_id']).where('seat_id', 'in', ['Q1', 'Q2']).orderBy('seat_id').execute();
      expect(held).toEqual([{ seat_id: 'Q1', intent_id: d.body._id }, { seat_id: 'Q2', intent_id: split.body._id }]);
    });
  });
});
