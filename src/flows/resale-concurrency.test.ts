import { describe, expect, it } from 'vitest';
import { useContext } from '../../test/harness.js';
import { buy, buyOk, CARD, errorOf, intentionRow, listingRow, listSingles, MINUTE, newSeller, ordersOfIntention, pay, paymentsOfIntention, payoutsOfOrder, type Seller } from '../modules/orders/orders.fixtures.js';
import type { TestContext } from '../../test/harness.js';
import { sweepMarketplace } from './marketplace-jobs.js';

/** Every order that sold this listing, whatever intention made it. */
async function ordersOfListing(ctx: TestContext, tenantId: string, listingId: string) {
  return ctx.deps.db
    .selectFrom('orders')
    .innerJoin('order_items', (j) => j.onRef('order_items.tenant_id', '=', 'orders.tenant_id').onRef('order_items.order_id', '=', 'orders.id'))
    .select(['orders.id', 'orders.status', 'orders.intention_id'])
    .where('orders.tenant_id', '=', tenantId)
    .where('order_items.listing_id', '=', listingId)
    .execute();
}

describe('resale concurrency', () => {
  const ctx = useContext({ clock: 'manual' });

  it('50 parallel buyers for one listing: exactly one gets it, 49 are refused, one intention exists', async () => {
    const s = await newSeller(ctx, 'fifty');
    const [lst] = await listSingles(ctx, s, ['F-1']);
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => buy(ctx, s.key, [lst!], `buyer${i}@x.example`)));
    const won = replies.filter((r) => r.status === 200);
    const lost = replies.filter((r) => r.status !== 200);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const r of lost) {
      expect(r.status).toBe(409);
      expect(errorOf(r)).toMatchObject({ code: 'LISTING_UNAVAILABLE', details: { listingIds: [lst] } });
    }
    const rows = await ctx.deps.db.selectFrom('buy_intentions').selectAll().where('tenant_id', '=', s.tenantId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(won[0]!.body.data.intentionId);
    expect(await ctx.deps.db.selectFrom('buy_intention_items').select('intention_id').where('tenant_id', '=', s.tenantId).execute()).toHaveLength(1);
    expect(await listingRow(ctx, s.tenantId, lst!)).toMatchObject({ status: 'RESERVED', hold_intention_id: rows[0]!.id });
  });

  it('parallel buyers of overlapping sets of listings, in any order: each listing held by at most one intention, no errors', async () => {
    const s = await newSeller(ctx, 'overlap');
    const [a, b, c] = await listSingles(ctx, s, ['OV-1', 'OV-2', 'OV-3']);
    const sets = [[a!, b!], [b!, a!], [c!, a!], [b!, c!], [a!], [c!, b!, a!]];
    const replies = await Promise.all(Array.from({ length: 36 }, (_, i) => buy(ctx, s.key, sets[i % sets.length]!, `ov${i}@x.example`)));
    for (const r of replies) expect([200, 409], JSON.stringify(r.body)).toContain(r.status);
    const won = replies.filter((r) => r.status === 200).map((r) => r.body.data as { intentionId: string; items: { listingId: string }[] });
    expect(won.length).toBeGreaterThanOrEqual(1);
    const taken = won.flatMap((w) => w.items.map((i) => i.listingId));
    expect(new Set(taken).size).toBe(taken.length);
    for (const w of won) {
      for (const i of w.items) expect((await listingRow(ctx, s.tenantId, i.listingId))!.hold_intention_id).toBe(w.intentionId);
    }
    const rows = await ctx.deps.db.selectFrom('buy_intentions').select('id').where('tenant_id', '=', s.tenantId).execute();
    expect(rows.map((r) => r.id).sort()).toEqual(won.map((w) => w.intentionId).sort());
  });

  it('a payment and the expiry sweep of the same hold, at the same instant: exactly one consistent outcome (10 runs)', async () => {
    const s = await newSeller(ctx, 'pay-vs-sweep');
    const ids = Array.from({ length: 10 }, (_, i) => `PS-${i}`);
    const listings = await listSingles(ctx, s, ids);
    for (const lst of listings) {
      const { intention, secret } = await buyOk(ctx, s.key, [lst]);
      ctx.clock!.set(intention.expiresAt as string);
      const [paid] = await Promise.all([pay(ctx, intention.intentionId, secret), sweepMarketplace(ctx.deps)]);
      expect(paid.status, JSON.stringify(paid.body)).toBe(200);
      await expectConsistent(ctx, s, lst, intention.intentionId as string);
    }
  });

  it('a payment, the sweep and a second buyer at the instant the hold expires: the listing goes to exactly one of them, and a refused payment charges nothing (10 runs)', async () => {
    const s = await newSeller(ctx, 'pay-vs-buyer');
    const ids = Array.from({ length: 10 }, (_, i) => `PB-${i}`);
    const listings = await listSingles(ctx, s, ids);
    for (const lst of listings) {
      const { intention, secret } = await buyOk(ctx, s.key, [lst], 'first@x.example');
      ctx.clock!.set(intention.expiresAt as string);
      const [paid, other] = await Promise.all([pay(ctx, intention.intentionId, secret), buy(ctx, s.key, [lst], 'second@x.example'), sweepMarketplace(ctx.deps)]);
      const listing = (await listingRow(ctx, s.tenantId, lst))!;
      const orders = await ordersOfIntention(ctx, intention.intentionId);
      if (paid.status === 409) {
        // The second buyer held it before the payment began: refused before any charge.
        expect(errorOf(paid)).toMatchObject({ code: 'LISTING_UNAVAILABLE', details: { listingIds: [lst] } });
        expect(other.status).toBe(200);
        expect(orders).toEqual([]);
        expect(await paymentsOfIntention(ctx, intention.intentionId)).toEqual([]);
        expect(listing).toMatchObject({ status: 'RESERVED', hold_intention_id: other.body.data.intentionId });
        expect((await intentionRow(ctx, intention.intentionId))!.status).toBe('EXPIRED');
        continue;
      }
      expect(paid.status, JSON.stringify(paid.body)).toBe(200);
      expect(orders).toHaveLength(1);
      if (orders[0]!.status === 'COMPLETED') {
        expect(other.status).toBe(409);
        expect(listing).toMatchObject({ status: 'SOLD', sold_order_id: orders[0]!.id });
        expect((await intentionRow(ctx, intention.intentionId))!.status).toBe('COMPLETED');
      } else {
        expect(other.status).toBe(200);
        expect(orders[0]).toMatchObject({ status: 'REFUND_PENDING', outcome: 'REFUNDED_LISTINGS_UNAVAILABLE' });
        expect(listing).toMatchObject({ status: 'RESERVED', hold_intention_id: other.body.data.intentionId });
        expect((await intentionRow(ctx, intention.intentionId))!.status).toBe('REFUNDED');
      }
      const sold = await ordersOfListing(ctx, s.tenantId, lst);
      expect(sold.filter((o) => o.status === 'COMPLETED').length).toBe(listing.status === 'SOLD' ? 1 : 0);
    }
  });

  it('two buyers paying late for the same listing: at most one completed order', async () => {
    const s = await newSeller(ctx, 'two-late');
    const listings = await listSingles(ctx, s, ['TL-1', 'TL-2']);
    for (const [n, lst] of listings.entries()) {
      const first = await buyOk(ctx, s.key, [lst], 'first@x.example');
      ctx.clock!.advance(11 * MINUTE);
      const second = await buyOk(ctx, s.key, [lst], 'second@x.example');
      ctx.clock!.advance(11 * MINUTE);
      // Run 0: both pay at once; run 1: the first buyer, then the second.
      const replies =
        n === 0
          ? await Promise.all([pay(ctx, first.intention.intentionId, first.secret), pay(ctx, second.intention.intentionId, second.secret)])
          : [await pay(ctx, first.intention.intentionId, first.secret), await pay(ctx, second.intention.intentionId, second.secret)];
      // One completes. The other is refused before any charge (409) when the check before charging
      // sees the listing sold, or refunded when both passed the check at once (the race it cannot close).
      const completed = replies.filter((r) => r.status === 200 && r.body.data.order.status === 'COMPLETED');
      expect(completed, JSON.stringify(replies.map((r) => r.body))).toHaveLength(1);
      const loser = replies.find((r) => r !== completed[0])!;
      if (loser.status === 409) expect(errorOf(loser)).toMatchObject({ code: 'LISTING_UNAVAILABLE', details: { listingIds: [lst] } });
      else expect(loser.body.data.order).toMatchObject({ status: 'REFUND_PENDING', outcome: 'REFUNDED_LISTINGS_UNAVAILABLE' });
      // Run 1 is sequential: the second buyer is always refused, and charged nothing.
      if (n === 1) {
        expect(loser.status).toBe(409);
        expect(await paymentsOfIntention(ctx, second.intention.intentionId)).toEqual([]);
      }
      const sold = await ordersOfListing(ctx, s.tenantId, lst);
      expect(sold.filter((o) => o.status === 'COMPLETED')).toHaveLength(1);
      const ticketOrders = await ctx.deps.db
        .selectFrom('order_items')
        .innerJoin('orders', (j) => j.onRef('orders.tenant_id', '=', 'order_items.tenant_id').onRef('orders.id', '=', 'order_items.order_id'))
        .select('orders.status')
        .where('order_items.tenant_id', '=', s.tenantId)
        .where('order_items.ticket_id', '=', `TL-${n + 1}`)
        .where('orders.status', '=', 'COMPLETED')
        .execute();
      expect(ticketOrders).toHaveLength(1);
      expect((await listingRow(ctx, s.tenantId, lst))!.status).toBe('SOLD');
    }
  });

  it('a slow-failing payment racing the sweep after expiry leaves the intention EXPIRED and the listing free', async () => {
    const s = await newSeller(ctx, 'slow-vs-sweep');
    const [lst] = await listSingles(ctx, s, ['SV-1']);
    const { intention, secret } = await buyOk(ctx, s.key, [lst!]);
    ctx.clock!.set(intention.expiresAt as string);
    const [paid] = await Promise.all([pay(ctx, intention.intentionId, secret, CARD.slowFail), sweepMarketplace(ctx.deps)]);
    expect(paid.body.data).toMatchObject({ payment: { status: 'FAILED' }, order: null });
    await sweepMarketplace(ctx.deps);
    expect((await intentionRow(ctx, intention.intentionId))!.status).toBe('EXPIRED');
    expect(await listingRow(ctx, s.tenantId, lst!)).toMatchObject({ status: 'ACTIVE', hold_intention_id: null });
    expect(await ordersOfIntention(ctx, intention.intentionId)).toEqual([]);
  });
});

/** Either sold (one completed order, one scheduled payout) or expired and free again (no order); never a mix. */
async function expectConsistent(ctx: TestContext, s: Seller, listingId: string, intentionId: string): Promise<void> {
  const intention = (await intentionRow(ctx, intentionId))!;
  const listing = (await listingRow(ctx, s.tenantId, listingId))!;
  const orders = await ordersOfIntention(ctx, intentionId);
  const sold = await ordersOfListing(ctx, s.tenantId, listingId);
  const payments = await paymentsOfIntention(ctx, intentionId);
  if (intention.status === 'COMPLETED') {
    expect(listing).toMatchObject({ status: 'SOLD', sold_order_id: orders[0]?.id, hold_intention_id: null });
    expect(orders).toHaveLength(1);
    expect(orders[0]!.status).toBe('COMPLETED');
    expect(sold).toHaveLength(1);
    expect(payments.map((p) => p.status)).toEqual(['SUCCEEDED']);
    expect((await payoutsOfOrder(ctx, orders[0]!.id)).map((p) => p.status)).toEqual(['SCHEDULED']);
  } else {
    expect(intention.status).toBe('EXPIRED');
    expect(listing.status).toBe('ACTIVE');
    expect(orders).toEqual([]);
    expect(sold).toEqual([]);
  }
}
