import { describe, expect, it } from 'vitest';
import { sweepMarketplace } from '../src/flows/marketplace-jobs.js';
import { ManualClock } from '../src/lib/clock.js';
import { consumeOneTimeToken } from '../src/modules/auth-tokens/index.js';
import { buyOk, call, CARD, newSeller, pay, priced, syncTickets } from '../src/modules/orders/orders.fixtures.js';
import type { Dyn } from './client.js';
import { useContext } from './harness.js';

const ANA = 'ana@fans.example';
const BUYER = 'buyer@x.example';

/**
 * Issue 11's end-to-end walk of one ticket through the Smart Access Layer's sell mode, with the
 * real endpoints only: SELLABLE → listed (POST /v1/marketplace/listings) → FOR_SALE → bought with a
 * declined then a good test card (buy intention, checkout pay) → SOLD with PENDING_PAYOUT_INFO →
 * payout account given (PUT …/sellers/payout-account) → SOLD with DETAILS only → the payout,
 * held after the show until the account existed, is released.
 */
describe('one ticket through sell mode: SELLABLE → FOR_SALE → SOLD', () => {
  const ctx = useContext({ clock: 'manual' });

  it('walks the ticket with the real listing, checkout and payout-account endpoints', async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    const s = await newSeller(ctx, 'journey');
    await syncTickets(ctx, s.key, [priced('J1', 30, { buyer: ANA })]);
    const sell = async (user: string): Promise<Dyn> => {
      const res = await call(ctx, s.key, 'POST', '/v1/wrapper/accesslayer?lang=en', { user, tickets: [{ ticketId: 'J1' }] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data.tickets[0];
    };
    const ctas = (t: Dyn): string[] => (t.ctas as { type: string }[]).map((c) => c.type);

    // 1. SELLABLE: the SELL link signs Ana in on the sell page.
    const sellable = await sell(ANA);
    expect(sellable).toMatchObject({ status: 'SELLABLE' });
    expect(ctas(sellable)).toEqual(['SELL']);
    const token = new URL(sellable.ctas[0].url).searchParams.get('oneTimeToken')!;
    expect(await consumeOneTimeToken(ctx.deps, token)).toMatchObject({ user: ANA });

    // 2. Listed through the listing endpoint: FOR_SALE with the listing.
    const listed = await call(ctx, s.key, 'POST', '/v1/marketplace/listings', { ticketIds: ['J1'], price: 42, sellerEmail: ANA });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const listingId = listed.body.data.listingId as string;
    const forSale = await sell(ANA);
    expect(forSale).toMatchObject({ status: 'FOR_SALE', listing: { listingId, price: 42, currency: 'EUR', status: 'ACTIVE' } });
    expect(ctas(forSale)).toEqual(['EDIT', 'DETAILS']);

    // 3. Held by a buyer, still FOR_SALE (RESERVED); a declined card, then a good one.
    const { intention, secret } = await buyOk(ctx, s.key, [listingId], BUYER);
    expect((await sell(ANA)).listing.status).toBe('RESERVED');
    const declined = await pay(ctx, intention.intentionId, secret, CARD.declined);
    expect(declined.body.data, JSON.stringify(declined.body)).toMatchObject({ payment: { status: 'DECLINED' }, order: null });
    expect((await sell(ANA)).status).toBe('FOR_SALE');
    const paid = await pay(ctx, intention.intentionId, secret, CARD.ok);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);

    // 4. SOLD: DETAILS and PENDING_PAYOUT_INFO (Ana has no payout account); the buyer now holds it.
    const sold = await sell(ANA);
    expect(sold).toMatchObject({ status: 'SOLD', listing: { listingId, price: 42, status: 'SOLD' } });
    expect(ctas(sold)).toEqual(['DETAILS', 'PENDING_PAYOUT_INFO']);
    expect(new URL(sold.ctas[1].url).pathname).toBe(`/en/marketplace/tenants/${s.tenantId}/payout-details`);
    const buyers = await sell(BUYER);
    expect(buyers).toMatchObject({ status: 'SELLABLE' });
    expect(buyers.listing).toBeUndefined();

    // 5. After the show the payout waits for Ana's details.
    const after = new ManualClock(new Date('2027-06-03T00:00:00Z'));
    await sweepMarketplace({ ...ctx.deps, clock: after });
    const payout = () => ctx.deps.db.selectFrom('payouts').select(['status', 'seller_email']).where('tenant_id', '=', s.tenantId).executeTakeFirstOrThrow();
    expect(await payout()).toEqual({ status: 'SCHEDULED', seller_email: ANA });

    // 6. Ana gives her payout account: SOLD with DETAILS only, and the next sweep releases the payout.
    const account = await call(ctx, s.key, 'PUT', '/v1/marketplace/sellers/payout-account', { sellerEmail: ANA, holderName: 'Ana García', iban: 'ES91 2100 0418 4502 0005 1332' });
    expect(account.status, JSON.stringify(account.body)).toBe(200);
    expect(ctas(await sell(ANA))).toEqual(['DETAILS']);
    await sweepMarketplace({ ...ctx.deps, clock: after });
    expect((await payout()).status).toBe('RELEASED');
  });
});
