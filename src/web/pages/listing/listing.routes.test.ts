import { describe, expect, it } from 'vitest';
import { useContext } from '../../../../test/harness.js';
import { textOf, WebClient } from '../../../../test/web-client.js';
import { buyOk, CARD, pay } from '../../../modules/orders/orders.fixtures.js';
import { formatDate, formatMinor } from '../../i18n/format.js';
import { ANA, BEFORE_SHOWS, BOB, call, fieldValue, listOk, newSellerTenant, priced, setRules, showPkOf, signedIn, syncTickets } from '../seller/seller.fixtures.js';

/** The listing page and its price change and delist, as a browser uses them. */
const ctx = useContext({ clock: 'manual' });
const LANGS = ['es', 'en'] as const;
const eur = (minor: number, lang: 'es' | 'en') => formatMinor(minor, 'EUR', lang).replace(/\s+/g, ' ');
const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)![0];

let n = 0;
async function world() {
  ctx.clock!.set(BEFORE_SHOWS);
  const s = await newSellerTenant(ctx, `listing-${++n}`);
  await syncTickets(ctx, s.key, [priced('T1', 30, { buyer: ANA, props: { seating: { section: 'B', row: '7', seat: '12' } } }), priced('T2', 30, { buyer: ANA }), priced('B1', 30, { buyer: BOB })]);
  await setRules(ctx, s.key, [{ externalReferenceEventId: 'solo', ruleType: 'RESALE', rules: { enabled: true, maxMarkupPercent: 20 } }]);
  const listing = await listOk(ctx, s.key, ['T1'], 32, ANA);
  const listingId = listing.listingId as string;
  const url = (lang: string, suffix = '') => `/${lang}/marketplace/listings/${listingId}${suffix}`;
  const row = () => ctx.deps.db.selectFrom('listings').selectAll().where('id', '=', listingId).executeTakeFirstOrThrow();
  return { s, listing, listingId, url, row, showPk: await showPkOf(ctx, s.tenantId) };
}

describe('GET /:lang/marketplace/listings/:listingId (+ /edit)', () => {
  it('asks a signed-out fan to sign in; another fan’s listing is the 404 page, exactly as an unknown id', async () => {
    const w = await world();
    const bobs = await listOk(ctx, w.s.key, ['B1'], 31, BOB);
    for (const lang of LANGS) {
      const anon = await new WebClient(ctx.app).get(w.url(lang));
      expect(anon.status).toBe(200);
      expect(textOf(anon.body)).toContain(lang === 'es' ? 'Inicia sesión' : 'Sign in');
    }
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    for (const lang of LANGS) {
      const other = await web.get(`/${lang}/marketplace/listings/${bobs.listingId}`);
      const unknown = await web.get(`/${lang}/marketplace/listings/lst_nope`);
      expect(other.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(main(other.body)).toBe(main(unknown.body));
      expect((await web.get(`/${lang}/marketplace/listings/${bobs.listingId}/edit`)).status).toBe(404);
    }
  });

  it('shows the listing: status, timeline in the event’s time zone, money, share link, price form and delist', async () => {
    const w = await world();
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    for (const lang of LANGS) {
      const res = await web.get(`${w.url(lang)}?done=listed`);
      expect(res.status).toBe(200);
      const text = textOf(res.body);
      expect(text).toContain(lang === 'es' ? 'Tu anuncio' : 'Your listing');
      expect(text).toContain(lang === 'es' ? 'Tu entrada ya está a la venta.' : 'Your ticket is on sale.');
      expect(text).toContain(lang === 'es' ? 'A la venta' : 'On sale');
      expect(text).toContain(lang === 'es' ? 'Sector B · Fila 7 · Asiento 12' : 'Section B · Row 7 · Seat 12');
      const listed = formatDate(new Date(BEFORE_SHOWS), 'Europe/Madrid', lang, 'long');
      expect(text).toContain(lang === 'es' ? `Publicada el ${listed}` : `Listed on ${listed}`);
      expect(text).toContain(eur(Math.round(w.listing.amounts.total * 100), lang));
      expect(text).toContain(eur(Math.round(w.listing.amounts.payout * 100), lang));
      const share = `http://encore.test/${lang}/marketplace/shows/${w.showPk}?ticketId=T1`;
      expect(res.body).toContain(`data-copy="${share}"`);
      expect(fieldValue(res.body, 'price')).toBe(lang === 'es' ? '32,00' : '32.00');
      expect(res.body).toContain(`action="/${lang}/marketplace/listings/${w.listingId}/price"`);
      expect(res.body).toContain(`data-preview="/${lang}/marketplace/listings/${w.listingId}/preview"`);
      expect(res.body).toMatch(new RegExp(`action="/${lang}/marketplace/listings/${w.listingId}/delist" data-confirm="[^"]+"`));
      const edit = await web.get(w.url(lang, '/edit'));
      expect(edit.status).toBe(200);
      expect(textOf(edit.body)).toContain(lang === 'es' ? 'Cambia el precio' : 'Change the price');
      expect(edit.body).toContain('name="mode" value="edit"');
    }
  });
});

describe('price change and delist', () => {
  it('previews a new price with the API’s numbers, saves it (303), and refuses one over the rule with its bounds', async () => {
    const w = await world();
    const api = await listOk(ctx, w.s.key, ['T2'], 35, ANA);
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    for (const lang of LANGS) {
      const raw = (minor: number) => formatMinor(minor, 'EUR', lang);
      const preview = JSON.parse((await web.get(`${w.url(lang, '/preview')}?price=35`)).body);
      expect(preview).toEqual({
        buyerPays: raw(Math.round(api.amounts.total * 100)),
        sellerFee: `−${raw(Math.round(api.amounts.sellerFees * 100))}`,
        youReceive: raw(Math.round(api.amounts.payout * 100)),
        error: '',
      });
      const high = await web.post(w.url(lang, '/price'), { price: '40', action: 'save', mode: 'edit' });
      expect(high.status).toBe(422);
      expect(high.body).toContain('aria-invalid="true"');
      expect(textOf(high.body)).toContain(eur(3600, lang));
      expect(high.body).toContain('name="mode" value="edit"');
    }
    const noJs = await web.post(w.url('en', '/price'), { price: '35', action: 'preview' });
    expect(noJs.status).toBe(200);
    expect(/data-preview-field="buyerPays">([^<]+)</.exec(noJs.body)![1]).toBe(formatMinor(Math.round(api.amounts.total * 100), 'EUR', 'en'));
    expect((await w.row()).price_minor).toBe(3200);
    const saved = await web.post(w.url('es', '/price'), { price: '35,00', action: 'save' });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`${w.url('es')}?done=price`);
    expect((await w.row()).price_minor).toBe(3500);
    expect(textOf((await web.get(saved.location!)).body)).toContain('Hemos guardado el nuevo precio.');
  });

  it('delists (303): the listing is TERMINATED, the ticket can be sold again', async () => {
    const w = await world();
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    const res = await web.post(w.url('en', '/delist'), {});
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${w.url('en')}?done=delisted`);
    expect((await w.row()).status).toBe('TERMINATED');
    const page = await web.get(res.location!);
    expect(textOf(page.body)).toContain('Your listing has been removed from sale.');
    expect(page.body).not.toContain('name="price"');
    expect(page.body).toContain(`href="/en/marketplace/shows/${w.showPk}/sell?ticketId=T1"`);
    const sell = await call(ctx, w.s.key, 'POST', '/v1/wrapper/accesslayer?lang=en', { user: ANA, tickets: [{ ticketId: 'T1' }] });
    expect(sell.body.data.tickets[0].status).toBe('SELLABLE');
    // Delisting an ended listing is refused on the page (409), nothing changes.
    const again = await web.post(w.url('en', '/delist'), {});
    expect(again.status).toBe(409);
    expect(textOf(again.body)).toContain('This listing has ended');
  });

  it('refuses both while a buyer is paying (RESERVED), saying why, in es and en', async () => {
    const w = await world();
    await buyOk(ctx, w.s.key, [w.listingId], 'buyer@x.example');
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    for (const lang of LANGS) {
      const page = await web.get(w.url(lang));
      expect(textOf(page.body)).toContain(lang === 'es' ? 'Alguien está pagando esta entrada ahora mismo' : 'Someone is paying for this ticket right now');
      expect(page.body).not.toContain('name="price"');
      const price = await web.post(w.url(lang, '/price'), { price: '33', action: 'save' });
      expect(price.status).toBe(409);
      expect(textOf(price.body)).toContain(lang === 'es' ? 'no puedes cambiar el precio ni retirarla' : 'its price cannot change and it cannot be removed');
      const delist = await web.post(w.url(lang, '/delist'), {});
      expect(delist.status).toBe(409);
      expect(textOf(delist.body)).toContain(lang === 'es' ? 'En proceso de compra' : 'Being bought');
    }
    expect(await w.row()).toMatchObject({ status: 'RESERVED', price_minor: 3200 });
  });

  it('shows a sold listing with its payout waiting for the seller’s payout details', async () => {
    const w = await world();
    const { intention, secret } = await buyOk(ctx, w.s.key, [w.listingId], 'buyer@x.example');
    expect((await pay(ctx, intention.intentionId, secret, CARD.ok)).status).toBe(200);
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    for (const lang of LANGS) {
      const page = await web.get(w.url(lang));
      const text = textOf(page.body);
      expect(text).toContain(lang === 'es' ? 'Vendida el' : 'Sold on');
      expect(text).toContain(lang === 'es' ? 'Cobro pendiente de tus datos de cobro' : 'Payout waiting for your payout details');
      expect(page.body).toContain(`href="/${lang}/marketplace/tenants/${w.s.tenantId}/payout-details"`);
      expect(page.body).not.toContain('name="price"');
      expect(page.body).not.toContain('data-copy');
    }
  });

  it('refuses a form without its CSRF token (403) and another fan’s listing (404)', async () => {
    const w = await world();
    const bobs = await listOk(ctx, w.s.key, ['B1'], 31, BOB);
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    expect((await web.post(w.url('en', '/delist'), {}, { csrf: false })).status).toBe(403);
    expect((await web.post(w.url('en', '/price'), { price: '33', action: 'save' }, { csrf: false })).status).toBe(403);
    expect((await web.post(`/en/marketplace/listings/${bobs.listingId}/delist`, {})).status).toBe(404);
    expect((await web.post(`/en/marketplace/listings/${bobs.listingId}/price`, { price: '33', action: 'save' })).status).toBe(404);
    expect((await w.row()).status).toBe('ACTIVE');
    const bobRow = await ctx.deps.db.selectFrom('listings').select(['status', 'price_minor']).where('id', '=', bobs.listingId).executeTakeFirstOrThrow();
    expect(bobRow).toEqual({ status: 'ACTIVE', price_minor: 3100 });
  });
});
