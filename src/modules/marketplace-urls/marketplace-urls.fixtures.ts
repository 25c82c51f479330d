import { marketplaceClient, type Envelope, type Reply } from '../../../test/client.js';
import type { TestContext } from '../../../test/harness.js';
import type { StoredEvent } from '../tickets/admission.fixtures.js';

/**
 * Test helpers (imported only by *.test.ts files). Listings are inserted straight into the listings
 * module's tables: these tests are about URLs, not about how listings are made.
 */

export async function setOrder(ctx: TestContext, tenantId: string, orderId: string, ticketIds: string[]): Promise<void> {
  await ctx.deps.db.updateTable('tickets').set({ order_id: orderId }).where('tenant_id', '=', tenantId).where('ticket_id', 'in', ticketIds).execute();
}

export async function insertListing(
  ctx: TestContext,
  tenantId: string,
  event: StoredEvent,
  l: { id: string; ticketId: string; sellerEmail: string; status: 'ACTIVE' | 'SOLD' | 'TERMINATED'; at: Date },
): Promise<void> {
  await ctx.deps.db
    .insertInto('listings')
    .values({
      tenant_id: tenantId,
      id: l.id,
      event_id: event.id,
      show_pk: event.showPk,
      external_event_id: event.externalReferenceId,
      external_show_id: event.showId,
      ticket_option_id: 'ga',
      price_type_id: null,
      type: 'SINGLE',
      quantity: 1,
      price_minor: 3000,
      buyer_fee_minor: 300,
      seller_fee_minor: 150,
      currency: 'EUR',
      seller_email: l.sellerEmail,
      order_id: null,
      status: l.status,
      end_reason: null,
      hold_intention_id: null,
      hold_expires_at: null,
      sold_order_id: null,
      created_at: l.at,
      updated_at: l.at,
    })
    .execute();
  await ctx.deps.db
    .insertInto('listing_tickets')
    .values({ tenant_id: tenantId, listing_id: l.id, ticket_id: l.ticketId, open: l.status === 'ACTIVE', face_value_minor: 3000, seat: null })
    .execute();
}

export type UrlResult = Reply<Envelope<string>>;

/** A GET of one URL endpoint with a query string, with `key` (null: none) through the shared test client. */
export function urlGetter(ctx: TestContext, path: string) {
  return async (query: string, key: string | null): Promise<UrlResult> => marketplaceClient(ctx, key ?? undefined).get<string>(`${path}${query}`);
}

/** The `oneTimeToken` of a URL, which the tests hand to `consumeOneTimeToken`. */
export function tokenOf(url: string): string | null {
  return new URL(url).searchParams.get('oneTimeToken');
}
