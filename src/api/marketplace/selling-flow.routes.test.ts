import { beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { sha256Hex } from '../../lib/signing.js';
import { consumeOneTimeToken } from '../../modules/auth-tokens/index.js';
import { createEvent, insertTickets, type StoredEvent } from '../../modules/tickets/admission.fixtures.js';
import { insertListing, setOrder, tokenOf, urlGetter } from '../../modules/marketplace-urls/marketplace-urls.fixtures.js';

const TRUST = '&loginTrust[withMethod]=email&loginTrust[user]=Seller@Example.com';

describe('selling flow URLs', () => {
  const ctx = useContext();
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  let other: { tenantId: string; apiKey: string; keyId: string };
  let event: StoredEvent;
  const sell = (q: string, key: string | null = tenant.apiKey) => urlGetter(ctx, '/v1/marketplace/sellingflow/url/entrypoint')(q, key);
  const sellOrder = (q: string, key: string | null = tenant.apiKey) => urlGetter(ctx, '/v1/marketplace/sellingflow/url/order/entrypoint')(q, key);
  const details = (q: string, key: string | null = tenant.apiKey) => urlGetter(ctx, '/v1/marketplace/sellingflow/details/url')(q, key);

  /** The token of a URL is stored hashed for the trusted user, and signs them in once. */
  async function expectTokenFor(url: string, user: string): Promise<void> {
    const token = tokenOf(url)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await ctx.deps.db.selectFrom('one_time_tokens').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ tenant_id: tenant.tenantId, user_email: user });
    expect(await consumeOneTimeToken(ctx.deps, token)).toEqual({ tenantId: tenant.tenantId, user, method: 'email' });
    expect(await consumeOneTimeToken(ctx.deps, token)).toBeNull();
  }

  beforeAll(async () => {
    tenant = await ctx.createTenant('seller-side', { returnOrigins: ['https://shop.example'] });
    other = await ctx.createTenant('other', { returnOrigins: ['https://shop.example'] });
    event = await createEvent(ctx, tenant.apiKey, 'sell-event');
    await insertTickets(ctx, tenant.tenantId, event, [{ ticketId: 'T-1' }, { ticketId: 'T-2' }, { ticketId: 'T-3' }, { ticketId: 'odd id/ñ&?#' }]);
    await setOrder(ctx, tenant.tenantId, 'ORD 1/ñ', ['T-1', 'T-2']);
    const t0 = new Date('2026-03-01T10:00:00Z');
    await insertListing(ctx, tenant.tenantId, event, { id: 'lst_old', ticketId: 'T-1', sellerEmail: 'seller@example.com', status: 'TERMINATED', at: t0 });
    await insertListing(ctx, tenant.tenantId, event, { id: 'lst_new', ticketId: 'T-1', sellerEmail: 'seller@example.com', status: 'ACTIVE', at: new Date(t0.getTime() + 60_000) });
    await insertListing(ctx, tenant.tenantId, event, { id: 'lst_sold', ticketId: 'T-2', sellerEmail: 'first@example.com', status: 'SOLD', at: t0 });
  });

  describe('GET /v1/marketplace/sellingflow/url/entrypoint', () => {
    it("returns the show's selling page for the ticket, es by default", async () => {
      expect((await sell('?ticketId=T-1')).body).toEqual({ status: 200, data: `http://encore.test/es/marketplace/shows/${event.showPk}/sell?ticketId=T-1`, errors: null });
      const en = await sell(`?ticketId=${encodeURIComponent('odd id/ñ&?#')}&lang=en&returnTo=https://shop.example/x`);
      expect(en.status).toBe(200);
      const url = new URL(en.body.data);
      expect(url.pathname).toBe(`/en/marketplace/shows/${event.showPk}/sell`);
      expect(url.searchParams.get('ticketId')).toBe('odd id/ñ&?#');
      expect(url.searchParams.get('returnTo')).toBe('https://shop.example/x');
    });

    it('signs the seller in with login trust', async () => {
      const res = await sell(`?ticketId=T-1${TRUST}`);
      expect(res.status).toBe(200);
      const token = tokenOf(res.body.data)!;
      expect(res.body.data).toBe(`http://encore.test/es/marketplace/shows/${event.showPk}/sell?ticketId=T-1&oneTimeToken=${token}`);
      await expectTokenFor(res.body.data, 'seller@example.com');
    });

    it.each([
      ['', 'VALIDATION_ERROR', 'ticketId'],
      ['?ticketId=', 'VALIDATION_ERROR', 'ticketId'],
      [`?ticketId=T-1&lang=${'x'.repeat(36)}`, 'VALIDATION_ERROR', 'lang'],
      ['?ticketId=T-1&returnTo=https://evil.example/', 'RETURN_TO_NOT_ALLOWED', 'returnTo'],
      ['?ticketId=T-1&loginTrust[user]=a@example.com', 'VALIDATION_ERROR', 'loginTrust[withMethod]'],
    ])('refuses %s with 400 %s on %s', async (q, code, field) => {
      const res = await sell(q);
      expect(res.status).toBe(400);
      expect(errorOf(res)).toMatchObject({ code, field });
    });

    it("answers 404 TICKET_NOT_FOUND for unknown tickets and another tenant's, 401 without a key", async () => {
      for (const q of ['?ticketId=nope', '?ticketId=nul%00byte']) expect(errorOf(await sell(q))).toMatchObject({ code: 'TICKET_NOT_FOUND', field: 'ticketId' });
      const res = await sell('?ticketId=T-1', other.apiKey);
      expect(res.status).toBe(404);
      expect(errorOf(res)!.code).toBe('TICKET_NOT_FOUND');
      expect((await sell('?ticketId=T-1', null)).status).toBe(401);
    });
  });

  describe('GET /v1/marketplace/sellingflow/url/order/entrypoint', () => {
    it("returns the tenant's order selling page, the order id in the query", async () => {
      const res = await sellOrder(`?orderId=${encodeURIComponent('ORD 1/ñ')}&lang=en`);
      expect(res.status).toBe(200);
      expect(res.body.data).toBe(`http://encore.test/en/marketplace/tenants/${tenant.tenantId}/sell?orderId=ORD%201%2F%C3%B1`);
    });

    it('signs the seller in with login trust', async () => {
      const res = await sellOrder(`?orderId=${encodeURIComponent('ORD 1/ñ')}${TRUST}`);
      expect(res.status).toBe(200);
      await expectTokenFor(res.body.data, 'seller@example.com');
    });

    it('refuses bad input with 400 naming the field', async () => {
      expect(errorOf(await sellOrder(''))).toMatchObject({ code: 'VALIDATION_ERROR', field: 'orderId' });
      expect(errorOf(await sellOrder(`?orderId=ORD&lang=${'x'.repeat(36)}`))).toMatchObject({ code: 'VALIDATION_ERROR', field: 'lang' });
      expect(errorOf(await sellOrder('?orderId=ORD&loginTrust[withMethod]=email'))).toMatchObject({ code: 'VALIDATION_ERROR', field: 'loginTrust[user]' });
    });

    it("answers 404 ORDER_NOT_FOUND for unknown orders and another tenant's, 401 without a key", async () => {
      expect(errorOf(await sellOrder('?orderId=a%00b'))).toMatchObject({ code: 'ORDER_NOT_FOUND', field: 'orderId' });
      const res = await sellOrder('?orderId=nope');
      expect(res.status).toBe(404);
      expect(errorOf(res)).toMatchObject({ code: 'ORDER_NOT_FOUND', field: 'orderId' });
      expect(errorOf(await sellOrder(`?orderId=${encodeURIComponent('ORD 1/ñ')}`, other.apiKey))!.code).toBe('ORDER_NOT_FOUND');
      expect((await sellOrder('?orderId=x', null)).status).toBe(401);
    });
  });

  describe('GET /v1/marketplace/sellingflow/details/url', () => {
    it("returns the page of the ticket's newest listing, whatever its status", async () => {
      expect((await details('?ticketId=T-1')).body).toEqual({ status: 200, data: 'http://encore.test/es/marketplace/listings/lst_new', errors: null });
      expect((await details('?ticketId=T-2&lang=en')).body.data).toBe('http://encore.test/en/marketplace/listings/lst_sold');
    });

    it('restricts to the seller when sellerEmail is given (any case)', async () => {
      expect((await details('?ticketId=T-2&sellerEmail=First@Example.com')).body.data).toBe('http://encore.test/es/marketplace/listings/lst_sold');
      const res = await details('?ticketId=T-2&sellerEmail=someone@example.com');
      expect(res.status).toBe(404);
      expect(errorOf(res)).toMatchObject({ code: 'LISTING_NOT_FOUND', field: 'ticketId' });
    });

    it('signs the seller in with login trust', async () => {
      const res = await details(`?ticketId=T-1${TRUST}`);
      expect(res.status).toBe(200);
      await expectTokenFor(res.body.data, 'seller@example.com');
    });

    it('refuses bad input with 400 naming the field', async () => {
      expect(errorOf(await details(''))).toMatchObject({ code: 'VALIDATION_ERROR', field: 'ticketId' });
      expect(errorOf(await details('?ticketId=T-1&sellerEmail=nope'))).toMatchObject({ code: 'VALIDATION_ERROR', field: 'sellerEmail' });
      expect(errorOf(await details('?ticketId=T-1&returnTo=http://shop.example/'))).toMatchObject({ code: 'RETURN_TO_NOT_ALLOWED', field: 'returnTo' });
    });

    it("answers 404: unknown ticket, ticket without a listing, another tenant's ticket; 401 without a key", async () => {
      for (const q of ['?ticketId=nope', '?ticketId=a%00b']) expect(errorOf(await details(q))).toMatchObject({ code: 'TICKET_NOT_FOUND', field: 'ticketId' });
      expect(errorOf(await details('?ticketId=T-3'))).toMatchObject({ code: 'LISTING_NOT_FOUND', field: 'ticketId' });
      const res = await details('?ticketId=T-1', other.apiKey);
      expect(res.status).toBe(404);
      expect(errorOf(res)!.code).toBe('TICKET_NOT_FOUND');
      expect((await details('?ticketId=T-1', null)).status).toBe(401);
    });
  });
});
