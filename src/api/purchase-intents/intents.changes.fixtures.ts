import { expect } from 'vitest';
import type { TestContext } from '../../../test/harness.js';
import { createPiEvents, createStrategy, pi, referenceValidator, type Dyn } from '../../modules/purchase-intents/intents.fixtures.js';

/**
 * The world of the tests that change existing purchase intents (intents.ops.routes.test.ts,
 * intents.items.routes.test.ts; imported only by *.test.ts files): a seller with `gig` and `duo`
 * (createPiEvents), another tenant with the same events, a webhook endpoint for every
 * purchase-intent event, and two strategies.
 */

export const T0 = '2027-05-01T10:00:00Z';
const REQUIRED = ['_id', 'status', 'approvalStatus', 'sellerId', 'eventId', 'regularPrice', 'realPrice', 'currency', 'innerCharge', 'outerCharge', 'tickets', 'secret', 'createdAt', 'updatedAt'];

export interface IntentWorld {
  key: string;
  tenantId: string;
  otherKey: string;
  gigShow: string;
  duoShows: string[];
  /** checkAvailability, no tickets. */
  checked: string;
  /** createTickets (RESERVED) and checkAvailability. */
  withTickets: string;
}

/** Sets the clock to T0 and builds the world (call in beforeAll). */
export async function openIntentWorld(ctx: TestContext): Promise<IntentWorld> {
  ctx.clock!.set(T0);
  const { apiKey: key, tenantId } = await ctx.createTenant('seller');
  const { apiKey: otherKey } = await ctx.createTenant('other');
  const { gigShow, duoShows } = await createPiEvents(ctx, key);
  await createPiEvents(ctx, otherKey);
  const hook = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: key }, payload: { url: 'http://127.0.0.1:9/never', eventTypes: ['purchaseIntent.*'] } });
  expect(hook.statusCode, hook.body).toBe(200);
  const checked = await createStrategy(ctx, key, { name: 'checked' });
  const withTickets = await createStrategy(ctx, key, {
    name: 'with-tickets',
    availabilityStrategy: { createTickets: true, checkAvailability: true, withoutSeats: false, createValidTickets: false },
  });
  return { key, tenantId, otherKey, gigShow, duoShows, checked, withTickets };
}

/** Helpers over the world's seller, whose key and tenant id are only known once beforeAll ran. */
export function intentHelpers(ctx: TestContext, keyOf: () => string, tenantOf: () => string) {
  const validate = referenceValidator('PurchaseIntentResource');

  function conforms(body: Dyn): void {
    const ok = validate(body);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
    for (const field of REQUIRED) expect(body, field).toHaveProperty(field);
  }

  const create = async (body: Record<string, unknown> = {}): Promise<Dyn> => {
    const res = await pi(ctx, keyOf(), 'POST', '/api/purchaseintents', { eventId: 'gig', tickets: [{ ticketTypeId: 'vip', amount: 2, price: 80 }], ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const url = (id: string, op: string): string => `/api/purchaseintents/${id}/${op}`;
  const pick = (items: Dyn, ...keys: string[]): unknown[][] => (items as Record<string, unknown>[]).map((t) => keys.map((k) => t[k]));

  async function deliveries(intentId: string): Promise<{ type: string; body: Dyn }[]> {
    const rows = await ctx.deps.db.selectFrom('webhook_deliveries').select(['event_type', 'body', 'created_at', 'id']).where('tenant_id', '=', tenantOf()).orderBy('created_at').orderBy('id').execute();
    return rows
      .map((r) => ({ type: r.event_type, body: JSON.parse(r.body) as unknown as Dyn }))
      .filter((d) => d.body.data.purchaseIntent._id === intentId);
  }

  return { conforms, create, url, pick, deliveries };
}
