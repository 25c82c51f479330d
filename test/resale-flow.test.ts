import { afterAll, describe, expect, it } from 'vitest';
import { sweepMarketplace } from '../src/flows/marketplace-jobs.js';
import { ManualClock } from '../src/lib/clock.js';
import { paymentsOf } from '../src/modules/payments/index.js';
import { savePayoutAccount } from '../src/modules/payouts/index.js';
import { verifyWebhookSignature } from '../src/lib/signing.js';
import { call, createEvents, ticket } from '../src/modules/tickets/tickets.fixtures.js';
import { startReceiver, waitFor } from './fake-receiver.js';
import { useContext } from './harness.js';

/**
 * The resale purchase end to end (issue 4's flow test): create event → tickets → list → reserve →
 * pay with the sandbox → the ticket has a new owner, the seller's code is refused at the gate,
 * signed webhooks arrive, a payout is scheduled → the show ends → the seller gives a payout account →
 * the payout is released.
 */
describe('resale purchase, end to end', () => {
  const ctx = useContext({ workers: true });
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  it('sells a listed ticket to a buyer who pays with the sandbox, and pays the seller out after the show', async () => {
    const receiver = await startReceiver([200]);
    closers.push(() => receiver.close());
    const t = await ctx.createTenant('flow');
    const key = t.apiKey;
    const endpoint = await call(ctx, key, 'POST', '/v1/webhooks', { url: receiver.url });
    const secret = endpoint.body.data.secret as string;

    await createEvents(ctx, key);
    const sync = await call(ctx, key, 'POST', '/v1/sync/tickets', [ticket('T-1', { price: 30, props: { seating: { row: '4', seat: '9', section: 'A' } } })]);
    expect(sync.status).toBe(200);

    const listed = await call(ctx, key, 'POST', '/v1/marketplace/listings', { ticketIds: ['T-1'], price: 35, sellerEmail: 'T-1@fans.example' });
    expect(listed.status).toBe(200);
    const listing = listed.body.data;
    // Default fees: buyer 10 %, seller 5 %.
    expect(listing).toMatchObject({ type: 'SINGLE', status: 'ACTIVE', price: 35, fees: { buyer: 3.5, seller: 1.75 }, total: 38.5, currency: 'EUR', seats: [{ ticketId: 'T-1', row: '4', seat: '9', section: 'A' }] });

    const browse = await call(ctx, key, 'GET', '/v1/marketplace/items/events/solo/listedTickets');
    expect(browse.body.data.items).toMatchObject([{ listingId: listing.listingId }]);

    const reserved = await call(ctx, key, 'POST', '/v1/marketplace/buyingflow/buyIntention', { items: [listing.listingId], user: 'Buyer@Example.com' });
    expect(reserved.status).toBe(200);
    const intention = reserved.body.data;
    expect(intention).toMatchObject({ status: 'RESERVED', subtotal: 35, fees: 3.5, total: 38.5, currency: 'EUR', user: 'buyer@example.com' });
    const paymentUrl = new URL(intention.paymentUrl as string);
    expect(paymentUrl.pathname).toBe(`/es/checkout/${intention.intentionId}`);
    const paySecret = paymentUrl.searchParams.get('secret')!;

    // While held, the listing is not on offer and a second buyer is refused.
    expect((await call(ctx, key, 'GET', '/v1/marketplace/items/events/solo/listedTickets')).body.data.items).toEqual([]);
    const second = await call(ctx, key, 'POST', '/v1/marketplace/buyingflow/buyIntention', { items: [listing.listingId], user: 'other@example.com' });
    expect(second.status).toBe(409);
    expect(second.body.errors![0]).toMatchObject({ code: 'LISTING_UNAVAILABLE', details: { listingIds: [listing.listingId] } });

    // A wrong secret is a 404, a declined card is an answer and keeps the hold.
    expect((await call(ctx, undefined, 'POST', `/v1/checkout/${intention.intentionId}/pay`, { secret: 'nope', cardNumber: '4242424242424242' })).status).toBe(404);
    const declined = await call(ctx, undefined, 'POST', `/v1/checkout/${intention.intentionId}/pay`, { secret: paySecret, cardNumber: '4000000000000002' });
    expect(declined.status).toBe(200);
    expect(declined.body.data).toMatchObject({ intention: { status: 'RESERVED' }, payment: { status: 'DECLINED', failureCode: 'card_declined', cardLast4: '0002' }, order: null });

    const paid = await call(ctx, undefined, 'POST', `/v1/checkout/${intention.intentionId}/pay`, { secret: paySecret, cardNumber: '4242 4242 4242 4242' });
    expect(paid.status).toBe(200);
    const result = paid.body.data;
    expect(result.intention.status).toBe('COMPLETED');
    expect(result.payment).toMatchObject({ status: 'SUCCEEDED', amount: 38.5, provider: 'sandbox' });
    expect(result.order).toMatchObject({ status: 'COMPLETED', outcome: 'PAID', buyerEmail: 'buyer@example.com', ticketIds: ['T-1'], total: 38.5 });
    const orderId = result.order.orderId as string;

    // Paying again charges nothing and answers the same order.
    const again = await call(ctx, undefined, 'POST', `/v1/checkout/${intention.intentionId}/pay`, { secret: paySecret, cardNumber: '4242424242424242' });
    expect(again.body.data.order.orderId).toBe(orderId);
    expect((await paymentsOf(ctx.deps.db, t.tenantId, 'RESALE_ORDER', intention.intentionId)).filter((p) => p.status === 'SUCCEEDED')).toHaveLength(1);

    // The ticket is the buyer's, waits LOCKED for a new code, and the seller's code is refused.
    const got = await call(ctx, key, 'GET', '/v1/tickets/T-1');
    expect(got.body.data).toMatchObject({ status: 'VALID', ticketAccess: { status: 'LOCKED', reissuePending: true } });
    const listingAfter = await call(ctx, key, 'GET', '/v1/marketplace/listings/ticket/T-1');
    expect(listingAfter.body.data).toMatchObject({ status: 'SOLD', listingId: listing.listingId });
    const oldCode = await call(ctx, key, 'POST', '/v1/tickets/T-1/eventAdmission', { entryDate: '2027-06-01T20:00:00Z', locator: 'https://t.example/T-1' });
    expect(oldCode.status).toBe(409);
    expect(oldCode.body.errors![0]!.code).toBe('ACCESS_CODE_SUPERSEDED');

    // The integrator re-issues the ticket; the new owner gets in with the new code.
    const reissued = await call(ctx, key, 'PUT', '/v1/tickets/T-1', { ticketAccess: { type: 'URL', locator: 'https://t.example/T-1-new' } });
    expect(reissued.status).toBe(200);
    expect(reissued.body.data.ticketAccess).toMatchObject({ status: 'UNLOCKED', reissuePending: false });

    // A payout is scheduled for after the show; webhooks arrive, signed.
    const payouts = await ctx.deps.db.selectFrom('payouts').selectAll().where('order_id', '=', orderId).execute();
    expect(payouts).toHaveLength(1);
    expect(payouts[0]).toMatchObject({ status: 'SCHEDULED', seller_email: 't-1@fans.example', amount_minor: 3325, currency: 'EUR' });
    const types = ['listing.created', 'listing.updated', 'ticket.updated', 'payouts.scheduled'];
    // Deliveries are concurrent: wait for the very messages asserted below (the SOLD update and the
    // ownership change), not only for some message of each type (ticket.updated also reports LISTED).
    type Message = { family: string; action: string; data: Record<string, unknown> };
    const arrived = (): Message[] => receiver.received.map((r) => (JSON.parse(r.body) as { message: Message }).message);
    await waitFor(
      () =>
        (types.every((type) => arrived().some((m) => m && m.action === type)) &&
          arrived().some((m) => m.family === 'listing' && m.action === 'listing.updated' && m.data.status === 'SOLD') &&
          arrived().some((m) => m.family === 'ticket' && m.action === 'ticket.updated' && 'newOwnerEmail' in m.data)) ||
        undefined,
    );
    for (const r of receiver.received) {
      expect(verifyWebhookSignature(secret, r.body, r.headers['encore-signature'] as string, Math.floor(Date.now() / 1000))).toBe(true);
    }
    const messages = receiver.received.map((r) => (JSON.parse(r.body) as { message: { family: string; action: string; data: Record<string, unknown> } }).message);
    expect(messages.find((m) => m.family === 'ticket' && m.action === 'ticket.updated' && 'newOwnerEmail' in m.data)?.data).toEqual({ id: 'T-1', newOwnerEmail: 'buyer@example.com', previousOwnerEmail: 't-1@fans.example', orderId });
    expect(messages.filter((m) => m.family === 'listing' && m.action === 'listing.updated').map((m) => m.data.status as string).sort()).toEqual(['RESERVED', 'SOLD']);

    // Before the show ends nothing is released; after it, the payout waits for the seller's payout
    // account, and the sweep after the seller gives one releases it.
    const before = new ManualClock('2027-06-01T20:00:00Z');
    expect((await sweepMarketplace({ ...ctx.deps, clock: before })).payouts).toBe(0);
    const after = new ManualClock('2027-06-03T00:00:00Z');
    expect((await sweepMarketplace({ ...ctx.deps, clock: after })).payouts).toBe(0);
    expect((await ctx.deps.db.selectFrom('payouts').select('status').where('order_id', '=', orderId).executeTakeFirstOrThrow()).status).toBe('SCHEDULED');
    await savePayoutAccount(ctx.deps, { tenantId: t.tenantId, label: 'test' }, { sellerEmail: 'T-1@fans.example', holderName: 'Ticket Seller', iban: 'ES91 2100 0418 4502 0005 1332' });
    expect((await sweepMarketplace({ ...ctx.deps, clock: after })).payouts).toBe(1);
    const released = await ctx.deps.db.selectFrom('payouts').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow();
    expect(released.status).toBe('RELEASED');
    // The release's webhook is written in the release's transaction, stamped with the sweep's (manual,
    // future) clock: the dispatcher, on the real clock, sends it when that time comes. The outbox row
    // is the release's part; sending due rows is the webhook tests' (src/modules/webhooks).
    const releasedHook = await ctx.deps.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'body'])
      .where('tenant_id', '=', t.tenantId)
      .where('event_type', '=', 'payouts.released')
      .execute();
    expect(releasedHook).toHaveLength(1);
    expect(releasedHook[0]!.status).toBe('PENDING');
  });
});
