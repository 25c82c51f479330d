import { describe, expect, it } from 'vitest';
import { useContext } from '../../test/harness.js';
import { call, listOk, priced, sellerTenant, syncTickets } from '../modules/listings/listings.fixtures.js';

/**
 * Who a new listing alerts (SPEC §6 and ADR 0015): the first 50 waiting fans in creation order, and a
 * fan at most once an hour per show, so the next listings reach the next fans instead of mailing the
 * first ones again.
 */
describe('wishlist alerts: the first fans, at most once an hour each', () => {
  const ctx = useContext({ clock: 'manual' });

  it('alerts the first 50, then the 51st, then nobody within the hour, then the first 50 again', async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    const s = await sellerTenant(ctx, 'quiet');
    const leads = Array.from({ length: 51 }, (_, i) => ({ type: 'WISHLIST', externalReferenceEventId: 'solo', buyer: { email: `fan${String(i).padStart(2, '0')}@wish.example` } }));
    for (const lead of leads) {
      expect((await call(ctx, s.key, 'POST', '/v1/marketdata/users', lead)).status).toBe(200);
      ctx.clock!.advance(1000); // creation order = the order above
    }
    await syncTickets(ctx, s.key, ['Q1', 'Q2', 'Q3', 'Q4'].map((id) => priced(id)));
    const alerted = async (listingId: string) =>
      (await ctx.deps.db.selectFrom('mail_outbox').select('to_address').where('tenant_id', '=', s.tenantId).where('ref', '=', listingId).orderBy('to_address').execute()).map((m) => m.to_address);

    const first = await listOk(ctx, s.key, ['Q1'], 30);
    expect(await alerted(first.listingId)).toEqual(leads.slice(0, 50).map((l) => l.buyer.email));
    ctx.clock!.advance(10 * 60_000);
    const second = await listOk(ctx, s.key, ['Q2'], 30);
    expect(await alerted(second.listingId)).toEqual(['fan50@wish.example']);
    const third = await listOk(ctx, s.key, ['Q3'], 30);
    expect(await alerted(third.listingId)).toEqual([]);
    ctx.clock!.advance(61 * 60_000);
    const fourth = await listOk(ctx, s.key, ['Q4'], 30);
    expect(await alerted(fourth.listingId)).toEqual(leads.slice(0, 50).map((l) => l.buyer.email));
  });

  it('listings created at the same moment never alert one fan twice: each takes the next fans waiting', async () => {
    ctx.clock!.set('2027-05-02T10:00:00Z');
    const s = await sellerTenant(ctx, 'quiet-race');
    const bulk = Array.from({ length: 120 }, (_, i) => ({ type: 'WISHLIST', externalReferenceEventId: 'solo', buyer: { email: `race${String(i).padStart(3, '0')}@wish.example` } }));
    expect((await call(ctx, s.key, 'POST', '/v1/marketdata/users/bulk', bulk)).status).toBe(200);
    const ids = Array.from({ length: 6 }, (_, i) => `R${i}`);
    await syncTickets(ctx, s.key, ids.map((id) => priced(id)));
    await Promise.all(ids.map((id) => listOk(ctx, s.key, [id], 30)));
    const mails = await ctx.deps.db.selectFrom('mail_outbox').select('to_address').where('tenant_id', '=', s.tenantId).execute();
    expect(mails).toHaveLength(120); // 6 listings × up to 50, and each of the 120 fans once
    expect(new Set(mails.map((m) => m.to_address)).size).toBe(120);
  });
});
