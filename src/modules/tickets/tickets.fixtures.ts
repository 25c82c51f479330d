import { marketplaceClient, type CallOptions, type Dyn, type Envelope, type Method, type Reply as ClientReply } from '../../../test/client.js';
import type { TestContext } from '../../../test/harness.js';

/** Test helpers for the tickets route tests (imported only by *.test.ts files). */

/** The payload type of replies that tests only poke at (kept under this name for the tests that import it). */
export type { Dyn };

/** A marketplace reply: `{ status, data, errors }` with the status, headers and raw text. */
export type Reply = ClientReply<Envelope>;

/** One marketplace call through the shared test client (`Content-Type: application/json` always, as real clients). */
export async function call(ctx: TestContext, key: string | undefined, method: Method, url: string, payload?: unknown, opts?: CallOptions): Promise<Reply> {
  return marketplaceClient(ctx, key).call(method, url, payload, opts);
}

/** A one-show event (`solo`, show `main`, EUR) and a two-show event (`duo`, shows `d1`, `d2`). */
export async function createEvents(ctx: TestContext, key: string, prefix = ''): Promise<{ solo: string; duo: string }> {
  const solo = `${prefix}solo`;
  const duo = `${prefix}duo`;
  const base = {
    title: 'Concert',
    description: 'Live',
    location: { venueName: 'Sala', city: 'Madrid', country: 'ES', timeZone: 'Europe/Madrid' },
    configuration: { policy: 'NONE', currency: 'EUR' },
  };
  const options = [
    { ticketId: 'ga', title: 'General', price: 30 },
    { ticketId: 'vip', title: 'VIP', price: 90 },
  ];
  const priceTypes = [{ priceTypeId: 'adult', title: 'Adult' }];
  for (const event of [
    { ...base, externalReferenceId: solo, shows: [{ showId: 'main', date: '2027-06-01T21:00:00+02:00', ticketOptions: options, priceTypes }] },
    {
      ...base,
      externalReferenceId: duo,
      shows: [
        { showId: 'd1', date: '2027-06-01T21:00:00+02:00', ticketOptions: options, priceTypes },
        { showId: 'd2', date: '2027-06-02T21:00:00+02:00', ticketOptions: options },
      ],
    },
  ]) {
    const res = await call(ctx, key, 'POST', '/v1/events', event);
    if (res.status !== 200) throw new Error(`POST /v1/events answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return { solo, duo };
}

/** A minimal valid ticket of the one-show event; override what the test is about. */
export function ticket(ticketId: string, overrides: Record<string, unknown> = {}, event = 'solo'): Record<string, unknown> {
  return {
    externalReferenceEventId: event,
    buyer: `${ticketId}@fans.example`,
    ticketId,
    ticketAccess: { type: 'URL', locator: `https://t.example/${ticketId}` },
    ticketOptionId: 'ga',
    ...overrides,
  };
}

/** A ticket with every optional field. */
export function fullTicket(ticketId: string, event = 'solo'): Record<string, unknown> {
  return {
    externalReferenceEventId: event,
    showId: null,
    buyer: { email: 'Ana@Fans.example', phone: '+34600111222', id: 'crm-1', firstName: 'Ana', lastName: 'García' },
    ticketId,
    ticketAccess: { type: 'API', locator: `code-${ticketId}`, status: 'LOCKED' },
    ticketOptionId: 'vip',
    priceTypeId: 'adult',
    price: { amount: 95.5, currency: 'EUR' },
    buyerEmailExternal: 'ana@crm.example',
    primarySaleBuyerData: { firstName: 'Ana', lastName: 'García', identificationType: 'DNI', identificationNumber: '123X', phoneNumber: '+34600111222' },
    nominalTicket: { fullName: 'Ana García', identification: '123X' },
    props: { seating: { row: '7', seat: '12', section: 'B', door: '3', image: 'https://img.example/seat.png' }, urls: { pdf: 'https://t.example/pdf' } },
    primarySalesFee: { type: 'FIXED', value: 2.5 },
    orderId: 'order-1',
    tags: ['channel:web', 'promo:spring'],
  };
}

export async function addWebhookEndpoint(ctx: TestContext, key: string): Promise<void> {
  const res = await call(ctx, key, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/x' });
  if (res.status !== 200) throw new Error(`webhook endpoint: ${res.status}`);
}

export async function webhooksOf(ctx: TestContext, tenantId: string, eventType: string): Promise<{ message: { family: string; action: string; data: Dyn } }[]> {
  const rows = await ctx.deps.db.selectFrom('webhook_deliveries').select(['body']).where('tenant_id', '=', tenantId).where('event_type', '=', eventType).orderBy('id').execute();
  return rows.map((r) => JSON.parse(r.body) as { message: { family: string; action: string; data: Dyn } });
}

export async function ticketRow(ctx: TestContext, tenantId: string, ticketId: string) {
  return ctx.deps.db.selectFrom('tickets').selectAll().where('tenant_id', '=', tenantId).where('ticket_id', '=', ticketId).executeTakeFirst();
}

export async function historyOf(ctx: TestContext, tenantId: string, ticketId: string) {
  return ctx.deps.db.selectFrom('ticket_history').selectAll().where('tenant_id', '=', tenantId).where('ticket_id', '=', ticketId).orderBy('seq').execute();
}

export async function auditOf(ctx: TestContext, tenantId: string, action: string) {
  return ctx.deps.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId).where('action', '=', action).orderBy('id').execute();
}

export async function countTickets(ctx: TestContext, tenantId: string): Promise<number> {
  const r = await ctx.deps.db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
  return Number(r.n);
}
