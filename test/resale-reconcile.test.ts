import { describe, expect, it } from 'vitest';
import { sweepMarketplace } from '../src/flows/marketplace-jobs.js';
import { call, createEvents, ticket } from '../src/modules/tickets/tickets.fixtures.js';
import { insertStrandedPayment } from '../src/modules/payments/payments.fixtures.js';
import { useContext } from './harness.js';

/**
 * A process that dies between the provider's charge and its confirmation leaves a PROCESSING payment
 * and a PAYING intention. The sweep asks the provider (by payment id) and confirms as if the answer
 * had just arrived: the purchase completes exactly once, or the hold goes back to the buyer.
 */
describe('reconciling payments whose confirmation was lost', () => {
  const ctx = useContext({ clock: 'manual' });

  async function strandedPayment(t: { tenantId: string; apiKey: string }, ticketId: string, last4: string) {
    const sync = await call(ctx, t.apiKey, 'POST', '/v1/sync/tickets', [ticket(ticketId, { price: 20 })]);
    expect(sync.status).toBe(200);
    const listing = await call(ctx, t.apiKey, 'POST', '/v1/marketplace/listings', { ticketIds: [ticketId], price: 20, sellerEmail: `${ticketId}@fans.example` });
    const reserved = await call(ctx, t.apiKey, 'POST', '/v1/marketplace/buyingflow/buyIntention', { items: [listing.body.data.listingId], user: 'late@example.com' });
    const intention = reserved.body.data;
    const now = ctx.clock!.now();
    // What `begin` leaves behind when the process dies before step three.
    await ctx.deps.db.updateTable('buy_intentions').set({ status: 'PAYING', updated_at: now }).where('id', '=', intention.intentionId).execute();
    await insertStrandedPayment(ctx.deps.db, { tenantId: t.tenantId, id: `pay_stranded_${ticketId.toLowerCase()}`, purpose: 'RESALE_ORDER', subjectId: intention.intentionId, amountMinor: intention.total * 100, at: now, cardLast4: last4 });
    return intention as { intentionId: string };
  }

  it('completes a charge the provider took, once, and gives back a hold whose charge was declined', async () => {
    const t = await ctx.createTenant('reconcile');
    await createEvents(ctx, t.apiKey);
    const taken = await strandedPayment(t, 'R-1', '4242');
    const declined = await strandedPayment(t, 'R-2', '0002');

    // Too recent: a live request may still be waiting for the provider.
    expect((await sweepMarketplace(ctx.deps)).payments).toBe(0);
    ctx.clock!.advance(3 * 60 * 1000);
    expect((await sweepMarketplace(ctx.deps)).payments).toBe(2);
    expect((await sweepMarketplace(ctx.deps)).payments).toBe(0);

    const first = await call(ctx, t.apiKey, 'GET', `/v1/marketplace/buyingflow/buyIntention/${taken.intentionId}`);
    expect(first.body.data.intention.status).toBe('COMPLETED');
    expect(first.body.data.order).toMatchObject({ status: 'COMPLETED', outcome: 'PAID', ticketIds: ['R-1'] });
    expect((await ctx.deps.db.selectFrom('tickets').select('buyer_email').where('ticket_id', '=', 'R-1').executeTakeFirstOrThrow()).buyer_email).toBe('late@example.com');

    const second = await call(ctx, t.apiKey, 'GET', `/v1/marketplace/buyingflow/buyIntention/${declined.intentionId}`);
    expect(second.body.data.intention.status).toBe('RESERVED');
    expect(second.body.data.order).toBeNull();
    const payment = await ctx.deps.db.selectFrom('payments').selectAll().where('id', '=', 'pay_stranded_r-2').executeTakeFirstOrThrow();
    expect(payment).toMatchObject({ status: 'DECLINED', failure_code: 'card_declined' });
  });
});
