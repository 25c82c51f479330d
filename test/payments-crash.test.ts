import { afterAll, describe, expect, it } from 'vitest';
import { reconcilePayments } from '../src/flows/payment-settlements.js';
import { SANDBOX_CARDS } from '../src/modules/payments/index.js';
import { buyOk, intentionRow, listSingles, newSeller, ordersOfIntention, paymentsOfIntention, webhooksOf } from '../src/modules/orders/orders.fixtures.js';
import { createPiEvents, pi } from '../src/modules/purchase-intents/intents.fixtures.js';
import { waitFor } from './fake-receiver.js';
import { useContext } from './harness.js';
import { startServe, type ServeProcess } from './process.js';

/**
 * Acceptance (issue 10): a real `encore serve` process killed with SIGKILL between the provider's
 * charge and its confirmation, for both checkouts at once. The sandbox's slow-success card takes the
 * money and answers only after the delay, so the kill lands exactly in that window. After the
 * restart (this process, on the same database), the reconciler settles each payment exactly once,
 * even with two reconcilers running at the same moment.
 */
describe('a process killed between charge and confirm', () => {
  const ctx = useContext({ clock: 'manual' });
  let serve: ServeProcess | undefined;
  afterAll(async () => {
    await serve?.stop('SIGKILL');
  });

  it('is settled exactly once after restart: the resale order and the purchase intent', async () => {
    ctx.clock!.set(new Date().toISOString());
    const s = await newSeller(ctx, 'crash');
    const [listing] = await listSingles(ctx, s, ['KX-1']);
    const { intention, secret } = await buyOk(ctx, s.key, [listing!], 'crash-buyer@x.example');
    const seller = await ctx.createTenant('crash-intents');
    await createPiEvents(ctx, seller.apiKey);
    const created = (await pi(ctx, seller.apiKey, 'POST', '/api/purchaseintents', { eventId: 'gig', tickets: [{ ticketTypeId: 'vip', amount: 2, price: 80 }] })).body;

    serve = await startServe({ DATABASE_URL: ctx.databaseUrl, PUBLIC_URL: 'http://encore.test', SANDBOX_FAIL_DELAY_MS: '600000', WEBHOOK_PRIVATE_NETWORKS: 'allow' });
    const json = { 'content-type': 'application/json' };
    // Both hang inside the provider call (charged, not yet answered); their failures are expected.
    const inFlight = [
      fetch(`${serve.url}/v1/checkout/${intention.intentionId}/pay`, { method: 'POST', headers: json, body: JSON.stringify({ secret, cardNumber: SANDBOX_CARDS.succeedsAfterDelay }) }).catch(() => undefined),
      fetch(`${serve.url}/api/public/purchaseintents/${created._id}/checkout`, { method: 'POST', headers: json, body: JSON.stringify({ secret: created.secret, cardNumber: SANDBOX_CARDS.succeedsAfterDelay }) }).catch(() => undefined),
    ];
    await waitFor(async () => {
      const rows = await ctx.deps.db.selectFrom('payments').select('status').where('status', '=', 'PROCESSING').execute();
      return rows.length === 2 ? rows : undefined;
    }, 30_000);
    await serve.stop('SIGKILL');
    await Promise.all(inFlight);

    // What the dead process left: PAYING, PROCESSING, nothing delivered.
    expect((await intentionRow(ctx, intention.intentionId))!.status).toBe('PAYING');
    expect(await ordersOfIntention(ctx, intention.intentionId)).toEqual([]);
    expect((await pi(ctx, seller.apiKey, 'GET', `/api/purchaseintents/${created._id}`)).body).toMatchObject({ status: 'new' });

    // After restart: too recent to touch at first, then reconciled once by two reconcilers at once.
    expect(await reconcilePayments(ctx.deps)).toBe(0);
    ctx.clock!.advance(3 * 60_000);
    const counts = await Promise.all([reconcilePayments(ctx.deps), reconcilePayments(ctx.deps)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);
    expect(await reconcilePayments(ctx.deps)).toBe(0);

    const orders = await ordersOfIntention(ctx, intention.intentionId);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ status: 'COMPLETED', buyer_email: 'crash-buyer@x.example' });
    expect((await paymentsOfIntention(ctx, intention.intentionId)).map((p) => p.status)).toEqual(['SUCCEEDED']);
    expect((await ctx.deps.db.selectFrom('tickets').select('buyer_email').where('tenant_id', '=', s.tenantId).where('ticket_id', '=', 'KX-1').executeTakeFirstOrThrow()).buyer_email).toBe('crash-buyer@x.example');
    expect((await webhooksOf(ctx, s.tenantId, 'ticket.updated')).length).toBe(1);

    const paid = (await pi(ctx, seller.apiKey, 'GET', `/api/purchaseintents/${created._id}`)).body;
    expect(paid).toMatchObject({ status: 'complete', __v: 1 });
    const intentPayments = await ctx.deps.db.selectFrom('payment_lines as l').innerJoin('payments as p', (j) => j.onRef('p.tenant_id', '=', 'l.tenant_id').onRef('p.id', '=', 'l.payment_id')).select(['p.id', 'p.status']).where('l.subject_id', '=', created._id).execute();
    expect(intentPayments).toEqual([{ id: paid.transactionId, status: 'SUCCEEDED' }]);
  }, 120_000);
});
