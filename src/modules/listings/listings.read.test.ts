import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Dyn } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { call, emailOf, errorOf, listOk, priced, reserve, sellerTenant, setRules, syncTickets, ticket, type Seller } from './listings.fixtures.js';

const START = '2027-05-01T10:00:00Z';
const PACK = 'pack@fans.example';
const seat = (row: string, s: string) => ({ props: { seating: { row, seat: s, section: 'Pit', door: 'N', image: 'https://img.example/x.png' } } });

describe('GET /v1/marketplace/items/events/:eventId/listedTickets', () => {
  const ctx = useContext({ clock: 'manual' });
  let s: Seller;
  let other: Seller;
  const ids: Record<string, string> = {};

  const browse = (query = '', key: string = s.key, eventId = 'solo') => call(ctx, key, 'GET', `/v1/marketplace/items/events/${eventId}/listedTickets${query}`);
  const listingIdsOf = (data: Dyn) => (data.items as Dyn[]).map((i) => i.listingId as string);

  beforeAll(async () => {
    ctx.clock!.set(START);
    s = await sellerTenant(ctx, 'browser');
    other = await sellerTenant(ctx, 'other');
    // VIP listings pay a fixed 10 EUR buyer fee: the cheapest *total* comes first, not the cheapest price.
    await setRules(ctx, s.key, [{ externalReferenceEventId: 'solo', ticketOptionId: 'vip', ruleType: 'FEES', rules: { buyerFeePercent: 0, buyerFeeFixed: 10, sellerFeePercent: 0, sellerFeeFixed: 0 } }]);
    await syncTickets(ctx, s.key, [
      priced('G1', 30, seat('1', '1')),
      priced('G2', 30, seat('1', '2')),
      priced('G3', 30, seat('1', '3')),
      priced('G4', 30),
      priced('G5', 30),
      priced('G6', 30),
      ticket('V1', { ticketOptionId: 'vip', price: 90 }),
      priced('K1', 30, { buyer: PACK, orderId: 'k', ...seat('2', '1') }),
      priced('K2', 30, { buyer: PACK, orderId: 'k', ...seat('2', '2') }),
      ticket('D1', { showId: 'd1', price: 30 }, 'duo'),
      ticket('D2', { showId: 'd2', price: 30 }, 'duo'),
    ]);
    ids.G1 = (await listOk(ctx, s.key, ['G1'], 50)).listingId; // total 55
    ids.G2 = (await listOk(ctx, s.key, ['G2'], 20)).listingId; // total 22
    ids.G3 = (await listOk(ctx, s.key, ['G3'], 20)).listingId; // total 22
    ids.V1 = (await listOk(ctx, s.key, ['V1'], 25)).listingId; // total 35 (25 + 10 fixed)
    ids.K = (await listOk(ctx, s.key, ['K1', 'K2'], 30, PACK)).listingId; // total 33 per ticket
    ids.G4 = (await listOk(ctx, s.key, ['G4'], 40)).listingId; // sold below
    ids.G5 = (await listOk(ctx, s.key, ['G5'], 10)).listingId; // terminated below
    ids.G6 = (await listOk(ctx, s.key, ['G6'], 15)).listingId; // held below
    ids.D1 = (await listOk(ctx, s.key, ['D1'], 30)).listingId;
    ids.D2 = (await listOk(ctx, s.key, ['D2'], 30)).listingId;

    const sold = await reserve(ctx, s.key, ids.G4!);
    expect(sold.status).toBe(200);
    const secret = new URL(sold.body.data.paymentUrl as string).searchParams.get('secret');
    expect((await call(ctx, undefined, 'POST', `/v1/checkout/${sold.body.data.intentionId as string}/pay`, { secret, cardNumber: '4242424242424242' })).status).toBe(200);
    expect((await call(ctx, s.key, 'DELETE', '/v1/marketplace/items/ticket/G5')).status).toBe(200);
    expect((await reserve(ctx, s.key, ids.G6!)).status).toBe(200);
  });

  beforeEach(() => {
    ctx.clock!.set(START);
  });

  it('answers what a buyer can take now, cheapest total per ticket first, ties by id; held, SOLD and TERMINATED hidden', async () => {
    const res = await browse();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const tied = [ids.G2!, ids.G3!].sort();
    expect(listingIdsOf(res.body.data)).toEqual([...tied, ids.K, ids.V1, ids.G1]);
    expect(res.body.data).toMatchObject({ total: 5, limit: 50, offset: 0 });
  });

  it('shows a held listing again once its hold has expired', async () => {
    ctx.clock!.advance(10 * 60_000 - 1);
    expect(listingIdsOf((await browse()).body.data)).not.toContain(ids.G6);
    ctx.clock!.advance(1);
    const res = await browse();
    expect(listingIdsOf(res.body.data)[0]).toBe(ids.G6);
    expect(res.body.data.total).toBe(6);
  });

  it('gives price, fees, total, ticket option, price type and seats — and no seller', async () => {
    const items = (await browse()).body.data.items as Dyn[];
    const byId = new Map(items.map((i) => [i.listingId as string, i]));
    expect(byId.get(ids.G2!)).toEqual({
      listingId: ids.G2,
      type: 'SINGLE',
      quantity: 1,
      ticketIds: ['G2'],
      price: 20,
      fees: 2,
      total: 22,
      currency: 'EUR',
      showId: 'main',
      ticketOption: { ticketOptionId: 'ga', title: 'General' },
      priceType: { priceTypeId: 'adult', title: 'Adult' },
      seats: [{ ticketId: 'G2', row: '1', seat: '2', section: 'Pit', door: 'N' }],
    });
    expect(byId.get(ids.K!)).toMatchObject({
      type: 'PACK',
      quantity: 2,
      ticketIds: ['K1', 'K2'],
      price: 30,
      fees: 3,
      total: 33,
      seats: [
        { ticketId: 'K1', row: '2', seat: '1' },
        { ticketId: 'K2', row: '2', seat: '2' },
      ],
    });
    expect(byId.get(ids.V1!)).toMatchObject({ price: 25, fees: 10, total: 35, ticketOption: { ticketOptionId: 'vip', title: 'VIP' }, priceType: null, seats: [{ ticketId: 'V1' }] });
    const text = JSON.stringify(items);
    expect(text).not.toContain('@');
    expect(text).not.toContain('seller');
  });

  it('pages with limit and offset, with the total of the whole selection', async () => {
    const all = listingIdsOf((await browse()).body.data);
    const page = await browse('?limit=2&offset=1');
    expect(page.status).toBe(200);
    expect(page.body.data).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(listingIdsOf(page.body.data)).toEqual(all.slice(1, 3));
    const past = await browse('?limit=10&offset=10');
    expect(past.body.data).toMatchObject({ items: [], total: 5, limit: 10, offset: 10 });
  });

  it('filters by show', async () => {
    expect(listingIdsOf((await browse('', s.key, 'duo')).body.data).sort()).toEqual([ids.D1, ids.D2].sort());
    const d1 = await browse('?showId=d1', s.key, 'duo');
    expect(d1.status).toBe(200);
    expect(d1.body.data).toMatchObject({ total: 1, items: [{ listingId: ids.D1, showId: 'd1' }] });
    expect(listingIdsOf((await browse('?showId=d2', s.key, 'duo')).body.data)).toEqual([ids.D2]);
    expect((await browse('?showId=main')).body.data.total).toBe(5);
  });

  it('404 for an unknown event or show', async () => {
    const event = await browse('', s.key, 'ghost');
    expect(event.status).toBe(404);
    expect(errorOf(event)).toMatchObject({ code: 'EVENT_NOT_FOUND', field: 'eventId' });
    const show = await browse('?showId=nope', s.key, 'duo');
    expect(show.status).toBe(404);
    expect(errorOf(show)).toMatchObject({ code: 'SHOW_NOT_FOUND', field: 'showId' });
  });

  it.each([['?limit=0'], ['?limit=101'], ['?offset=-1'], ['?limit=abc']])('400 for a bad query %s', async (q) => {
    const res = await browse(q);
    expect(res.status).toBe(400);
    expect(errorOf(res)!.code).toBe('VALIDATION_ERROR');
  });

  it('security: no key 401; another tenant sees only its own listings, and not its events', async () => {
    expect((await call(ctx, undefined, 'GET', '/v1/marketplace/items/events/solo/listedTickets')).status).toBe(401);
    expect((await call(ctx, 'enc_wrong', 'GET', '/v1/marketplace/items/events/solo/listedTickets')).status).toBe(401);
    // The other tenant has an event with the same integrator id, and no listings in it.
    const theirs = await browse('', other.key);
    expect(theirs.status).toBe(200);
    expect(theirs.body.data).toMatchObject({ items: [], total: 0 });
    await call(ctx, other.key, 'POST', '/v1/events', {
      externalReferenceId: 'only-theirs',
      title: 'Theirs',
      description: 'x',
      location: { venueName: 'Sala', city: 'Madrid', country: 'ES', timeZone: 'Europe/Madrid' },
      configuration: { policy: 'NONE', currency: 'EUR' },
      shows: [{ showId: 'x', date: '2027-06-01T21:00:00+02:00', ticketOptions: [{ ticketId: 'ga', title: 'General', price: 30 }] }],
    });
    expect((await browse('', other.key, 'only-theirs')).status).toBe(200);
    expect((await browse('', s.key, 'only-theirs')).status).toBe(404);
  });
});

describe('GET /v1/marketplace/listings/ticket/:ticketId', () => {
  const ctx = useContext({ clock: 'manual' });
  let s: Seller;
  let other: Seller;

  const get = (ticketId: string, query = '', key: string = s.key) => call(ctx, key, 'GET', `/v1/marketplace/listings/ticket/${encodeURIComponent(ticketId)}${query}`);

  beforeAll(async () => {
    ctx.clock!.set(START);
    s = await sellerTenant(ctx, 'reader');
    other = await sellerTenant(ctx, 'other');
    await syncTickets(ctx, s.key, [priced('A1', 30, seat('3', '4')), priced('A2'), priced('A3'), priced('NEVER')]);
    await syncTickets(ctx, other.key, [priced('A1')]);
  });

  it('answers the open listing, with or without the seller’s email', async () => {
    const listing = await listOk(ctx, s.key, ['A1'], 35);
    const res = await get('A1');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(listing);
    expect(res.body.data).toMatchObject({ status: 'ACTIVE', price: 35, seats: [{ ticketId: 'A1', row: '3', seat: '4', section: 'Pit', door: 'N' }] });
    expect((await get('A1', '?sellerEmail=A1%40Fans.Example')).body.data.listingId).toBe(listing.listingId);
  });

  it('404 LISTING_NOT_FOUND for another seller’s email', async () => {
    const res = await get('A1', '?sellerEmail=someone%40else.example');
    expect(res.status).toBe(404);
    expect(errorOf(res)).toMatchObject({ code: 'LISTING_NOT_FOUND', field: 'ticketId' });
  });

  it('answers a held listing as RESERVED with its hold end', async () => {
    const listing = await listOk(ctx, s.key, ['A3'], 35);
    expect((await reserve(ctx, s.key, listing.listingId)).status).toBe(200);
    expect((await get('A3')).body.data).toMatchObject({ listingId: listing.listingId, status: 'RESERVED', reservedUntil: '2027-05-01T10:10:00.000Z' });
    ctx.clock!.advance(10 * 60_000);
    expect((await get('A3')).body.data).toMatchObject({ status: 'ACTIVE', reservedUntil: null });
  });

  it('answers the TERMINATED listing after termination, and the open one again after relisting', async () => {
    const first = await listOk(ctx, s.key, ['A2'], 35);
    expect((await call(ctx, s.key, 'DELETE', '/v1/marketplace/items/ticket/A2')).status).toBe(200);
    const ended = await get('A2');
    expect(ended.status).toBe(200);
    expect(ended.body.data).toMatchObject({ listingId: first.listingId, status: 'TERMINATED', endedReason: 'SELLER_TERMINATED' });
    ctx.clock!.advance(1000);
    const second = await listOk(ctx, s.key, ['A2'], 40);
    expect((await get('A2')).body.data).toMatchObject({ listingId: second.listingId, status: 'ACTIVE', price: 40 });
  });

  it('404 for a ticket never listed and for an unknown ticket', async () => {
    for (const id of ['NEVER', 'ghost']) {
      const res = await get(id);
      expect(res.status).toBe(404);
      expect(errorOf(res)!.code).toBe('LISTING_NOT_FOUND');
    }
  });

  it('400 for a malformed sellerEmail', async () => {
    const res = await get('A1', '?sellerEmail=nope');
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_ERROR', field: 'sellerEmail' });
  });

  it('security: no key 401; the same ticket id in another tenant is not this listing', async () => {
    expect((await call(ctx, undefined, 'GET', '/v1/marketplace/listings/ticket/A1')).status).toBe(401);
    expect((await get('A1', '', 'enc_wrong')).status).toBe(401);
    const theirs = await get('A1', '', other.key);
    expect(theirs.status).toBe(404);
    expect(errorOf(theirs)!.code).toBe('LISTING_NOT_FOUND');
    expect(emailOf('A1')).toBe('a1@fans.example');
  });
});
