import { beforeAll, describe, expect, it } from 'vitest';
import { errorOf, ignoredFieldsOf, type Dyn } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { call } from '../../modules/tickets/tickets.fixtures.js';
import { createPiEvents } from '../../modules/purchase-intents/intents.fixtures.js';

/** Ticket leads (issue 11, item 4; SPEC §6): POST /v1/marketdata/users (+ alias, bulk), list and erase. */
describe('market data: ticket leads', () => {
  const ctx = useContext();
  let key: string;
  let otherKey: string;
  const post = (body: unknown, path = '/v1/marketdata/users', k = key) => call(ctx, k, 'POST', path, body);

  beforeAll(async () => {
    ({ apiKey: key } = await ctx.createTenant('leads'));
    ({ apiKey: otherKey } = await ctx.createTenant('other'));
    await createPiEvents(ctx, key);
    await createPiEvents(ctx, otherKey);
  });

  it('stores each of the four types, with the Encore id, and the event’s currency when none is given', async () => {
    const holder = await post({ type: 'TICKET_HOLDER', externalReferenceEventId: 'gig', showId: 'main', ticketId: 't-9', price: 30, buyer: { email: 'Holder@Fans.example', firstName: 'Ana' }, ticketOptionId: 'ga', seating: { row: '4', seat: '12' }, tags: ['vip'] });
    expect(holder.status, JSON.stringify(holder.body)).toBe(200);
    expect(holder.body.data).toMatchObject({
      type: 'TICKET_HOLDER',
      externalReferenceEventId: 'gig',
      showId: 'main',
      ticketId: 't-9',
      price: 30,
      currency: 'EUR',
      buyer: { email: 'holder@fans.example', phone: null, id: null, firstName: 'Ana' },
      seating: { row: '4', seat: '12' },
      tags: ['vip'],
      history: [{ type: 'TICKET_HOLDER', from: null }],
    });
    expect(holder.body.data.id).toMatch(/^ld_/);
    for (const [type, buyer] of [['ABANDONED_CART', { phone: '+34 600-11 12 22' }], ['VIRTUAL_QUEUE', { id: 'crm-7' }], ['WISHLIST', { email: 'wish@fans.example' }]] as const) {
      // showId left out: the event has one show.
      const res = await post({ type, externalReferenceEventId: 'gig', buyer, price: 45 });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toMatchObject({ type, showId: 'main' });
    }
    expect((await call(ctx, key, 'GET', '/v1/marketdata/users?externalReferenceEventId=gig&limit=10')).body.data).toMatchObject({ total: 4 });
    expect((await call(ctx, key, 'GET', '/v1/marketdata/users?externalReferenceEventId=gig&type=ABANDONED_CART')).body.data.items).toMatchObject([{ buyer: { phone: '+34600111222' } }]);
  });

  it('the same fan sent again, by any identifier, is updated (the type change kept in history), never duplicated; the alias path is the same', async () => {
    const first = await post({ type: 'ABANDONED_CART', externalReferenceEventId: 'duo', showId: 'd1', buyer: { email: 'same@fans.example' } });
    const again = await post({ type: 'WISHLIST', externalReferenceEventId: 'duo', showId: 'd1', buyer: { email: 'SAME@fans.example', phone: '+34611222333' }, price: 50 }, '/v1/marketdata/ticket-leads');
    expect(again.body.data).toMatchObject({ id: first.body.data.id, type: 'WISHLIST', price: 50, buyer: { email: 'same@fans.example', phone: '+34611222333' } });
    expect((again.body.data.history as { from: string | null; type: string }[]).map((h) => [h.from, h.type])).toEqual([[null, 'ABANDONED_CART'], ['ABANDONED_CART', 'WISHLIST']]);
    // Found by the phone alone now; a field left out keeps its value.
    const byPhone = await post({ type: 'WISHLIST', externalReferenceEventId: 'duo', showId: 'd1', buyer: { phone: '+34 611 222 333' } });
    expect(byPhone.body.data).toMatchObject({ id: first.body.data.id, price: 50, history: [{}, {}] });
    // Another show is another lead.
    const other = await post({ type: 'WISHLIST', externalReferenceEventId: 'duo', showId: 'd2', buyer: { email: 'same@fans.example' } });
    expect(other.body.data.id).not.toBe(first.body.data.id);
  });

  it('ten parallel creates of one new fan make one lead', async () => {
    const replies = await Promise.all(Array.from({ length: 10 }, () => post({ type: 'WISHLIST', externalReferenceEventId: 'duo', showId: 'd2', buyer: { email: 'race@fans.example' } })));
    for (const r of replies) expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(new Set(replies.map((r) => String(r.body.data.id))).size).toBe(1);
  });

  it('bad input is 400 naming the field; an unknown event is 404; unknown fields are ignored and named', async () => {
    const base = { type: 'WISHLIST', externalReferenceEventId: 'gig', buyer: { email: 'x@fans.example' } };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, buyer: { firstName: 'No id' } }, 'buyer'],
      [{ ...base, buyer: { phone: '600 11 12' } }, 'buyer.phone'],
      [{ ...base, buyer: { email: 'not-an-email' } }, 'buyer.email'],
      [{ ...base, type: 'FAN' }, 'type'],
      [{ ...base, type: 'TICKET_HOLDER', price: 10 }, 'ticketId'],
      [{ ...base, type: 'TICKET_HOLDER', ticketId: 't-1' }, 'price'],
      [{ ...base, ticketOptionId: 'nope' }, 'ticketOptionId'],
      [{ ...base, price: -1 }, 'price'],
      [{ ...base, externalReferenceEventId: 'duo' }, 'showId'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(res), JSON.stringify(body)).toMatchObject({ field });
    }
    expect((await post({ ...base, externalReferenceEventId: 'nope' })).status).toBe(404);
    const extra = await post({ ...base, somethingNew: true, buyer: { email: 'x@fans.example', loyalty: 3 } });
    expect(extra.status).toBe(200);
    expect(ignoredFieldsOf(extra).sort()).toEqual(['buyer.loyalty', 'somethingNew']);
  });

  it('bulk: each lead on its own, answered per index; more than 1,000 is 400', async () => {
    const res = await post(
      [
        { type: 'VIRTUAL_QUEUE', externalReferenceEventId: 'gig', buyer: { id: 'q-1' } },
        { type: 'TICKET_HOLDER', externalReferenceEventId: 'gig', buyer: { id: 'q-2' } },
        { type: 'ABANDONED_CART', externalReferenceEventId: 'gig', buyer: { id: 'q-1' }, purchaseDate: '2026-11-30T10:00:00Z', unknownField: 1 },
        { type: 'WISHLIST', externalReferenceEventId: 'nope', buyer: { id: 'q-3' } },
        'not an object',
      ],
      '/v1/marketdata/users/bulk',
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const data: Dyn[] = res.body.data;
    expect(data.map((d) => [Number(d.index), String(d.status)])).toEqual([[0, 'created'], [1, 'error'], [2, 'updated'], [3, 'error'], [4, 'error']]);
    expect(data[1]!.errors).toMatchObject([{ code: 'VALIDATION_ERROR', field: 'ticketId' }]);
    expect(data[3]!.errors).toMatchObject([{ code: 'EVENT_NOT_FOUND' }]);
    expect(data[2]!.lead).toMatchObject({ type: 'ABANDONED_CART', date: '2026-11-30T10:00:00.000Z', history: [{ type: 'VIRTUAL_QUEUE' }, { type: 'ABANDONED_CART' }] });
    const tooMany = await post(Array.from({ length: 1001 }, () => ({})), '/v1/marketdata/ticket-leads/bulk');
    expect(tooMany.status).toBe(400);
  });

  it('another integrator’s leads are invisible and cannot be erased; erasing removes the lead', async () => {
    const mine = (await post({ type: 'WISHLIST', externalReferenceEventId: 'gig', buyer: { email: 'erase@fans.example' } })).body.data;
    const theirs = await call(ctx, otherKey, 'GET', '/v1/marketdata/users?limit=100');
    expect((theirs.body.data.items as { id: string }[]).map((l) => l.id)).not.toContain(mine.id);
    expect((await call(ctx, otherKey, 'DELETE', `/v1/marketdata/users/${mine.id}`)).status).toBe(404);
    expect((await call(ctx, key, 'DELETE', `/v1/marketdata/users/${mine.id}`)).body.data).toEqual({ id: mine.id, erased: true });
    expect((await call(ctx, key, 'DELETE', `/v1/marketdata/users/${mine.id}`)).status).toBe(404);
    expect((await call(ctx, undefined, 'POST', '/v1/marketdata/users', {})).status).toBe(401);
  });
});
