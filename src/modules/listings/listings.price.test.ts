import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ignoredFieldsOf, STRICT } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import {
  auditOf,
  call,
  emailOf,
  errorOf,
  listingRow,
  listOk,
  listTickets,
  priced,
  reserve,
  sellerTenant,
  setRules,
  syncTickets,
  ticket,
  webhooksOf,
  type Seller,
} from './listings.fixtures.js';

const START = '2027-05-01T10:00:00Z';
// The `solo` event's show `main` starts 2027-06-01T21:00:00+02:00.
const SHOW_STARTS = '2027-06-01T19:00:00Z';
const PACK = 'pack@fans.example';

const resale = (rules: Record<string, unknown>, scope: Record<string, unknown> = {}) => ({ externalReferenceEventId: 'solo', ruleType: 'RESALE', rules, ...scope });
const feeRule = (rules: Record<string, unknown>, scope: Record<string, unknown> = {}) => ({ externalReferenceEventId: 'solo', ruleType: 'FEES', rules, ...scope });

describe('RESALE and FEES rules on POST /v1/marketplace/listings', () => {
  const ctx = useContext({ clock: 'manual' });
  let n = 0;

  beforeEach(() => {
    ctx.clock!.set(START);
  });

  /** A fresh tenant (rules are per event and most-specific-wins, so each case gets its own) with the given tickets and rules. */
  async function fresh(tickets: Record<string, unknown>[], rules: Record<string, unknown>[] = []): Promise<Seller> {
    const s = await sellerTenant(ctx, `rules-${++n}`);
    await syncTickets(ctx, s.key, tickets);
    if (rules.length > 0) await setRules(ctx, s.key, rules);
    return s;
  }

  const refused = async (s: Seller, ids: string[], price: number, code: string, field: string, details: Record<string, unknown>, seller?: string) => {
    const res = await listTickets(ctx, s.key, ids, price, seller);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(errorOf(res)).toMatchObject({ code, field, details: { ruleType: 'RESALE', ...details } });
    return res;
  };

  it('allows any price when there is no rule', async () => {
    const s = await fresh([priced('T1', 30)]);
    expect((await listOk(ctx, s.key, ['T1'], 1000)).price).toBe(1000);
  });

  it('refuses when resale is disabled: 422 RESALE_DISABLED', async () => {
    const s = await fresh([priced('T1')], [resale({ enabled: false })]);
    await refused(s, ['T1'], 30, 'RESALE_DISABLED', 'ticketIds', { setting: 'enabled', limit: false });
  });

  it('enforces minPrice and maxPrice inclusively', async () => {
    const s = await fresh([priced('T1'), priced('T2')], [resale({ enabled: true, minPrice: 20, maxPrice: 60.5 })]);
    await refused(s, ['T1'], 19.99, 'PRICE_BELOW_MINIMUM', 'price', { setting: 'minPrice', limit: 20 });
    await refused(s, ['T1'], 60.51, 'PRICE_ABOVE_MAXIMUM', 'price', { setting: 'maxPrice', limit: 60.5 });
    expect((await listOk(ctx, s.key, ['T1'], 20)).price).toBe(20);
    expect((await listOk(ctx, s.key, ['T2'], 60.5)).price).toBe(60.5);
  });

  it('caps the markup over the ticket’s face value; exactly the cap is accepted', async () => {
    const s = await fresh([priced('T1', 30), priced('T2', 30), priced('T3', 25.5)], [resale({ enabled: true, maxMarkupPercent: 20 })]);
    await refused(s, ['T1'], 36.01, 'PRICE_ABOVE_MARKUP_CAP', 'price', { setting: 'maxMarkupPercent', limit: 20 });
    expect((await listOk(ctx, s.key, ['T1'], 36)).price).toBe(36);
    expect((await listOk(ctx, s.key, ['T2'], 12)).price).toBe(12);
    await refused(s, ['T3'], 30.61, 'PRICE_ABOVE_MARKUP_CAP', 'price', { setting: 'maxMarkupPercent', limit: 20 });
    expect((await listOk(ctx, s.key, ['T3'], 30.6)).price).toBe(30.6);
  });

  it('refuses before opensAt (RESALE_NOT_OPEN) and allows from then on', async () => {
    const s = await fresh([priced('T1')], [resale({ enabled: true, opensAt: '2027-05-10T12:00:00+02:00' })]);
    await refused(s, ['T1'], 30, 'RESALE_NOT_OPEN', 'ticketIds', { setting: 'opensAt', limit: '2027-05-10T12:00:00+02:00' });
    ctx.clock!.set('2027-05-10T09:59:59Z');
    await refused(s, ['T1'], 30, 'RESALE_NOT_OPEN', 'ticketIds', { setting: 'opensAt' });
    ctx.clock!.set('2027-05-10T10:00:00Z');
    await listOk(ctx, s.key, ['T1'], 30);
  });

  it('closes closesHoursBeforeShow hours before the show (RESALE_CLOSED)', async () => {
    const s = await fresh([priced('T1'), priced('T2')], [resale({ enabled: true, closesHoursBeforeShow: 24 })]);
    ctx.clock!.set('2027-05-31T18:59:59Z');
    await listOk(ctx, s.key, ['T1'], 30);
    ctx.clock!.set('2027-05-31T19:00:00Z');
    await refused(s, ['T2'], 30, 'RESALE_CLOSED', 'ticketIds', { setting: 'closesHoursBeforeShow', limit: 24 });
  });

  it('closes resale once the show has started, even without a rule', async () => {
    const s = await fresh([priced('T1')]);
    ctx.clock!.set(SHOW_STARTS);
    await refused(s, ['T1'], 30, 'RESALE_CLOSED', 'ticketIds', { setting: 'closesHoursBeforeShow', limit: 0 });
    ctx.clock!.set('2027-06-01T23:00:00Z');
    await refused(s, ['T1'], 30, 'RESALE_CLOSED', 'ticketIds', {});
  });

  it('limits the tickets per listing (TOO_MANY_TICKETS_IN_LISTING)', async () => {
    const pack = (id: string, order: string) => priced(id, 30, { buyer: PACK, orderId: order });
    const s = await fresh([pack('A1', 'o1'), pack('A2', 'o1'), pack('A3', 'o1'), pack('B1', 'o2'), pack('B2', 'o2')], [resale({ enabled: true, maxTicketsPerListing: 2 })]);
    await refused(s, ['A1', 'A2', 'A3'], 30, 'TOO_MANY_TICKETS_IN_LISTING', 'ticketIds', { setting: 'maxTicketsPerListing', limit: 2 }, PACK);
    expect((await listOk(ctx, s.key, ['B1', 'B2'], 30, PACK)).quantity).toBe(2);
  });

  it('applies the most specific rule: disabled event-wide, enabled for one ticket option', async () => {
    const s = await fresh(
      [priced('GA1'), ticket('VIP1', { ticketOptionId: 'vip', price: 90, priceTypeId: 'adult' }), ticket('VIP2', { ticketOptionId: 'vip', price: 90 })],
      [resale({ enabled: false }), resale({ enabled: true, maxPrice: 100 }, { ticketOptionId: 'vip' })],
    );
    await refused(s, ['GA1'], 30, 'RESALE_DISABLED', 'ticketIds', { setting: 'enabled' });
    expect((await listOk(ctx, s.key, ['VIP1'], 95)).ticketOptionId).toBe('vip');
    // The option rule, not the event-wide one, limits it.
    await refused(s, ['VIP2'], 100.01, 'PRICE_ABOVE_MAXIMUM', 'price', { setting: 'maxPrice', limit: 100 });
  });

  it('a show-scoped rule beats an event-wide one', async () => {
    const s = await fresh([priced('T1')], [resale({ enabled: true }), resale({ enabled: true, maxPrice: 10 }, { showId: 'main' })]);
    await refused(s, ['T1'], 11, 'PRICE_ABOVE_MAXIMUM', 'price', { limit: 10 });
  });

  describe('fees', () => {
    it('uses the tenant defaults (buyer 10 %, seller 5 %) rounded half up in minor units', async () => {
      const s = await fresh([priced('T1'), priced('T2'), priced('T3')]);
      expect(await listOk(ctx, s.key, ['T1'], 33.33)).toMatchObject({
        price: 33.33,
        fees: { buyer: 3.33, seller: 1.67 }, // 3.333 → 3.33, 1.6665 → 1.67
        total: 36.66,
        amounts: { subtotal: 33.33, buyerFees: 3.33, total: 36.66, sellerFees: 1.67, payout: 31.66 },
      });
      expect(await listOk(ctx, s.key, ['T2'], 0.05)).toMatchObject({ fees: { buyer: 0.01, seller: 0 }, total: 0.06 }); // 0.5 → 1 cent, 0.25 → 0
      expect(await listOk(ctx, s.key, ['T3'], 0)).toMatchObject({ price: 0, fees: { buyer: 0, seller: 0 }, total: 0 });
    });

    it('uses a FEES rule (percent + fixed) over the defaults, and the most specific one', async () => {
      const s = await fresh(
        [priced('T1'), ticket('V1', { ticketOptionId: 'vip', price: 90 }), priced('T2')],
        [
          feeRule({ buyerFeePercent: 7.5, buyerFeeFixed: 0.99, sellerFeePercent: 3, sellerFeeFixed: 0.5 }),
          feeRule({ buyerFeePercent: 0, buyerFeeFixed: 5, sellerFeePercent: 12.5, sellerFeeFixed: 0 }, { ticketOptionId: 'vip' }),
        ],
      );
      // 7.5 % of 19.99 = 1.49925 → 1.50 + 0.99; 3 % = 0.5997 → 0.60 + 0.50
      expect(await listOk(ctx, s.key, ['T1'], 19.99)).toMatchObject({
        fees: { buyer: 2.49, seller: 1.1 },
        total: 22.48,
        amounts: { subtotal: 19.99, buyerFees: 2.49, total: 22.48, sellerFees: 1.1, payout: 18.89 },
      });
      // 12.5 % of 80.10 = 10.0125 → 10.01
      expect(await listOk(ctx, s.key, ['V1'], 80.1)).toMatchObject({ fees: { buyer: 5, seller: 10.01 }, total: 85.1 });
      // A seller fee larger than the price is capped at the price.
      expect(await listOk(ctx, s.key, ['T2'], 0.3)).toMatchObject({ fees: { buyer: 1.01, seller: 0.3 }, amounts: { payout: 0 } });
    });
  });
});

describe('PATCH /v1/marketplace/listings/:listingId', () => {
  const ctx = useContext({ clock: 'manual' });
  let s: Seller;
  let other: Seller;

  beforeEach(() => {
    ctx.clock!.set(START);
  });

  const patch = (listingId: string, body: unknown, key = s.key) => call(ctx, key, 'PATCH', `/v1/marketplace/listings/${encodeURIComponent(listingId)}`, body);

  beforeAll(async () => {
    ctx.clock!.set(START);
    s = await sellerTenant(ctx, 'patcher');
    other = await sellerTenant(ctx, 'other');
    await syncTickets(ctx, s.key, ['H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'H7', 'H8'].map((id) => priced(id, 30)));
    await syncTickets(ctx, other.key, [priced('O1')]);
  });

  it('changes the price: new fees, listing.updated webhook, audit row', async () => {
    const listing = await listOk(ctx, s.key, ['H1'], 35);
    ctx.clock!.advance(60_000);
    const res = await patch(listing.listingId, { price: 44.44 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      listingId: listing.listingId,
      status: 'ACTIVE',
      price: 44.44,
      fees: { buyer: 4.44, seller: 2.22 }, // 4.444 → 4.44, 2.222 → 2.22
      total: 48.88,
      amounts: { subtotal: 44.44, payout: 42.22 },
      createdAt: listing.createdAt,
      updatedAt: '2027-05-01T10:01:00.000Z',
    });
    const row = (await listingRow(ctx, s.tenantId, listing.listingId))!;
    expect([Number(row.price_minor), Number(row.buyer_fee_minor), Number(row.seller_fee_minor)]).toEqual([4444, 444, 222]);
    const hooks = (await webhooksOf(ctx, s.tenantId, 'listing.updated')).filter((h) => h.message.data.listingId === listing.listingId);
    expect(hooks.map((h) => h.message.data.price as number)).toEqual([44.44]);
    const audit = (await auditOf(ctx, s.tenantId, 'listing.price_changed')).filter((a) => a.entity_id === listing.listingId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ before: { price: 35 }, after: { price: 44.44 } });
    // The read endpoint agrees.
    expect((await call(ctx, s.key, 'GET', '/v1/marketplace/listings/ticket/H1')).body.data).toMatchObject({ price: 44.44, total: 48.88 });
  });

  it('checks the RESALE rule again (422) and changes nothing when refused', async () => {
    const listing = await listOk(ctx, s.key, ['H2'], 35);
    await setRules(ctx, s.key, [resale({ enabled: true, maxPrice: 50 }, { showId: 'main', ticketOptionId: 'ga', priceTypeId: 'adult' })]);
    const res = await patch(listing.listingId, { price: 50.01 });
    expect(res.status).toBe(422);
    expect(errorOf(res)).toMatchObject({ code: 'PRICE_ABOVE_MAXIMUM', field: 'price', details: { ruleType: 'RESALE', setting: 'maxPrice', limit: 50 } });
    expect(Number((await listingRow(ctx, s.tenantId, listing.listingId))!.price_minor)).toBe(3500);
    expect((await patch(listing.listingId, { price: 50 })).status).toBe(200);
    // And a disabled rule stops re-pricing too.
    await setRules(ctx, s.key, [resale({ enabled: false }, { showId: 'main', ticketOptionId: 'ga', priceTypeId: 'adult' })]);
    const disabled = await patch(listing.listingId, { price: 45 });
    expect(disabled.status).toBe(422);
    expect(errorOf(disabled)!.code).toBe('RESALE_DISABLED');
    await setRules(ctx, s.key, [resale({ enabled: true }, { showId: 'main', ticketOptionId: 'ga', priceTypeId: 'adult' })]);
  });

  it('404 LISTING_NOT_FOUND for an unknown listing', async () => {
    const res = await patch('lst_nope', { price: 10 });
    expect(res.status).toBe(404);
    expect(errorOf(res)).toMatchObject({ code: 'LISTING_NOT_FOUND', field: 'listingId' });
  });

  it('409 LISTING_NOT_ACTIVE for a TERMINATED listing', async () => {
    const listing = await listOk(ctx, s.key, ['H3'], 35);
    expect((await call(ctx, s.key, 'DELETE', '/v1/marketplace/items/ticket/H3')).status).toBe(200);
    const res = await patch(listing.listingId, { price: 30 });
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'LISTING_NOT_ACTIVE', details: { status: 'TERMINATED' } });
  });

  it('409 LISTING_NOT_ACTIVE for a SOLD listing', async () => {
    const listing = await listOk(ctx, s.key, ['H4'], 35);
    const held = await reserve(ctx, s.key, listing.listingId);
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    const url = new URL(held.body.data.paymentUrl as string);
    const paid = await call(ctx, undefined, 'POST', `/v1/checkout/${held.body.data.intentionId as string}/pay`, { secret: url.searchParams.get('secret'), cardNumber: '4242424242424242' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect((await listingRow(ctx, s.tenantId, listing.listingId))!.status).toBe('SOLD');
    const res = await patch(listing.listingId, { price: 30 });
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'LISTING_NOT_ACTIVE', details: { status: 'SOLD' } });
  });

  it('409 LISTING_NOT_ACTIVE while a buy intention holds the listing; allowed once the hold expired', async () => {
    const listing = await listOk(ctx, s.key, ['H5'], 35);
    const held = await reserve(ctx, s.key, listing.listingId);
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    const res = await patch(listing.listingId, { price: 30 });
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'LISTING_NOT_ACTIVE', details: { status: 'RESERVED' } });
    ctx.clock!.advance(9 * 60_000);
    expect((await patch(listing.listingId, { price: 30 })).status).toBe(409);
    ctx.clock!.advance(2 * 60_000);
    const after = await patch(listing.listingId, { price: 30 });
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(after.body.data).toMatchObject({ status: 'ACTIVE', price: 30, reservedUntil: null });
  });

  it('refuses a new price once the show has started (422 RESALE_CLOSED)', async () => {
    const listing = await listOk(ctx, s.key, ['H6'], 35);
    ctx.clock!.set(SHOW_STARTS);
    const res = await patch(listing.listingId, { price: 30 });
    expect(res.status).toBe(422);
    expect(errorOf(res)).toMatchObject({ code: 'RESALE_CLOSED', details: { ruleType: 'RESALE', setting: 'closesHoursBeforeShow', limit: 0 } });
    expect(Number((await listingRow(ctx, s.tenantId, listing.listingId))!.price_minor)).toBe(3500);
  });

  it.each([
    ['missing price', {}, 'price'],
    ['negative price', { price: -5 }, 'price'],
    ['too many decimals', { price: 1.234 }, 'price'],
  ])('400 for a bad body (%s)', async (_name, body, field) => {
    const listing = (await call(ctx, s.key, 'GET', '/v1/marketplace/listings/ticket/H1')).body.data;
    const res = await patch(listing.listingId, body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_ERROR', field });
  });

  it('an unknown field is ignored and named in Encore-Ignored-Fields; with Encore-Strict it is 400 UNKNOWN_FIELD and the price stays', async () => {
    const listing = await listOk(ctx, s.key, ['H7'], 35);
    const strict = await call(ctx, s.key, 'PATCH', `/v1/marketplace/listings/${encodeURIComponent(listing.listingId)}`, { price: 40, currency: 'EUR' }, STRICT);
    expect(strict.status, JSON.stringify(strict.body)).toBe(400);
    expect(errorOf(strict)).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'currency' });
    expect(Number((await listingRow(ctx, s.tenantId, listing.listingId))!.price_minor)).toBe(3500);

    const lenient = await patch(listing.listingId, { price: 40, currency: 'EUR' });
    expect(lenient.status, JSON.stringify(lenient.body)).toBe(200);
    expect(ignoredFieldsOf(lenient)).toEqual(['currency']);
    expect(lenient.body.data).toMatchObject({ listingId: listing.listingId, price: 40 });
    expect(Number((await listingRow(ctx, s.tenantId, listing.listingId))!.price_minor)).toBe(4000);
  });

  it('security: no key 401; another tenant’s listing 404 and unchanged', async () => {
    const theirs = await listOk(ctx, other.key, ['O1'], 35, emailOf('O1'));
    expect((await call(ctx, undefined, 'PATCH', `/v1/marketplace/listings/${theirs.listingId as string}`, { price: 10 })).status).toBe(401);
    expect((await call(ctx, 'enc_wrong', 'PATCH', `/v1/marketplace/listings/${theirs.listingId as string}`, { price: 10 })).status).toBe(401);
    const cross = await patch(theirs.listingId, { price: 10 });
    expect(cross.status).toBe(404);
    expect(errorOf(cross)!.code).toBe('LISTING_NOT_FOUND');
    expect(Number((await listingRow(ctx, other.tenantId, theirs.listingId))!.price_minor)).toBe(3500);
  });
});
