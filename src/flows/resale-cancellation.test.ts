import { describe, expect, it } from 'vitest';
import { useContext } from '../../test/harness.js';
import { waitFor } from '../../test/fake-receiver.js';
import { withTx } from '../db/tx.js';
import { listOk, ticket } from '../modules/listings/listings.fixtures.js';
import { createEvents } from '../modules/tickets/tickets.fixtures.js';
import {
  buyOk,
  call,
  errorOf,
  intentionRow,
  listingRow,
  listSingles,
  newSeller,
  ordersOfIntention,
  pay,
  paymentsOfIntention,
  payoutsOfOrder,
  syncTickets,
  webhookData,
} from '../modules/orders/orders.fixtures.js';
import { beginPayment } from '../modules/payments/index.js';
import { confirmCharge } from './resale-purchase.js';
import { refundOrder } from './resale-refund.js';

describe('cancelling an event unwinds its resale', () => {
  const ctx = useContext({ clock: 'manual' });

  it('refunds paid orders, cancels payouts, ends listings and open intentions, with webhooks', async () => {
    const s = await newSeller(ctx, 'cancel-event');
    const [sold, listed, held] = await listSingles(ctx, s, ['CX-1', 'CX-2', 'CX-3']);
    const bought = await buyOk(ctx, s.key, [sold!], 'paid@x.example');
    const paid = await pay(ctx, bought.intention.intentionId, bought.secret);
    expect(paid.body.data.order).toMatchObject({ status: 'COMPLETED' });
    const orderId = paid.body.data.order.orderId as string;
    expect(await payoutsOfOrder(ctx, orderId)).toMatchObject([{ status: 'SCHEDULED' }]);
    const open = await buyOk(ctx, s.key, [held!], 'unpaid@x.example');

    const res = await call(ctx, s.key, 'POST', '/v1/events/solo/cancellation');
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    const [order] = await ordersOfIntention(ctx, bought.intention.intentionId);
    expect(order).toMatchObject({ id: orderId, status: 'REFUND_PENDING', outcome: 'REFUNDED_SHOW_CANCELLED', refund_reason: 'EVENT_CANCELLED' });
    expect(await payoutsOfOrder(ctx, orderId)).toMatchObject([{ status: 'CANCELLED', cancel_reason: 'EVENT_CANCELLED' }]);
    expect(await listingRow(ctx, s.tenantId, sold!)).toMatchObject({ status: 'SOLD' });
    expect(await listingRow(ctx, s.tenantId, listed!)).toMatchObject({ status: 'TERMINATED', end_reason: 'EVENT_CANCELLED' });
    expect(await listingRow(ctx, s.tenantId, held!)).toMatchObject({ status: 'TERMINATED', end_reason: 'EVENT_CANCELLED', hold_intention_id: null });
    expect((await intentionRow(ctx, open.intention.intentionId))!.status).toBe('CANCELLED');

    const closed = await pay(ctx, open.intention.intentionId, open.secret);
    expect(closed.status).toBe(409);
    expect(errorOf(closed)!.code).toBe('INTENTION_CLOSED');
    expect(await paymentsOfIntention(ctx, open.intention.intentionId)).toEqual([]);

    await refundOrder(ctx.deps, s.tenantId, orderId);
    const [refunded] = await ordersOfIntention(ctx, bought.intention.intentionId);
    expect(refunded).toMatchObject({ status: 'REFUNDED' });
    expect(refunded!.refunded_at).not.toBeNull();
    expect((await paymentsOfIntention(ctx, bought.intention.intentionId)).map((p) => p.status)).toEqual(['REFUNDED']);
    // Still one order, and the buy intention says what happened.
    const got = await call(ctx, s.key, 'GET', `/v1/marketplace/buyingflow/buyIntention/${bought.intention.intentionId}`);
    expect(got.body.data).toMatchObject({ intention: { status: 'COMPLETED', orderId }, order: { status: 'REFUNDED', outcome: 'REFUNDED_SHOW_CANCELLED' } });

    const deleted = await webhookData(ctx, s.tenantId, 'listing.deleted');
    expect(deleted.map((d) => d.listingId as string).sort()).toEqual([listed!, held!].sort());
    expect(deleted.every((d) => d.status === 'TERMINATED')).toBe(true);
    const payouts = await webhookData(ctx, s.tenantId, 'payouts.cancelled');
    expect(payouts).toMatchObject([{ orderId, status: 'CANCELLED' }]);
    const refundedHooks = await webhookData(ctx, s.tenantId, 'listing.order_refunded');
    expect(refundedHooks).toMatchObject([{ orderId, status: 'REFUNDED', outcome: 'REFUNDED_SHOW_CANCELLED' }]);
  });

  it('a show cancellation touches only that show (SHOW_CANCELLED)', async () => {
    const s = await newSeller(ctx, 'cancel-show');
    await syncTickets(ctx, s.key, [ticket('D1-1', { showId: 'd1', price: 30 }, 'duo'), ticket('D2-1', { showId: 'd2', price: 30 }, 'duo')]);
    const l1 = (await listOk(ctx, s.key, ['D1-1'], 30)).listingId as string;
    const l2 = (await listOk(ctx, s.key, ['D2-1'], 30)).listingId as string;
    const open = await buyOk(ctx, s.key, [l1]);
    const res = await call(ctx, s.key, 'POST', '/v1/events/duo/cancellation?showId=d1');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await listingRow(ctx, s.tenantId, l1)).toMatchObject({ status: 'TERMINATED', end_reason: 'SHOW_CANCELLED' });
    expect(await listingRow(ctx, s.tenantId, l2)).toMatchObject({ status: 'ACTIVE' });
    expect((await intentionRow(ctx, open.intention.intentionId))!.status).toBe('CANCELLED');
  });

  it('a payment in flight when the event is cancelled is refunded when it confirms', async () => {
    const s = await newSeller(ctx, 'cancel-inflight');
    const [lst] = await listSingles(ctx, s, ['CF-1']);
    const { intention } = await buyOk(ctx, s.key, [lst!]);
    const id = intention.intentionId as string;
    // Step one of the purchase, as the checkout does it: PAYING with a PROCESSING payment.
    const payment = await withTx(ctx.deps.db, async (tx) => {
      await tx.updateTable('buy_intentions').set({ status: 'PAYING' }).where('id', '=', id).execute();
      return beginPayment(tx, ctx.deps, { tenantId: s.tenantId, purpose: 'RESALE_ORDER', currency: 'EUR', lines: [{ subjectId: id, kind: 'full', amountMinor: 3300 }], cardLast4: '4242', actor: { tenantId: s.tenantId, label: 'test' }, now: ctx.clock!.now() });
    });
    expect((await call(ctx, s.key, 'POST', '/v1/events/solo/cancellation')).status).toBe(200);
    expect((await intentionRow(ctx, id))!.status).toBe('CANCELLED');

    const result = await confirmCharge(ctx.deps, s.tenantId, payment.id, { status: 'succeeded', providerRef: `sbx_ch_${payment.id}`, last4: '4242' });
    expect(result).toMatchObject({ intention: { status: 'CANCELLED' }, payment: { status: 'SUCCEEDED' }, order: { status: 'REFUND_PENDING', outcome: 'REFUNDED_SHOW_CANCELLED', ticketIds: [] } });
    expect((await listingRow(ctx, s.tenantId, lst!))!.status).toBe('TERMINATED');
    await refundOrder(ctx.deps, s.tenantId, result.order!.orderId);
    expect((await paymentsOfIntention(ctx, id)).map((p) => p.status)).toEqual(['REFUNDED']);
    expect((await ordersOfIntention(ctx, id))[0]!.status).toBe('REFUNDED');
  });
});

describe('cancelling an event while a buyer pays', () => {
  const ctx = useContext({ clock: 'manual' });

  it('never leaves a completed order or a scheduled payout on a cancelled event (6 runs)', async () => {
    const s = await newSeller(ctx, 'cancel-race');
    for (let run = 0; run < 6; run++) {
      const prefix = `r${run}-`;
      await createEvents(ctx, s.key, prefix);
      await syncTickets(ctx, s.key, [ticket(`RC-${run}`, { price: 30, priceTypeId: 'adult' }, `${prefix}solo`)]);
      const lst = (await listOk(ctx, s.key, [`RC-${run}`], 30)).listingId as string;
      const { intention, secret } = await buyOk(ctx, s.key, [lst]);
      const [paid, cancelled] = await Promise.all([pay(ctx, intention.intentionId, secret), call(ctx, s.key, 'POST', `/v1/events/${prefix}solo/cancellation`)]);
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      const orders = await ordersOfIntention(ctx, intention.intentionId);
      const status = (await intentionRow(ctx, intention.intentionId))!.status;
      const listing = (await listingRow(ctx, s.tenantId, lst))!;
      if (paid.status === 409) {
        // The cancellation came first: nothing was charged.
        expect(errorOf(paid)!.code).toBe('INTENTION_CLOSED');
        expect(status).toBe('CANCELLED');
        expect(orders).toEqual([]);
        expect(await paymentsOfIntention(ctx, intention.intentionId)).toEqual([]);
      } else {
        expect(paid.status, JSON.stringify(paid.body)).toBe(200);
        expect(orders).toHaveLength(1);
        expect(orders[0]).toMatchObject({ status: 'REFUND_PENDING', outcome: 'REFUNDED_SHOW_CANCELLED' });
        expect(await payoutsOfOrder(ctx, orders[0]!.id)).not.toContainEqual(expect.objectContaining({ status: 'SCHEDULED' }));
        expect((await intentionRow(ctx, intention.intentionId))!.order_id).toBe(orders[0]!.id);
      }
      expect(['SOLD', 'TERMINATED']).toContain(listing.status);
      if (listing.status === 'SOLD') expect(orders[0]?.id).toBe(listing.sold_order_id);
    }
  });
});

describe('cancelling an event, with job workers running', () => {
  const ctx = useContext({ workers: true });

  it('the refund job refunds the paid order by itself', async () => {
    const s = await newSeller(ctx, 'cancel-workers');
    const [lst] = await listSingles(ctx, s, ['CW-1']);
    const bought = await buyOk(ctx, s.key, [lst!]);
    const paid = await pay(ctx, bought.intention.intentionId, bought.secret);
    const orderId = paid.body.data.order.orderId as string;
    expect((await call(ctx, s.key, 'POST', '/v1/events/solo/cancellation')).status).toBe(200);
    await waitFor(async () => ((await ordersOfIntention(ctx, bought.intention.intentionId))[0]!.status === 'REFUNDED' ? true : undefined), 15_000);
    expect((await paymentsOfIntention(ctx, bought.intention.intentionId)).map((p) => p.status)).toEqual(['REFUNDED']);
    expect(await payoutsOfOrder(ctx, orderId)).toMatchObject([{ status: 'CANCELLED' }]);
    expect((await webhookData(ctx, s.tenantId, 'listing.order_refunded')).map((d) => d.orderId)).toEqual([orderId]);
  });
});
