import { beforeAll, describe, expect, it } from 'vitest';
import { errorOf, marketplaceClient } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { createEvent, insertTickets, type StoredEvent } from '../../modules/tickets/admission.fixtures.js';

describe('GET /v1/events/tickets/salePublicUrl', () => {
  const ctx = useContext();
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  let event: StoredEvent;

  const get = (query: string, key: string | null = tenant.apiKey) => marketplaceClient(ctx, key ?? undefined).get(`/v1/events/tickets/salePublicUrl${query}`);

  beforeAll(async () => {
    tenant = await ctx.createTenant('seller');
    event = await createEvent(ctx, tenant.apiKey, 'url-event');
    await insertTickets(ctx, tenant.tenantId, event, [{ ticketId: 'T-1001' }, { ticketId: 'odd id/ñ&?#' }, { ticketId: '..' }, { ticketId: 'T-used', status: 'USED' }]);
  });

  it("returns the URL of the show's marketplace page filtered to the ticket, on PUBLIC_URL, in the language asked", async () => {
    const es = await get('?ticketId=T-1001&lang=es');
    expect(es.status).toBe(200);
    expect(es.body).toEqual({ status: 200, data: `http://encore.test/es/marketplace/shows/${event.showPk}?ticketId=T-1001`, errors: null });
    const en = await get('?ticketId=T-1001&lang=en');
    expect(en.body.data).toBe(`http://encore.test/en/marketplace/shows/${event.showPk}?ticketId=T-1001`);
  });

  it('encodes any ticket id so that the page reads it back exactly', async () => {
    for (const ticketId of ['odd id/ñ&?#', '..']) {
      const res = await get(`?ticketId=${encodeURIComponent(ticketId)}&lang=es`);
      expect(res.status).toBe(200);
      const url = new URL(res.body.data as string);
      expect(url.origin).toBe('http://encore.test');
      expect(url.pathname).toBe(`/es/marketplace/shows/${event.showPk}`);
      expect(url.searchParams.get('ticketId')).toBe(ticketId);
    }
  });

  it('does not depend on the ticket state', async () => {
    const res = await get('?ticketId=T-used&lang=en');
    expect(res.status).toBe(200);
    expect(res.body.data).toContain('ticketId=T-used');
  });

  it.each([
    ['', 'es'],
    ['&lang=ES', 'es'],
    ['&lang=es-AR', 'es'],
    ['&lang=EN', 'en'],
    ['&lang=en-GB', 'en'],
    ['&lang=fr', 'es'],
  ])('negotiates ?ticketId=T-1001%s to %s (SPEC §1.1: another language or none is the tenant default, es)', async (query, lang) => {
    const res = await get(`?ticketId=T-1001${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toBe(`http://encore.test/${lang}/marketplace/shows/${event.showPk}?ticketId=T-1001`);
  });

  it.each([
    [`?ticketId=T-1001&lang=${'x'.repeat(36)}`, 'lang'],
    ['?lang=es', 'ticketId'],
    ['?ticketId=&lang=es', 'ticketId'],
  ])('refuses %s with 400 on %s', async (query, field) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, data: null, errors: [{ code: 'VALIDATION_ERROR', field }] });
    expect(res.body.errors).toHaveLength(1);
  });

  it('answers 404 TICKET_NOT_FOUND for an unknown ticket', async () => {
    for (const id of ['nope', 'nul%00byte']) {
      const res = await get(`?ticketId=${id}&lang=es`);
      expect(res.status).toBe(404);
      expect(errorOf(res)).toMatchObject({ code: 'TICKET_NOT_FOUND', field: 'ticketId' });
    }
  });

  it("requires a key, and hides another tenant's tickets (404)", async () => {
    expect((await get('?ticketId=T-1001&lang=es', null)).status).toBe(401);
    const other = await ctx.createTenant('other');
    const res = await get('?ticketId=T-1001&lang=es', other.apiKey);
    expect(res.status).toBe(404);
    expect(errorOf(res)!.code).toBe('TICKET_NOT_FOUND');
  });
});
