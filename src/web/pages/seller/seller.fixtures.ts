import { expect } from 'vitest';
import type { TestContext } from '../../../../test/harness.js';
import { WebClient } from '../../../../test/web-client.js';
import { call, listOk, priced, sellerTenant, setRules, syncTickets, type Seller } from '../../../modules/listings/listings.fixtures.js';

/**
 * Test helpers of the seller pages (imported only by *.test.ts files): a seller tenant with the two
 * events of tickets.fixtures (`solo` show `main` on 2027-06-01 21:00 Madrid; options ga 30 €, vip
 * 90 €; price type adult), tickets through the real sync endpoint, and a fan signed in the way a
 * sell-mode link signs one in (a one-time token issued by the API, consumed on arrival).
 */

export { call, listOk, priced, setRules, syncTickets, type Seller };

export const ANA = 'ana@fans.example';
export const BOB = 'bob@fans.example';

/** The moment the tests stand at: a month before the shows, resale open. */
export const BEFORE_SHOWS = '2027-05-01T10:00:00Z';

export async function newSellerTenant(ctx: TestContext, name: string): Promise<Seller> {
  return sellerTenant(ctx, name);
}

/** Encore's show id (`shw_…`) of an integrator show. */
export async function showPkOf(ctx: TestContext, tenantId: string, showId = 'main'): Promise<string> {
  const row = await ctx.deps.db.selectFrom('shows').select('id').where('tenant_id', '=', tenantId).where('show_id', '=', showId).executeTakeFirstOrThrow();
  return row.id;
}

/** A browser signed in as `email` on `seller`'s pages: a one-time token from the API, consumed by opening `url`. */
export async function signedIn(ctx: TestContext, seller: Seller, email: string, url: string): Promise<{ web: WebClient; page: Awaited<ReturnType<WebClient['open']>> }> {
  const res = await call(ctx, seller.key, 'GET', `/v1/auth/oneTimeToken?user=${encodeURIComponent(email)}&method=email`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const web = new WebClient(ctx.app);
  const page = await web.open(`${url}${url.includes('?') ? '&' : '?'}oneTimeToken=${encodeURIComponent(res.body.data as string)}`);
  expect(web.cookies.has('encore_session')).toBe(true);
  return { web, page };
}

/** The value of a form field in a page (`name="…" value="…"`, in either order). */
export function fieldValue(html: string, name: string): string | undefined {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return input === undefined ? undefined : /value="([^"]*)"/.exec(input)?.[1];
}
