import { describe, expect, it } from 'vitest';
import { useContext } from '../../../../test/harness.js';
import { textOf, WebClient } from '../../../../test/web-client.js';
import { formatDate, formatMinor } from '../../i18n/format.js';
import { ANA, BEFORE_SHOWS, BOB, call, fieldValue, listOk, newSellerTenant, priced, setRules, showPkOf, signedIn, syncTickets } from '../seller/seller.fixtures.js';

/**
 * The "sell a ticket" page through the app, as a browser uses it: the world through the real API, a
 * fan signed in with a one-time token, forms posted with the page's CSRF token.
 */
const ctx = useContext({ clock: 'manual' });
const LANGS = ['es', 'en'] as const;
const SHOW_STARTS = new Date('2027-06-01T19:00:00Z');
/** Amounts as textOf reads them (its whitespace, no-break spaces included, is one space). */
const eur = (minor: number, lang: 'es' | 'en') => formatMinor(minor, 'EUR', lang).replace(/\s+/g, ' ');

let n = 0;
async function world(rules: Record<string, unknown>[] = []) {
  ctx.clock!.set(BEFORE_SHOWS);
  const s = await newSellerTenant(ctx, `sell-ticket-${++n}`);
  await syncTickets(ctx, s.key, [priced('T1', 30, { buyer: ANA }), priced('T2', 30, { buyer: ANA }), priced('B1', 30, { buyer: BOB }), priced('B2', 30, { buyer: BOB })]);
  if (rules.length > 0) await setRules(ctx, s.key, rules);
  const showPk = await showPkOf(ctx, s.tenantId);
  const url = (lang: string, ticketId: string) => `/${lang}/marketplace/shows/${showPk}/sell?ticketId=${encodeURIComponent(ticketId)}`;
  return { s, showPk, url };
}

const markup20 = [{ externalReferenceEventId: 'solo', ruleType: 'RESALE', rules: { enabled: true, minPrice: 20, maxMarkupPercent: 20 } }];

describe('GET /:lang/marketplace/shows/:showPk/sell', () => {
  it('asks a signed-out fan to sign in, in the tenant’s shell, and comes back to the page', async () => {
    const w = await world();
    for (const lang of LANGS) {
      const res = await new WebClient(ctx.app).get(w.url(lang, 'T1'));
      expect(res.status).toBe(200);
      expect(res.body).toContain(`<html lang="${lang}"`);
      expect(textOf(res.body)).toContain(lang === 'es' ? 'Inicia sesión' : 'Sign in');
      expect(res.body).toContain(`name="next" value="${w.url(lang, 'T1').replace(/&/g, '&amp;')}"`);
      expect(res.body).toContain(`sell-ticket-${n}`);
    }
  });

  it('answers another fan’s ticket exactly as an unknown one: the 404 page', async () => {
    const w = await world();
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en', 'T1'));
    for (const lang of LANGS) {
      const other = await web.get(w.url(lang, 'B1'));
      const unknown = await web.get(w.url(lang, 'NOPE'));
      expect(other.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(textOf(other.body)).toBe(textOf(unknown.body));
      expect(textOf(other.body)).toContain(lang === 'es' ? 'Página no encontrada' : 'Page not found');
      expect(/<main[\s\S]*<\/main>/.exec(other.body)![0]).not.toContain('B1');
    }
    // The fan's own ticket through another show's URL is unknown too.
    const d1 = await showPkOf(ctx, w.s.tenantId, 'd1');
    expect((await web.get(`/en/marketplace/shows/${d1}/sell?ticketId=T1`)).status).toBe(404);
    expect((await web.get(`/en/marketplace/shows/shw_nope/sell?ticketId=T1`)).status).toBe(404);
  });

  it('shows a sellable ticket: the show in its time zone, face value, the rule’s bounds, the asks, and the figures at the suggested price', async () => {
    const w = await world(markup20);
    await listOk(ctx, w.s.key, ['B1'], 33, BOB);
    await listOk(ctx, w.s.key, ['B2'], 35, BOB);
    const api = await listOk(ctx, w.s.key, ['T2'], 30, ANA); // the API's numbers for the same price
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en', 'T1'));
    for (const lang of LANGS) {
      const res = await web.get(w.url(lang, 'T1'));
      expect(res.status).toBe(200);
      const text = textOf(res.body);
      expect(text).toContain(lang === 'es' ? 'Vende tu entrada' : 'Sell your ticket');
      expect(text).toContain(formatDate(SHOW_STARTS, 'Europe/Madrid', lang, 'long'));
      expect(text).toContain(eur(3000, lang));
      expect(text).toContain(lang === 'es' ? `Entre ${eur(2000, lang)} y ${eur(3600, lang)}.` : `Between ${eur(2000, lang)} and ${eur(3600, lang)}.`);
      expect(text).toContain(lang === 'es' ? 'hasta un 20 % sobre el precio original' : 'up to 20% over the face value');
      // Bob's and Ana's other listing: 3 asks, from 30.
      expect(text).toContain(lang === 'es' ? `Hay 3 anuncios más de este tipo de entrada: desde ${eur(3000, lang)}` : `3 other listings of this ticket type: from ${eur(3000, lang)}`);
      expect(fieldValue(res.body, 'price')).toBe(lang === 'es' ? '30,00' : '30.00');
      expect(res.body).toMatch(/<td data-preview-field="buyerPays">[^<]+<\/td>/);
      const buyerPays = /data-preview-field="buyerPays">([^<]+)</.exec(res.body)![1];
      expect(buyerPays).toBe(formatMinor(Math.round(api.amounts.total * 100), 'EUR', lang));
      expect(res.body).toContain(`data-preview="/${lang}/marketplace/shows/${w.showPk}/sell/preview?ticketId=T1"`);
      // No payout account yet: said, with the way to add one, without blocking.
      expect(res.body).toContain(`href="/${lang}/marketplace/tenants/${w.s.tenantId}/payout-details"`);
      expect(text).toContain(lang === 'es' ? 'Todavía no has añadido tus datos de cobro' : 'You have not added your payout details yet');
    }
  });

  it('shows why a ticket cannot be sold yet and when that changes, in the event’s time zone', async () => {
    const opensAt = '2027-05-10T10:00:00Z';
    const w = await world([{ externalReferenceEventId: 'solo', ruleType: 'RESALE', rules: { enabled: true, opensAt } }]);
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en', 'T1'));
    for (const lang of LANGS) {
      const res = await web.get(w.url(lang, 'T1'));
      expect(res.status).toBe(200);
      const text = textOf(res.body);
      const date = formatDate(new Date(opensAt), 'Europe/Madrid', lang, 'long');
      expect(text).toContain(lang === 'es' ? `La reventa abre el ${date}.` : `Resale opens on ${date}.`);
      expect(text).toContain(lang === 'es' ? 'No se puede vender' : 'Cannot be sold');
      expect(res.body).not.toContain('name="price"');
    }
  });

  it('links a ticket already on sale to its listing', async () => {
    const w = await world();
    const listing = await listOk(ctx, w.s.key, ['T1'], 31, ANA);
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en', 'T1'));
    for (const lang of LANGS) {
      const res = await web.get(w.url(lang, 'T1'));
      expect(textOf(res.body)).toContain(lang === 'es' ? 'Esta entrada ya está a la venta.' : 'This ticket is already on sale.');
      expect(res.body).toContain(`href="/${lang}/marketplace/listings/${listing.listingId}"`);
    }
  });
});

describe('GET /:lang/marketplace/shows/:showPk/sell/preview', () => {
  it('answers the API’s numbers for the same price, formatted for the fan; a refused price says why', async () => {
    const w = await world(markup20);
    const api = await listOk(ctx, w.s.key, ['T2'], 33.5, ANA);
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en', 'T1'));
    for (const lang of LANGS) {
      const res = await web.get(`/${lang}/marketplace/shows/${w.showPk}/sell/preview?ticketId=T1&price=${lang === 'es' ? '33,50' : '33.50'}`, { accept: 'application/json' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.headers['cache-control']).toBe('no-store');
      const raw = (minor: number) => formatMinor(minor, 'EUR', lang);
      expect(JSON.parse(res.body)).toEqual({
        buyerPays: raw(Math.round(api.amounts.total * 100)),
        sellerFee: `−${raw(Math.round(api.amounts.sellerFees * 100))}`,
        youReceive: raw(Math.round(api.amounts.payout * 100)),
        error: '',
      });
      const refused = JSON.parse((await web.get(`/${lang}/marketplace/shows/${w.showPk}/sell/preview?ticketId=T1&price=50`)).body);
      expect(refused.youReceive).toBe('—');
      expect(refused.error).toContain(formatMinor(3600, 'EUR', lang));
      const junk = JSON.parse((await web.get(`/${lang}/marketplace/shows/${w.showPk}/sell/preview?ticketId=T1&price=abc`)).body);
      expect(junk.error).toBe(lang === 'es' ? 'Escribe un precio, por ejemplo 42,50.' : 'Enter a price such as 42.50.');
    }
    expect((await web.get(`/en/marketplace/shows/${w.showPk}/sell/preview?ticketId=B1&price=30`)).status).toBe(404);
    expect((await new WebClient(ctx.app).get(`/en/marketplace/shows/${w.showPk}/sell/preview?ticketId=T1&price=30`)).status).toBe(401);
  });
});

describe('POST /:lang/marketplace/shows/:showPk/sell', () => {
  it('updates the preview without JavaScript, then lists the ticket and answers 303 to its listing page', async () => {
    const w = await world(markup20);
    const { web } = await signedIn(ctx, w.s, ANA, w.url('es', 'T1'));
    const action = `/es/marketplace/shows/${w.showPk}/sell`;
    const preview = await web.post(action, { ticketId: 'T1', price: '32,00', action: 'preview' });
    expect(preview.status).toBe(200);
    expect(fieldValue(preview.body, 'price')).toBe('32,00');
    expect(preview.body).toMatch(/data-preview-field="youReceive">[^<—]+</);
    expect(await ctx.deps.db.selectFrom('listings').select('id').where('tenant_id', '=', w.s.tenantId).execute()).toEqual([]);

    const listed = await web.post(action, { ticketId: 'T1', price: '32,00', action: 'list' });
    expect(listed.status).toBe(303);
    expect(listed.location).toMatch(/^\/es\/marketplace\/listings\/lst_[^/?]+\?done=listed$/);
    const row = await ctx.deps.db.selectFrom('listings').selectAll().where('tenant_id', '=', w.s.tenantId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ seller_email: ANA, price_minor: 3200, status: 'ACTIVE', type: 'SINGLE' });
    expect(listed.location).toContain(row.id);
    // As the API answers it: the ticket is FOR_SALE in sell mode.
    const sell = await call(ctx, w.s.key, 'POST', '/v1/wrapper/accesslayer?lang=en', { user: ANA, tickets: [{ ticketId: 'T1' }] });
    expect(sell.body.data.tickets[0]).toMatchObject({ status: 'FOR_SALE', listing: { listingId: row.id, price: 32 } });
  });

  it('refuses a price the RESALE rule refuses, with the rule’s bounds next to the field (aria-invalid), in es and en', async () => {
    const w = await world(markup20);
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en', 'T1'));
    for (const lang of LANGS) {
      const high = await web.post(`/${lang}/marketplace/shows/${w.showPk}/sell`, { ticketId: 'T1', price: '50', action: 'list' });
      expect(high.status).toBe(422);
      expect(high.body).toMatch(/<input[^>]*aria-invalid="true"[^>]*name="price"|<input[^>]*name="price"[^>]*aria-invalid="true"/);
      expect(high.body).toContain('aria-describedby="price-hint price-error"');
      expect(textOf(high.body)).toContain(
        lang === 'es' ? `como máximo ${eur(3600, lang)} (un 20 % sobre el precio original)` : `at most ${eur(3600, lang)} (20% over the face value)`,
      );
      expect(fieldValue(high.body, 'price')).toBe('50');
      const low = await web.post(`/${lang}/marketplace/shows/${w.showPk}/sell`, { ticketId: 'T1', price: '10', action: 'list' });
      expect(low.status).toBe(422);
      expect(textOf(low.body)).toContain(lang === 'es' ? `como mínimo ${eur(2000, lang)}` : `at least ${eur(2000, lang)}`);
      const decimals = await web.post(`/${lang}/marketplace/shows/${w.showPk}/sell`, { ticketId: 'T1', price: '30.123', action: 'list' });
      expect(decimals.status).toBe(400);
      expect(textOf(decimals.body)).toContain(lang === 'es' ? 'Usa como máximo 2 decimales.' : 'Use at most 2 decimals.');
    }
    expect(await ctx.deps.db.selectFrom('listings').select('id').where('tenant_id', '=', w.s.tenantId).execute()).toEqual([]);
  });

  it('refuses LISTING_LIMIT above the form', async () => {
    const w = await world([{ externalReferenceEventId: 'solo', ruleType: 'RESALE', rules: { enabled: true, maxListedTicketsPerSeller: 1 } }]);
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en', 'T1'));
    await web.get(w.url('en', 'T2'));
    await listOk(ctx, w.s.key, ['T1'], 30, ANA);
    // T2's page was opened before T1 was listed; sell mode now says LISTING_LIMIT.
    const res = await web.post(`/en/marketplace/shows/${w.showPk}/sell`, { ticketId: 'T2', price: '30', action: 'list' });
    expect(res.status).toBe(409);
    expect(textOf(res.body)).toContain('You already have as many tickets for this show on sale as the organiser allows.');
  });

  it('refuses a form without its CSRF token (403), a signed-out fan gets the sign-in form, another fan’s ticket is 404', async () => {
    const w = await world();
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en', 'T1'));
    const noCsrf = await web.post(`/en/marketplace/shows/${w.showPk}/sell`, { ticketId: 'T1', price: '30', action: 'list' }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(textOf(noCsrf.body)).toContain('This form has expired');
    const bobs = await web.post(`/en/marketplace/shows/${w.showPk}/sell`, { ticketId: 'B1', price: '30', action: 'list' });
    expect(bobs.status).toBe(404);
    const anon = new WebClient(ctx.app);
    await anon.get(w.url('en', 'T1'));
    const signedOut = await anon.post(`/en/marketplace/shows/${w.showPk}/sell`, { ticketId: 'T1', price: '30', action: 'list' });
    expect(signedOut.status).toBe(200);
    expect(textOf(signedOut.body)).toContain('Sign in');
    expect(await ctx.deps.db.selectFrom('listings').select('id').where('tenant_id', '=', w.s.tenantId).execute()).toEqual([]);
  });
});
