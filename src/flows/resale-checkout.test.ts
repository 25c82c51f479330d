import { describe, expect, it } from 'vitest';
import { ignoredFieldsOf, STRICT } from '../../test/client.js';
import { useContext } from '../../test/harness.js';
import {
  buy,
  buyOk,
  call,
  CARD,
  errorOf,
  intentionRow,
  listingRow,
  listSingles,
  MINUTE,
  newSeller,
  ordersOfIntention,
  pay,
  paymentsOfIntention,
  payoutsOfOrder,
  priced,
  syncTickets,
  webhookData,
  webhooksOf,
} from '../modules/orders/orders.fixtures.js';
import { listOk } from '../modules/listings/listings.fixtures.js';
import { withTx } from '../db/tx.js';
import { beginPayment } from '../modules/payments/index.js';
import { runRefund } from './payment-settlements.js';
import { confirmCharge } from './resale-purchase.js';
import { refundOrder } from './resale-refund.js';

describe('checkout endpoints (no API key, guarded by the paymentUrl secret)', () => {
  const ctx = useContext({ clock: 'manual' });

  it('GET /v1/checkout/:id answers the intention; a wrong secret and an unknown id are the same 404', async () => {
    const s = await newSeller(ctx, 'get');
    const [a] = await listSingles(ctx, s, ['CG-1']);
    const { intention, secret } = await buyOk(ctx, s.key, [a!]);
    const got = await call(ctx, undefined, 'GET', `/v1/checkout/${intention.intentionId}?secret=${encodeURIComponent(secret)}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({ intention: { intentionId: intention.intentionId, status: 'RESERVED', total: 33 }, order: null });
    const wrong = await call(ctx, undefined, 'GET', `/v1/checkout/${intention.intentionId}?secret=nope`);
    expect(wrong.status).toBe(404);
    expect(errorOf(wrong)!.code).toBe('INTENTION_NOT_FOUND');
    const unknown = await call(ctx, undefined, 'GET', `/v1/checkout/bi_unknown?secret=${encodeURIComponent(secret)}`);
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown)!.code).toBe('INTENTION_NOT_FOUND');
    expect((await call(ctx, undefined, 'GET', `/v1/checkout/${intention.intentionId}`)).status).toBe(400);
  });

  it('a declined card keeps the hold; another card then pays; paying again charges nothing', async () => {
    const s = await newSeller(ctx, 'declined');
    const [a] = await listSingles(ctx, s, ['CD-1']);
    const { intention, secret } = await buyOk(ctx, s.key, [a!]);
    const id = intention.intentionId as string;
    const declined = await pay(ctx, id, secret, CARD.declined);
    expect(declined.status).toBe(200);
    expect(declined.body.data).toMatchObject({ intention: { status: 'RESERVED' }, payment: { status: 'DECLINED', failureCode: 'card_declined' }, order: null });
    expect((await listingRow(ctx, s.tenantId, a!))!).toMatchObject({ status: 'RESERVED', hold_intention_id: id });

    const paid = await pay(ctx, id, secret, '4242-4242-4242-4242');
    expect(paid.status).toBe(200);
    expect(paid.body.data).toMatchObject({ intention: { status: 'COMPLETED' }, payment: { status: 'SUCCEEDED', amount: 33 }, order: { status: 'COMPLETED', outcome: 'PAID', ticketIds: ['CD-1'] } });
    const orderId = paid.body.data.order.orderId as string;
    expect((await listingRow(ctx, s.tenantId, a!))!).toMatchObject({ status: 'SOLD', sold_order_id: orderId });
    expect(await payoutsOfOrder(ctx, orderId)).toMatchObject([{ status: 'SCHEDULED', amount_minor: 2850 }]);

    const again = await pay(ctx, id, secret, CARD.ok);
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ intention: { status: 'COMPLETED' }, order: { orderId } });
    // The answer is the payment that paid, not the declined one made in the same instant.
    expect(again.body.data.payment).toMatchObject({ status: 'SUCCEEDED', paymentId: paid.body.data.payment.paymentId });
    const payments = await paymentsOfIntention(ctx, id);
    expect(payments.map((p) => p.status).sort()).toEqual(['DECLINED', 'SUCCEEDED']);
    expect(await ordersOfIntention(ctx, id)).toHaveLength(1);
    const got = await call(ctx, undefined, 'GET', `/v1/checkout/${id}?secret=${encodeURIComponent(secret)}`);
    expect(got.body.data).toMatchObject({ intention: { status: 'COMPLETED' }, order: { orderId } });
  });

  it('a card that fails after a delay is FAILED and keeps the hold', async () => {
    const s = await newSeller(ctx, 'slow');
    const [a] = await listSingles(ctx, s, ['CS-1']);
    const { intention, secret } = await buyOk(ctx, s.key, [a!]);
    const res = await pay(ctx, intention.intentionId, secret, CARD.slowFail);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ intention: { status: 'RESERVED' }, payment: { status: 'FAILED', failureCode: 'processing_error' }, order: null });
    expect((await listingRow(ctx, s.tenantId, a!))!.status).toBe('RESERVED');
  });

  it('a mistyped card number is 400 on cardNumber, before anything is charged; a wrong secret is 404; an unknown field is 400 only under Encore-Strict', async () => {
    const s = await newSeller(ctx, 'luhn');
    const [a] = await listSingles(ctx, s, ['CL-1']);
    const { intention, secret } = await buyOk(ctx, s.key, [a!]);
    const res = await pay(ctx, intention.intentionId, secret, '4242424242424241');
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_ERROR', field: 'cardNumber' });
    const wrong = await pay(ctx, intention.intentionId, 'wrong', CARD.ok);
    expect(wrong.status).toBe(404);
    const strict = await call(ctx, undefined, 'POST', `/v1/checkout/${intention.intentionId}/pay`, { secret, cardNumber: CARD.ok, tip: 1 }, STRICT);
    expect(strict.status).toBe(400);
    expect(errorOf(strict)).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'tip' });
    expect(await paymentsOfIntention(ctx, intention.intentionId)).toEqual([]);
    expect((await intentionRow(ctx, intention.intentionId))!.status).toBe('RESERVED');

    // Without Encore-Strict the unknown field is only named, and the card is charged.
    const lenient = await call(ctx, undefined, 'POST', `/v1/checkout/${intention.intentionId}/pay`, { secret, cardNumber: CARD.ok, tip: 1 });
    expect(lenient.status, JSON.stringify(lenient.body)).toBe(200);
    expect(ignoredFieldsOf(lenient)).toEqual(['tip']);
    expect(lenient.body.data).toMatchObject({ intention: { status: 'COMPLETED' }, payment: { status: 'SUCCEEDED' } });
    expect(await paymentsOfIntention(ctx, intention.intentionId)).toHaveLength(1);
  });

  it('a payment while another is in flight is 409 PAYMENT_IN_PROGRESS (race of two pays with the slow card)', async () => {
    const s = await newSeller(ctx, 'inflight');
    const [a, b] = await listSingles(ctx, s, ['CI-1', 'CI-2']);
    const { intention, secret } = await buyOk(ctx, s.key, [a!]);
    const [first, second] = await Promise.all([pay(ctx, intention.intentionId, secret, CARD.slowFail), pay(ctx, intention.intentionId, secret, CARD.slowFail)]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([200, 409]);
    const conflict = first.status === 409 ? first : second;
    expect(errorOf(conflict)!.code).toBe('PAYMENT_IN_PROGRESS');
    expect(await paymentsOfIntention(ctx, intention.intentionId)).toHaveLength(1);

    // The same with the status set by hand.
    const other = await buyOk(ctx, s.key, [b!]);
    await ctx.deps.db.updateTable('buy_intentions').set({ status: 'PAYING' }).where('id', '=', other.intention.intentionId).execute();
    const res = await pay(ctx, other.intention.intentionId, other.secret, CARD.ok);
    expect(res.status).toBe(409);
    expect(errorOf(res)!.code).toBe('PAYMENT_IN_PROGRESS');
  });

  it('a late payment completes when nobody took the listing (PAID_AFTER_HOLD_EXPIRED)', async () => {
    const s = await newSeller(ctx, 'late-ok');
    const [a] = await listSingles(ctx, s, ['LO-1']);
    const { intention, secret } = await buyOk(ctx, s.key, [a!]);
    ctx.clock!.advance(15 * MINUTE);
    const res = await pay(ctx, intention.intentionId, secret);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ intention: { status: 'COMPLETED' }, payment: { status: 'SUCCEEDED' }, order: { status: 'COMPLETED', outcome: 'PAID_AFTER_HOLD_EXPIRED' } });
    expect((await listingRow(ctx, s.tenantId, a!))!.status).toBe('SOLD');
  });

  it('a late payment after the sweeper expired the intention completes too, when the listing is still free', async () => {
    const s = await newSeller(ctx, 'late-swept');
    const [a] = await listSingles(ctx, s, ['LS-1']);
    const { intention, secret } = await buyOk(ctx, s.key, [a!]);
    ctx.clock!.advance(15 * MINUTE);
    const { sweepMarketplace } = await import('./marketplace-jobs.js');
    await sweepMarketplace(ctx.deps);
    expect((await intentionRow(ctx, intention.intentionId))!.status).toBe('EXPIRED');
    const res = await pay(ctx, intention.intentionId, secret);
    expect(res.body.data).toMatchObject({ intention: { status: 'COMPLETED' }, order: { status: 'COMPLETED', outcome: 'PAID_AFTER_HOLD_EXPIRED' } });
  });

  it('a late payment whose listing another buyer holds is refused before any charge; the other buyer’s hold is untouched', async () => {
    const s = await newSeller(ctx, 'late-taken');
    const [a] = await listSingles(ctx, s, ['LT-1']);
    const first = await buyOk(ctx, s.key, [a!], 'first@x.example');
    ctx.clock!.advance(11 * MINUTE);
    const second = await buyOk(ctx, s.key, [a!], 'second@x.example');
    const held = (await listingRow(ctx, s.tenantId, a!))!;

    const res = await pay(ctx, first.intention.intentionId, first.secret);
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'LISTING_UNAVAILABLE', details: { listingIds: [a], intentionId: first.intention.intentionId } });
    expect(errorOf(res)?.message).toMatch(/nothing was charged/);
    expect(await paymentsOfIntention(ctx, first.intention.intentionId)).toEqual([]);
    expect(await ordersOfIntention(ctx, first.intention.intentionId)).toEqual([]);
    expect((await intentionRow(ctx, first.intention.intentionId))!.status).toBe('EXPIRED');
    expect(await listingRow(ctx, s.tenantId, a!)).toEqual(held);

    // The second buyer still gets it; paying the first intention again is refused again, uncharged.
    const paid = await pay(ctx, second.intention.intentionId, second.secret);
    expect(paid.body.data).toMatchObject({ intention: { status: 'COMPLETED' }, order: { status: 'COMPLETED', outcome: 'PAID' } });
    expect((await pay(ctx, first.intention.intentionId, first.secret)).status).toBe(409);
    expect(await paymentsOfIntention(ctx, first.intention.intentionId)).toEqual([]);
  });

  it('a listing taken between the check and the confirmation (the race the check cannot close) is refunded once', async () => {
    const s = await newSeller(ctx, 'late-race');
    const [a] = await listSingles(ctx, s, ['LX-1']);
    const first = await buyOk(ctx, s.key, [a!], 'first@x.example');
    ctx.clock!.advance(11 * MINUTE);
    // Step one passed the check (nobody held the listing) and the card is being charged …
    const id = first.intention.intentionId as string;
    const payment = await withTx(ctx.deps.db, async (tx) => {
      await tx.updateTable('buy_intentions').set({ status: 'PAYING' }).where('id', '=', id).execute();
      return beginPayment(tx, ctx.deps, { tenantId: s.tenantId, purpose: 'RESALE_ORDER', currency: 'EUR', lines: [{ subjectId: id, kind: 'full', amountMinor: 3300 }], cardLast4: '4242', actor: { tenantId: s.tenantId, label: 'test' }, now: ctx.clock!.now() });
    });
    // … when another buyer takes the listing, whose hold had run out.
    const second = await buyOk(ctx, s.key, [a!], 'second@x.example');
    const held = (await listingRow(ctx, s.tenantId, a!))!;
    const data = await confirmCharge(ctx.deps, s.tenantId, payment.id, { status: 'succeeded', providerRef: `sbx_ch_${payment.id}`, last4: '4242' });
    expect(data).toMatchObject({ intention: { status: 'REFUNDED' }, payment: { status: 'SUCCEEDED' }, order: { status: 'REFUND_PENDING', outcome: 'REFUNDED_LISTINGS_UNAVAILABLE', ticketIds: [] } });
    const orderId = data.order!.orderId;
    expect(await listingRow(ctx, s.tenantId, a!)).toEqual(held);
    expect(await payoutsOfOrder(ctx, orderId)).toEqual([]);

    await refundOrder(ctx.deps, s.tenantId, orderId);
    const [order] = await ordersOfIntention(ctx, id);
    expect(order).toMatchObject({ status: 'REFUNDED', outcome: 'REFUNDED_LISTINGS_UNAVAILABLE' });
    expect(order!.refunded_at).not.toBeNull();
    expect((await paymentsOfIntention(ctx, id)).map((p) => p.status)).toEqual(['REFUNDED']);
    expect((await webhookData(ctx, s.tenantId, 'listing.order_refunded')).map((d) => d.orderId)).toEqual([orderId]);
    // Idempotent: a retried job, or the payments refund job sent with the decision, changes nothing.
    await refundOrder(ctx.deps, s.tenantId, orderId);
    await runRefund(ctx.deps, s.tenantId, payment.id);
    expect(await webhooksOf(ctx, s.tenantId, 'listing.order_refunded')).toHaveLength(1);

    const paid = await pay(ctx, second.intention.intentionId, second.secret);
    expect(paid.body.data).toMatchObject({ intention: { status: 'COMPLETED' }, order: { status: 'COMPLETED', outcome: 'PAID' } });
    // Paying the refunded intention again charges nothing.
    const again = await pay(ctx, id, first.secret);
    expect(again.body.data).toMatchObject({ intention: { status: 'REFUNDED' }, order: { orderId } });
    expect(await paymentsOfIntention(ctx, id)).toHaveLength(1);
  });

  it('a late payment for a listing re-priced after the hold expired is refused before any charge', async () => {
    const s = await newSeller(ctx, 'late-repriced');
    const [a] = await listSingles(ctx, s, ['LR-1']);
    const { intention, secret } = await buyOk(ctx, s.key, [a!]);
    const early = await call(ctx, s.key, 'PATCH', `/v1/marketplace/listings/${a}`, { price: 32 });
    expect(early.status).toBe(409);
    ctx.clock!.advance(10 * MINUTE);
    const repriced = await call(ctx, s.key, 'PATCH', `/v1/marketplace/listings/${a}`, { price: 32 });
    expect(repriced.status, JSON.stringify(repriced.body)).toBe(200);
    const res = await pay(ctx, intention.intentionId, secret);
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'LISTING_UNAVAILABLE', details: { listingIds: [a] } });
    expect(await paymentsOfIntention(ctx, intention.intentionId)).toEqual([]);
    expect((await listingRow(ctx, s.tenantId, a!))!).toMatchObject({ status: 'ACTIVE', price_minor: 3200, hold_intention_id: null });
    // Someone else can buy it at the new price.
    const next = await buy(ctx, s.key, [a!], 'next@x.example');
    expect(next.body.data).toMatchObject({ subtotal: 32 });
  });

  it('a PACK is bought whole: price × quantity, both tickets to the buyer, one payout', async () => {
    const s = await newSeller(ctx, 'pack');
    await syncTickets(ctx, s.key, [priced('PK-1', 30, { orderId: 'o-pk' }), priced('PK-2', 30, { buyer: 'PK-1@fans.example', orderId: 'o-pk' })]);
    const pack = (await listOk(ctx, s.key, ['PK-1', 'PK-2'], 30)).listingId as string;
    const { intention, secret } = await buyOk(ctx, s.key, [pack]);
    expect(intention).toMatchObject({ items: [{ listingId: pack, type: 'PACK', quantity: 2, ticketIds: ['PK-1', 'PK-2'], price: 30, fees: 3, total: 66 }], subtotal: 60, fees: 6, total: 66 });
    const paid = await pay(ctx, intention.intentionId, secret);
    expect(paid.body.data).toMatchObject({ payment: { amount: 66 }, order: { status: 'COMPLETED', ticketIds: ['PK-1', 'PK-2'], total: 66 } });
    expect(await payoutsOfOrder(ctx, paid.body.data.order.orderId as string)).toMatchObject([{ status: 'SCHEDULED', amount_minor: 5700 }]);
  });

  it('a checkout-URL buyer who is the seller is 409 OWN_LISTING on buyerEmail, and the hold stays', async () => {
    const s = await newSeller(ctx, 'url-own');
    const [a] = await listSingles(ctx, s, ['UO-1']);
    const res = await call(ctx, s.key, 'POST', '/v1/marketplace/checkout/url', { listingIds: [a] });
    const url = new URL(res.body.data as string);
    const id = url.pathname.split('/').at(-1)!;
    const own = await pay(ctx, id, url.searchParams.get('secret')!, CARD.ok, 'UO-1@fans.example');
    expect(own.status).toBe(409);
    expect(errorOf(own)).toMatchObject({ code: 'OWN_LISTING', field: 'buyerEmail' });
    expect((await intentionRow(ctx, id))!).toMatchObject({ status: 'RESERVED', buyer_email: null });
    expect(await paymentsOfIntention(ctx, id)).toEqual([]);
  });

  it('a checkout-page email holds for one attempt: after a declined card the buyer may give another, which the order then carries', async () => {
    const s = await newSeller(ctx, 'url-retry');
    const [a] = await listSingles(ctx, s, ['UR-1']);
    const res = await call(ctx, s.key, 'POST', '/v1/marketplace/checkout/url', { listingIds: [a] });
    const url = new URL(res.body.data as string);
    const id = url.pathname.split('/').at(-1)!;
    const secret = url.searchParams.get('secret')!;
    const declined = await pay(ctx, id, secret, CARD.declined, 'Typo@Buyer.example');
    expect(declined.status).toBe(200);
    expect(declined.body.data).toMatchObject({ intention: { status: 'RESERVED', user: null }, payment: { status: 'DECLINED' } });
    expect((await intentionRow(ctx, id))!).toMatchObject({ buyer_email: null, buyer_from_checkout: false });
    // Without an email the page must ask again.
    expect(errorOf(await pay(ctx, id, secret, CARD.ok))).toMatchObject({ code: 'VALIDATION_ERROR', field: 'buyerEmail' });
    const paid = await pay(ctx, id, secret, CARD.ok, 'right@buyer.example');
    expect(paid.status).toBe(200);
    expect(paid.body.data).toMatchObject({ intention: { status: 'COMPLETED', user: 'right@buyer.example' }, order: { buyerEmail: 'right@buyer.example' } });
  });

  it('a buyer the integrator named cannot be changed by the page: another buyerEmail is 400, the same one (any case) pays', async () => {
    const s = await newSeller(ctx, 'named');
    const [a, b] = await listSingles(ctx, s, ['NB-1', 'NB-2']);
    const { intention, secret } = await buyOk(ctx, s.key, [a!], 'named@buyer.example');
    const other = await pay(ctx, intention.intentionId as string, secret, CARD.ok, 'someone@else.example');
    expect(other.status).toBe(400);
    expect(errorOf(other)).toMatchObject({ code: 'VALIDATION_ERROR', field: 'buyerEmail' });
    expect(await paymentsOfIntention(ctx, intention.intentionId as string)).toEqual([]);
    // Declined: the integrator's buyer stays named.
    expect((await pay(ctx, intention.intentionId as string, secret, CARD.declined)).body.data).toMatchObject({ intention: { user: 'named@buyer.example' } });
    const same = await pay(ctx, intention.intentionId as string, secret, CARD.ok, 'Named@Buyer.example');
    expect(same.body.data).toMatchObject({ intention: { status: 'COMPLETED' }, order: { buyerEmail: 'named@buyer.example' } });
    // Login trust on a checkout URL names the buyer the same way.
    const trusted = await call(ctx, s.key, 'POST', '/v1/marketplace/checkout/url?loginTrust[withMethod]=email&loginTrust[user]=trusted@buyer.example', { listingIds: [b] });
    const turl = new URL(trusted.body.data as string);
    const tid = turl.pathname.split('/').at(-1)!;
    expect(errorOf(await pay(ctx, tid, turl.searchParams.get('secret')!, CARD.ok, 'x@y.example'))).toMatchObject({ field: 'buyerEmail' });
  });

  it('a late payment for a listing the seller withdrew after the hold expired is refused before any charge', async () => {
    const s = await newSeller(ctx, 'late-withdrawn');
    const [a] = await listSingles(ctx, s, ['LW-1']);
    const { intention, secret } = await buyOk(ctx, s.key, [a!]);
    expect((await call(ctx, s.key, 'DELETE', '/v1/marketplace/items/ticket/LW-1')).status).toBe(409);
    ctx.clock!.advance(10 * MINUTE);
    expect((await call(ctx, s.key, 'DELETE', '/v1/marketplace/items/ticket/LW-1')).status).toBe(200);
    const res = await pay(ctx, intention.intentionId, secret);
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'LISTING_UNAVAILABLE', details: { listingIds: [a] } });
    expect(await paymentsOfIntention(ctx, intention.intentionId)).toEqual([]);
    expect((await listingRow(ctx, s.tenantId, a!))!.status).toBe('TERMINATED');
  });

  it('a declined card after the hold ran out ends the intention and frees the listing', async () => {
    const s = await newSeller(ctx, 'late-declined');
    const [a] = await listSingles(ctx, s, ['LD-1']);
    const { intention, secret } = await buyOk(ctx, s.key, [a!]);
    ctx.clock!.advance(12 * MINUTE);
    const res = await pay(ctx, intention.intentionId, secret, CARD.declined);
    expect(res.body.data).toMatchObject({ intention: { status: 'EXPIRED' }, payment: { status: 'DECLINED' }, order: null });
    expect((await listingRow(ctx, s.tenantId, a!))!).toMatchObject({ status: 'ACTIVE', hold_intention_id: null });
  });
});
