import { expect } from 'vitest';
import { errorOf, type Dyn } from '../../../test/client.js';
import type { TestContext } from '../../../test/harness.js';
import { addWebhookEndpoint, call, createEvents, ticket, type Reply } from '../tickets/tickets.fixtures.js';

/** Test helpers for the listings route tests (imported only by *.test.ts files). */

export { auditOf, call, historyOf, ticket, ticketRow, webhooksOf, type Reply } from '../tickets/tickets.fixtures.js';
export { errorOf };

export interface Seller {
  tenantId: string;
  key: string;
}

/** A tenant with a webhook endpoint and the two events of tickets.fixtures (`solo` show `main`; `duo` shows `d1`, `d2`; options ga 30, vip 90). */
export async function sellerTenant(ctx: TestContext, name: string): Promise<Seller> {
  const t = await ctx.createTenant(name);
  await addWebhookEndpoint(ctx, t.apiKey);
  await createEvents(ctx, t.apiKey);
  return { tenantId: t.tenantId, key: t.apiKey };
}

/** Tickets through the real sync endpoint (one request for the whole batch: sync is rate limited). */
export async function syncTickets(ctx: TestContext, key: string, tickets: Record<string, unknown>[]): Promise<void> {
  const res = await call(ctx, key, 'POST', '/v1/sync/tickets', tickets);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const failed = (res.body.data as { status: string }[]).filter((r) => r.status === 'ERROR');
  expect(failed, JSON.stringify(res.body.data)).toEqual([]);
}

/** A ticket priced `price` (its face value) of the `solo` event, ga option, adult price type. */
export const priced = (id: string, price = 30, extra: Record<string, unknown> = {}) => ticket(id, { price, priceTypeId: 'adult', ...extra });

export const emailOf = (ticketId: string) => `${ticketId}@fans.example`.toLowerCase();

export async function listTickets(ctx: TestContext, key: string, ticketIds: string[], price: number, sellerEmail = emailOf(ticketIds[0]!)): Promise<Reply> {
  return call(ctx, key, 'POST', '/v1/marketplace/listings', { ticketIds, price, sellerEmail });
}

/** Lists and expects a 200; answers the listing view. */
export async function listOk(ctx: TestContext, key: string, ticketIds: string[], price: number, sellerEmail?: string): Promise<Dyn> {
  const res = await listTickets(ctx, key, ticketIds, price, sellerEmail);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

export async function setRules(ctx: TestContext, key: string, rules: Record<string, unknown>[]): Promise<void> {
  const res = await call(ctx, key, 'POST', '/v1/events/rules', rules);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

export async function reserve(ctx: TestContext, key: string, listingId: string, user = 'buyer@x.example'): Promise<Reply> {
  return call(ctx, key, 'POST', '/v1/marketplace/buyingflow/buyIntention', { items: [listingId], user });
}

export async function listingRow(ctx: TestContext, tenantId: string, id: string) {
  return ctx.deps.db.selectFrom('listings').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function listingTicketRows(ctx: TestContext, tenantId: string, listingId: string) {
  return ctx.deps.db.selectFrom('listing_tickets').selectAll().where('tenant_id', '=', tenantId).where('listing_id', '=', listingId).orderBy('ticket_id').execute();
}
