import { beforeAll, describe, expect, it } from 'vitest';
import { purchaseIntentClient, type Client, type Dyn, type Reply } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { createPiEvents } from '../../modules/purchase-intents/intents.fixtures.js';
import { LIMITS } from '../../modules/purchase-intents/index.js';

/**
 * Size limits of the purchase-intent family (issue 9, item 14): every string and array of its
 * request schemas is bounded (intents.limits.ts), the bounds are documented in /api/openapi, a
 * request over one is a 400 naming the field, and a body over the route's limit is a 413, all in
 * the family's `{statusCode, error, message}` envelope. One or two cases of each kind of limit.
 */

const STRATEGY = {
  name: 'limits',
  availabilityStrategy: { createTickets: false, checkAvailability: false, withoutSeats: false, createValidTickets: false },
  expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: null, expiresAt: null },
  needsApproval: false,
};
const CART = { eventId: 'gig', tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90 }] };

function refused(res: Reply<Dyn>, status: number, field: string): void {
  expect(res.status, res.text.slice(0, 500)).toBe(status);
  expect(Object.keys(res.body).sort()).toEqual(['error', 'message', 'statusCode']);
  expect(res.body.statusCode).toBe(status);
  if (field !== '') expect(res.body.message.startsWith(`${field}: `), res.body.message).toBe(true);
}

describe('purchase-intent size limits', () => {
  const ctx = useContext();
  let api: Client<Dyn>;
  let doc: Dyn;

  beforeAll(async () => {
    const { apiKey } = await ctx.createTenant('seller');
    await createPiEvents(ctx, apiKey);
    api = purchaseIntentClient(ctx, apiKey);
    doc = (await api.get('/api/openapi')).body;
  });

  const bodyOf = (path: string, method: string): Dyn => doc.paths[path][method].requestBody.content['application/json'].schema;

  it('documents the limits in /api/openapi, keeping the reference’s own', () => {
    const strategy = bodyOf('/api/purchaseintents/strategies', 'post');
    expect(strategy.properties.name.maxLength).toBe(LIMITS.name);
    expect(strategy.properties.restrictedCompletion).toMatchObject({ minItems: 1, maxItems: 2 });
    expect(bodyOf('/api/purchaseintents/strategies/{id}', 'put').properties.name.maxLength).toBe(LIMITS.name);
    const intent = bodyOf('/api/purchaseintents', 'post');
    expect(intent.properties.customerId.maxLength).toBe(LIMITS.id);
    expect(intent.properties.tickets.maxItems).toBe(LIMITS.items);
    expect(intent.properties.tickets.items.properties.amount).toMatchObject({ minimum: 1, maximum: LIMITS.amount });
    expect(intent.properties.tickets.items.properties.seatingInfo.properties.sectionName.maxLength).toBe(LIMITS.name);
    expect(intent.properties.meta.maxProperties).toBe(LIMITS.properties);
    expect(intent.properties.coupons).toMatchObject({ maxItems: 100, items: { maxLength: LIMITS.id } });
    expect(bodyOf('/api/purchaseintents/{id}/history', 'post').properties.data.properties.comment.maxLength).toBe(LIMITS.text);
    const ranges = bodyOf('/api/purchaseintents/{id}/items', 'patch').properties.$invalidateTicketRanges;
    expect(ranges).toMatchObject({ maxItems: LIMITS.items, items: { minItems: 2, maxItems: 2 } });
    const query = doc.paths['/api/purchaseintents'].get.parameters.find((p: Dyn) => p.name === 'name');
    expect(query.schema.maxLength).toBe(LIMITS.name);
  });

  it('strategies: a 1 MB name and 10^5 restrictedCompletion entries are 400s naming the field; the limit itself is accepted', async () => {
    refused(await api.post('/api/purchaseintents/strategies', { ...STRATEGY, name: 'n'.repeat(1_000_000) }), 400, 'name');
    refused(await api.post('/api/purchaseintents/strategies', { ...STRATEGY, restrictedCompletion: Array.from({ length: 100_000 }, () => 'POS') }), 400, 'restrictedCompletion');
    refused(await api.post('/api/purchaseintents/strategies', { ...STRATEGY, restrictedCompletion: ['POS', 'Online', 'POS'] }), 400, 'restrictedCompletion');
    const ok = await api.post('/api/purchaseintents/strategies', { ...STRATEGY, name: 'n'.repeat(LIMITS.name), restrictedCompletion: ['POS', 'Online'] });
    expect(ok.status, ok.text).toBe(201);
    refused(await api.put(`/api/purchaseintents/strategies/${ok.body._id}`, { name: 'n'.repeat(LIMITS.name + 1) }), 400, 'name');
  });

  it('intents: ids, lists, amounts and free-form objects over their limits are 400s naming the field', async () => {
    refused(await api.post('/api/purchaseintents', { ...CART, tickets: [{ ticketTypeId: 'v'.repeat(LIMITS.id + 1), amount: 1, price: 1 }] }), 400, 'tickets[0].ticketTypeId');
    refused(await api.post('/api/purchaseintents', { ...CART, tickets: Array.from({ length: LIMITS.items + 1 }, () => CART.tickets[0]) }), 400, 'tickets');
    refused(await api.post('/api/purchaseintents', { ...CART, tickets: [{ ticketTypeId: 'vip', amount: LIMITS.amount + 1, price: 1 }] }), 400, 'tickets[0].amount');
    // The whole cart too: each place may become a ticket issued in the creating transaction.
    const halves = [{ ticketTypeId: 'vip', amount: LIMITS.amount / 2, price: 1 }, { ticketTypeId: 'vip', amount: LIMITS.amount / 2 + 1, price: 1 }];
    refused(await api.post('/api/purchaseintents', { ...CART, tickets: halves }), 400, 'tickets');
    // …and its total, which must stay exact in minor units.
    refused(await api.post('/api/purchaseintents', { ...CART, tickets: [{ ticketTypeId: 'vip', amount: 100, price: 9e13 }] }), 400, 'tickets');
    const meta = Object.fromEntries(Array.from({ length: LIMITS.properties + 1 }, (_, i) => [`k${i}`, i]));
    refused(await api.post('/api/purchaseintents', { ...CART, meta }), 400, 'meta');
    refused(await api.get(`/api/purchaseintents?customerId=${'c'.repeat(LIMITS.id + 1)}`), 400, 'customerId');

    const at = await api.post('/api/purchaseintents', { ...CART, customerId: 'c'.repeat(LIMITS.id) });
    expect(at.status, at.text).toBe(201);
    const comment = (n: number) => api.post(`/api/purchaseintents/${at.body._id}/history`, { type: 'purchaseIntent.commented', data: { comment: 'c'.repeat(n) } });
    refused(await comment(LIMITS.text + 1), 400, 'data.comment');
    expect((await comment(LIMITS.text)).status).toBe(201);
  });

  it('a 2 MB intent is a 413 and a 20 KB public checkout a 413, in the family envelope', async () => {
    const big = await api.post('/api/purchaseintents', { ...CART, meta: { blob: 'x'.repeat(2 * 1024 * 1024) } });
    refused(big, 413, '');
    expect(big.body.error).toBe('Payload Too Large');
    const checkout = await purchaseIntentClient(ctx).post('/api/public/purchaseintents/pi_x/checkout', { secret: 's'.repeat(20 * 1024), cardNumber: '4242424242424242' });
    refused(checkout, 413, '');
  });
});
