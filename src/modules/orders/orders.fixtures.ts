import { expect } from 'vitest';
import type { Dyn } from '../../../test/client.js';
import type { TestContext } from '../../../test/harness.js';
import { paymentsOf } from '../payments/index.js';
import { call, listOk, priced, sellerTenant, syncTickets, type Reply, type Seller } from '../listings/listings.fixtures.js';
import { webhooksOf } from '../tickets/tickets.fixtures.js';

/** Test helpers for the buying routes and the resale flows (imported only by *.test.ts files). */

export { call, errorOf, listingRow, priced, sellerTenant, syncTickets, type Reply, type Seller } from '../listings/listings.fixtures.js';
export { auditOf, webhooksOf } from '../tickets/tickets.fixtures.js';

/** The `data` of the webhooks of one type written for a tenant, oldest first. */
export async function webhookData(ctx: TestContext, tenantId: string, eventType: string): Promise<Record<string, unknown>[]> {
  return (await webhooksOf(ctx, tenantId, eventType)).map((w): Record<string, unknown> => w.message.data as Record<string, unknown>);
}

export const CARD = { ok: '4242424242424242', declined: '4000000000000002', slowFail: '4000000000000259' } as const;

export const BUY = '/v1/marketplace/buyingflow/buyIntention';

/** Syncs these tickets (of `solo`, ga, face value 30) and lists each one alone at `price`; answers the listing ids in order. */
export async function listSingles(ctx: TestContext, seller: Seller, ticketIds: string[], price = 30): Promise<string[]> {
  await syncTickets(ctx, seller.key, ticketIds.map((id) => priced(id)));
  const ids: string[] = [];
  for (const id of ticketIds) ids.push(((await listOk(ctx, seller.key, [id], price)) as { listingId: string }).listingId);
  return ids;
}

export async function buy(ctx: TestContext, key: string | undefined, items: string[], user = 'buyer@x.example'): Promise<Reply> {
  return call(ctx, key, 'POST', BUY, { items, user });
}

/** A buy intention that must succeed: its view and the secret of its paymentUrl. */
export async function buyOk(ctx: TestContext, key: string, items: string[], user = 'buyer@x.example'): Promise<{ intention: Dyn; secret: string }> {
  const res = await buy(ctx, key, items, user);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const intention = res.body.data as { paymentUrl: string } & Record<string, Dyn>;
  return { intention, secret: secretOf(intention.paymentUrl) };
}

export function secretOf(url: string): string {
  return new URL(url).searchParams.get('secret')!;
}

export async function pay(ctx: TestContext, intentionId: string, secret: string, cardNumber: string = CARD.ok, buyerEmail?: string): Promise<Reply> {
  return call(ctx, undefined, 'POST', `/v1/checkout/${intentionId}/pay`, { secret, cardNumber, ...(buyerEmail === undefined ? {} : { buyerEmail }) });
}

export async function intentionRow(ctx: TestContext, id: string) {
  return ctx.deps.db.selectFrom('buy_intentions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function ordersOfIntention(ctx: TestContext, intentionId: string) {
  return ctx.deps.db.selectFrom('orders').selectAll().where('intention_id', '=', intentionId).execute();
}

export async function paymentsOfIntention(ctx: TestContext, intentionId: string) {
  return paymentsOf(ctx.deps.db, (await intentionRow(ctx, intentionId))!.tenant_id, 'RESALE_ORDER', intentionId);
}

export async function payoutsOfOrder(ctx: TestContext, orderId: string) {
  return ctx.deps.db.selectFrom('payouts').selectAll().where('order_id', '=', orderId).execute();
}

/** Sets the tenant's hold time straight in the database (there is no endpoint for it). */
export async function setHoldMinutes(ctx: TestContext, tenantId: string, minutes: number): Promise<void> {
  await ctx.deps.db.updateTable('tenants').set({ resale_hold_minutes: minutes }).where('id', '=', tenantId).execute();
}

export async function newSeller(ctx: TestContext, name: string): Promise<Seller> {
  return sellerTenant(ctx, name);
}

export const MINUTE = 60_000;
