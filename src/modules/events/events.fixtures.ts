import { marketplaceClient, type CallOptions, type Envelope, type Reply as ClientReply } from '../../../test/client.js';
import type { Dyn } from '../../../test/client.js';
import type { TestContext } from '../../../test/harness.js';

export type { Dyn };

/** Test helpers for the events module's route tests (imported only by *.test.ts files). */

/** The payload `npm start` prints for newcomers: it must always be accepted as is. */
export { DEMO_EVENT } from '../../app/demo-event.js';

type Json = Record<string, unknown>;

/** A two-show event with every optional part filled in; tweak the copy a test gets. */
export function fullEvent(externalReferenceId = 'evt-full'): Json & { shows: Json[] } {
  return {
    externalReferenceId,
    title: 'Festival',
    description: 'Two nights',
    location: {
      venueName: 'Palau',
      address: 'Carrer 1',
      city: 'Barcelona',
      state: 'CT',
      country: 'ES',
      timeZone: 'Europe/Madrid',
      raw: 'Carrer 1, Barcelona',
      map: { thumbnail: 'https://maps.example/t.png', googleMapsUrl: 'https://maps.google.com/?q=palau' },
    },
    configuration: { policy: 'OPTIONAL', instructions: 'Bring ID', hoursBeforeShow: 2, currency: 'EUR', defaultPurchaseIntentStrategyId: 'strat-1' },
    producers: [{ name: 'Live Nation', taxId: 'B123', email: 'ops@example.com' }],
    seating: { mapImageUrl: 'https://maps.example/seats.png', zones: [{ zoneId: 'z1', name: 'Floor', ticketOptionIds: ['ga'] }] },
    shows: [
      {
        showId: 'night-1',
        title: 'Night 1',
        description: 'First night',
        date: '2027-07-01T20:00:00+02:00',
        endDate: '2027-07-02T02:00:00+02:00',
        primarySalesUrl: 'https://tickets.example/n1',
        images: [{ url: 'https://img.example/n1.jpg', kind: 'banner' }],
        ticketOptions: [
          { ticketId: 'ga', title: 'General', description: 'Standing', price: 45.5, currency: 'EUR', capacity: 1000, zoneId: 'z1' },
          { ticketId: 'vip', title: 'VIP', price: 120 },
        ],
        priceTypes: [
          { priceTypeId: 'adult', title: 'Adult' },
          { priceTypeId: 'child', title: 'Child', price: 20 },
        ],
        combinations: [{ ticketOptionId: 'vip', priceTypeId: 'child', price: 99.99 }],
      },
      {
        showId: 'night-2',
        date: '2027-07-02T20:00:00Z',
        ticketOptions: [{ ticketId: 'ga', title: 'General', price: 50 }],
        priceTypes: [{ priceTypeId: 'adult', title: 'Adult' }],
      },
    ],
  };
}

export type Reply = ClientReply<Envelope>;

export async function call(ctx: TestContext, key: string | undefined, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, opts?: CallOptions): Promise<Reply> {
  return marketplaceClient(ctx, key).call(method, url, payload, opts);
}

/** A deep copy that tests may mutate freely. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

export async function addWebhookEndpoint(ctx: TestContext, key: string): Promise<void> {
  const res = await call(ctx, key, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/x' });
  if (res.status !== 200) throw new Error(`webhook endpoint: ${res.status}`);
}

export async function deliveriesOf(ctx: TestContext, tenantId: string, eventType: string): Promise<{ message: { family: string; action: string; data: Dyn } }[]> {
  const rows = await ctx.deps.db
    .selectFrom('webhook_deliveries')
    .select(['body'])
    .where('tenant_id', '=', tenantId)
    .where('event_type', '=', eventType)
    .orderBy('id')
    .execute();
  return rows.map((r) => JSON.parse(r.body) as { message: { family: string; action: string; data: Dyn } });
}

export async function auditOf(ctx: TestContext, tenantId: string, action: string) {
  return ctx.deps.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId).where('action', '=', action).orderBy('id').execute();
}
