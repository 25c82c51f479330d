import { describe, expect, it } from 'vitest';
import { useContext } from '../../../../test/harness.js';
import { textOf, WebClient } from '../../../../test/web-client.js';
import { listOk, priced, syncTickets } from '../../../modules/listings/listings.fixtures.js';
import { call } from '../../../modules/tickets/tickets.fixtures.js';

/**
 * The checkout page through the app as a browser uses it: intentions made through the real API
 * (POST /v1/marketplace/checkout/url, buy intentions) or the buy page, the page read with its secret
 * and its forms posted with a real CSRF token; the results checked in the stored rows.
 */
const ctx = useContext({ clock: 'manual' });

const SHOP = 'https://shop.example';
const CARD = { ok: '4242 4242 4242 4242', declined: '4000 0000 0000 0002', slowFail: '4000000000000259' } as const;
const MINUTE = 60_000;
const START = '2026-01-01T17:30:00Z'; // 18:30 in Madrid

interface World {
  tenantId: string;
  key: string;
  showPk: string;
}

let n = 0;

/** A tenant (hold 10 min, returns to SHOP) with the one-show event `solo` (Europe/Madrid), policy as given. */
async function world(policy: 'NONE' | 'OPTIONAL' | 'MANDATORY' = 'NONE'): Promise<World> {
  ctx.clock!.set(START);
  const t = await ctx.createTenant(`Teatro ${++n}`, { returnOrigins: [SHOP] });
  const res = await call(ctx, t.apiKey, 'POST', '/v1/events', {
    externalReferenceId: 'solo',
    title: 'Concierto',
    description: 'En directo',
    location: { venueName: 'Sala Sol', city: 'Madrid', country: 'ES', timeZone: 'Europe/Madrid' },
    configuration: { policy, currency: 'EUR' },
    shows: [
      {
        showId: 'main',
        date: '2027-06-01T21:00:00+02:00',
        ticketOptions: [
          { ticketId: 'ga', title: 'General', price: 30 },
          { ticketId: 'vip', title: 'VIP', price: 90 },
        ],
        priceTypes: [{ priceTypeId: 'adult', title: 'Adulto' }],
      },
    ],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const show = await ctx.deps.db.selectFrom('shows').select('id').where('tenant_id', '=', t.tenantId).executeTakeFirstOrThrow();
  return { tenantId: t.tenantId, key: t.apiKey, showPk: show.id };
}

/** One ticket listed at `price` (the default 10 % buyer fee: 40 → 44 all-in); answers its listing id. */
async function listed(w: World, ticketId: string, price = 40, seat?: Record<string, string>): Promise<string> {
  await syncTickets(ctx, w.key, [priced(ticketId, 30, seat ? { props: { seating: seat } } : {})]);
  return ((await listOk(ctx, w.key, [ticketId], price)) as { listingId: string }).listingId;
}

/** The checkout page path of a new reservation through POST /v1/marketplace/checkout/url. */
async function checkoutUrl(w: World, listingIds: string[], query = 'lang=es'): Promise<string> {
  const res = await call(ctx, w.key, 'POST', `/v1/marketplace/checkout/url?${query}`, { listingIds });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const url = new URL(res.body.data as string);
  return `${url.pathname}${url.search}`;
}

const idOf = (path: string) => new URL(path, 'http://x').pathname.split('/').pop()!;
const secretOf = (path: string) => new URL(path, 'http://x').searchParams.get('secret')!;
const read = (html: string) => textOf(html).replace(/[\u00a0\u202f]/g, ' ');
const intention = (id: string) => ctx.deps.db.selectFrom('buy_intentions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const listing = (id: string) => ctx.deps.db.selectFrom('listings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** The page path in another language. */
const inLang = (path: string, lang: 'es' | 'en') => path.replace(/^\/(es|en)\//, `/${lang}/`);

function payForm(path: string, fields: Record<string, string> = {}): Record<string, string> {
  return { secret: secretOf(path), buyerEmail: 'compradora@example.com', cardNumber: CARD.ok, expiry: '12/29', cvc: '123', ...fields };
}

describe('the checkout page', () => {
  it('pending: the items, fees and total, the hold’s countdown from the server’s expiresAt and its static time (es and en)', async () => {
    const w = await world();
    const lst = await listed(w, 'P-1', 40, { section: 'B', row: '7', seat: '12' });
    const path = await checkoutUrl(w, [lst]);
    const browser = new WebClient(ctx.app);
    const es = await browser.get(path);
    expect(es.status).toBe(200);
    const text = read(es.body);
    expect(text).toContain('Completa tu compra');
    expect(text).toContain('Concierto');
    expect(text).toContain('martes, 1 de junio de 2027, 21:00');
    expect(text).toContain('General · Adulto');
    expect(text).toContain('Sector B · Fila 7 · Asiento 12');
    expect(text).toContain('1 entrada × 40,00 € 40,00 €');
    expect(text).toContain('Gastos de gestión 4,00 €');
    expect(text).toContain('Total 44,00 €');
    expect(text).toContain('Pagar 44,00 €');
    // Held 10 minutes from 18:30 Madrid time: the static time without JS, the countdown with it.
    const row = await intention(idOf(path));
    expect(text).toContain('Reservadas para ti hasta las 18:40');
    expect(es.body).toContain(`data-countdown="${row.expires_at.toISOString()}"`);
    expect(es.body).toMatch(/<span class="countdown" data-countdown="[^"]+" data-expired-reload>10:00<\/span>/);
    expect(text).toContain('Tiempo restante: 10:00');
    // The total comes before the form on the page (a phone shows it first).
    expect(text.indexOf('Total 44,00 €')).toBeLessThan(text.indexOf('Número de tarjeta'));
    expect(text).toContain('4242 4242 4242 4242');
    expect(es.body).toContain('autocomplete="cc-number"');
    expect(text).toContain('Necesito más tiempo');

    const en = await browser.get(inLang(path, 'en'));
    const enText = read(en.body);
    expect(enText).toContain('Complete your purchase');
    expect(enText).toContain('Held for you until 18:40');
    expect(enText).toContain('Service fees €4.00');
    expect(enText).toContain('Pay €44.00');
    expect(en.body).toContain('name="robots" content="noindex"');
  });

  it('a wrong, missing or unknown secret is the same 404 page as an unknown intention', async () => {
    const w = await world();
    const path = await checkoutUrl(w, [await listed(w, 'W-1')]);
    const browser = new WebClient(ctx.app);
    for (const url of [`/es/checkout/${idOf(path)}?secret=nope`, `/es/checkout/${idOf(path)}`, `/en/checkout/bi_unknown?secret=${secretOf(path)}`]) {
      const res = await browser.get(url);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toContain('text/html');
      expect(read(res.body)).toMatch(/Página no encontrada|Page not found/);
      // No tenant's name on it: the page cannot be used to learn whose intention an id is.
      expect(res.body).not.toContain('Teatro');
    }
    await browser.get(path);
    const pay = await browser.post(`/es/checkout/${idOf(path)}/pay`, payForm(path, { secret: 'nope' }));
    expect(pay.status).toBe(404);
  });

  it('a declined card shows the form again with the hold kept; another card pays; the buyer’s email becomes the owner; reload shows the paid state', async () => {
    const w = await world();
    const lst = await listed(w, 'D-1');
    const path = await checkoutUrl(w, [lst], `lang=en&returnTo=${encodeURIComponent(`${SHOP}/done`)}`);
    const id = idOf(path);
    const browser = new WebClient(ctx.app);
    expect((await browser.get(path)).status).toBe(200);

    const declined = await browser.post(`/en/checkout/${id}/pay`, payForm(path, { cardNumber: CARD.declined, buyerEmail: 'Buyer@Example.com', returnTo: `${SHOP}/done` }));
    expect(declined.status).toBe(402);
    expect(read(declined.body)).toContain('Your card was declined. Try another card: your tickets are still held.');
    expect(declined.body).toContain('role="alert"');
    expect(declined.body).toContain('value="Buyer@Example.com"');
    expect(declined.body).not.toContain('4000 0000 0000 0002"'); // the card number is never echoed
    expect(await intention(id)).toMatchObject({ status: 'RESERVED', buyer_email: null });
    expect(await listing(lst)).toMatchObject({ status: 'RESERVED', hold_intention_id: id });

    const paid = await browser.post(`/en/checkout/${id}/pay`, payForm(path, { buyerEmail: 'Buyer@Example.com', returnTo: `${SHOP}/done` }));
    expect(paid.status).toBe(303);
    expect(paid.location).toBe(`/en/checkout/${id}?secret=${encodeURIComponent(secretOf(path))}&returnTo=${encodeURIComponent(`${SHOP}/done`)}`);
    const row = await intention(id);
    expect(row.status).toBe('COMPLETED');
    const ticket = await ctx.deps.db.selectFrom('tickets').selectAll().where('tenant_id', '=', w.tenantId).where('ticket_id', '=', 'D-1').executeTakeFirstOrThrow();
    expect(ticket.buyer_email).toBe('buyer@example.com');
    expect(await listing(lst)).toMatchObject({ status: 'SOLD', sold_order_id: row.order_id });

    for (let i = 0; i < 2; i++) {
      const page = await browser.get(paid.location!);
      const text = read(page.body);
      expect(text).toContain('Purchase complete');
      expect(text).toContain('Your tickets are yours. The organiser reissues them in your name and sends them to buyer@example.com.');
      expect(text).toContain(`Order reference: ${row.order_id}`);
      expect(page.body).toContain(`<a class="button primary block" href="${SHOP}/done">Back to Teatro`);
      expect(page.body).not.toContain('name="cardNumber"');
    }
    const es = await browser.get(inLang(paid.location!, 'es'));
    expect(read(es.body)).toContain('¡Compra completada!');
    expect(read(es.body)).toContain('Volver a Teatro');

    // Paying again (a second tab) charges nothing and shows the same paid page.
    const again = await browser.post(`/en/checkout/${id}/pay`, payForm(path));
    expect(again.status).toBe(303);
    const payments = await ctx.deps.db.selectFrom('payments').select('status').where('tenant_id', '=', w.tenantId).execute();
    expect(payments.map((p) => p.status).sort()).toEqual(['DECLINED', 'SUCCEEDED']);
  });

  it('a card that fails shows "nothing was charged" and keeps the hold', async () => {
    const w = await world();
    const path = await checkoutUrl(w, [await listed(w, 'F-1')]);
    const browser = new WebClient(ctx.app);
    await browser.get(path);
    const res = await browser.post(`/es/checkout/${idOf(path)}/pay`, payForm(path, { cardNumber: CARD.slowFail }));
    expect(res.status).toBe(402);
    expect(read(res.body)).toContain('No se ha podido completar el pago y no se te ha cobrado nada.');
    expect((await intention(idOf(path))).status).toBe('RESERVED');
  });

  it('checks every field at once before charging: email, card number, expiry, CVC', async () => {
    const w = await world();
    const path = await checkoutUrl(w, [await listed(w, 'V-1')]);
    const browser = new WebClient(ctx.app);
    await browser.get(path);
    const res = await browser.post(`/es/checkout/${idOf(path)}/pay`, payForm(path, { buyerEmail: 'nope', cardNumber: '4242 4242 4242 4241', expiry: '12/25', cvc: '1' }));
    expect(res.status).toBe(400);
    const text = read(res.body);
    expect(text).toContain('Escribe un correo electrónico válido.');
    expect(text).toContain('Ese número de tarjeta no es válido.');
    expect(text).toContain('Esta tarjeta ha caducado.');
    expect(text).toContain('Escribe los 3 o 4 dígitos del reverso de la tarjeta.');
    expect(res.body.match(/aria-invalid="true"/g)).toHaveLength(4);
    expect(res.body).toContain('aria-describedby="card-cvc-error"');
    const en = await browser.post(`/en/checkout/${idOf(path)}/pay`, payForm(path, { expiry: '13/29' }));
    expect(read(en.body)).toContain('Enter the expiry date as MM/YY.');
    expect(await ctx.deps.db.selectFrom('payments').select('id').where('tenant_id', '=', w.tenantId).execute()).toEqual([]);
  });

  it('the seller cannot buy their own listing', async () => {
    const w = await world();
    const path = await checkoutUrl(w, [await listed(w, 'O-1')]);
    const browser = new WebClient(ctx.app);
    await browser.get(path);
    const res = await browser.post(`/en/checkout/${idOf(path)}/pay`, payForm(path, { buyerEmail: 'o-1@fans.example' }));
    expect(res.status).toBe(400);
    expect(read(res.body)).toContain('These are your own tickets: you cannot buy them.');
  });

  it('expired: says so, links back to the buy page, and a late payment still completes when the tickets are free', async () => {
    const w = await world();
    const lst = await listed(w, 'E-1');
    const path = await checkoutUrl(w, [lst]);
    const browser = new WebClient(ctx.app);
    await browser.get(path);
    ctx.clock!.advance(11 * MINUTE);
    for (const lang of ['es', 'en'] as const) {
      const page = await browser.get(inLang(path, lang));
      expect(page.status).toBe(200);
      const text = read(page.body);
      expect(text).toContain(lang === 'es' ? 'Tu reserva ha caducado' : 'Your reservation expired');
      expect(text).toContain(lang === 'es' ? 'Ver las demás entradas para esta función' : 'See the other tickets for this show');
      expect(page.body).toContain(`href="/${lang}/marketplace/shows/${w.showPk}?ticketOptionId=ga"`);
      expect(page.body).not.toContain('data-countdown');
      expect(page.body).not.toContain('/extend"');
    }
    const paid = await browser.post(`/en/checkout/${idOf(path)}/pay`, payForm(path));
    expect(paid.status).toBe(303);
    expect(read((await browser.get(paid.location!)).body)).toContain('Purchase complete');
    const order = await ctx.deps.db.selectFrom('orders').selectAll().where('intention_id', '=', idOf(path)).executeTakeFirstOrThrow();
    expect(order.outcome).toBe('PAID_AFTER_HOLD_EXPIRED');
  });

  it('listing gone: the hold ran out and another buyer took the tickets; paying is refused before any charge', async () => {
    const w = await world();
    const lst = await listed(w, 'G-1');
    const path = await checkoutUrl(w, [lst]);
    const browser = new WebClient(ctx.app);
    await browser.get(path);
    ctx.clock!.advance(11 * MINUTE);
    const other = await call(ctx, w.key, 'POST', '/v1/marketplace/buyingflow/buyIntention', { items: [lst], user: 'other@example.com' });
    expect(other.status).toBe(200);
    for (const lang of ['es', 'en'] as const) {
      const page = await browser.get(inLang(path, lang));
      const text = read(page.body);
      expect(text).toContain(lang === 'es' ? 'Otra persona se ha llevado estas entradas' : 'Someone else took these tickets');
      expect(page.body).not.toContain('name="cardNumber"');
      expect(page.body).toContain(`/${lang}/marketplace/shows/${w.showPk}`);
    }
    // A form loaded before the hold ran out, sent now.
    const res = await browser.post(`/es/checkout/${idOf(path)}/pay`, payForm(path));
    expect(res.status).toBe(303);
    const after = await browser.get(res.location!);
    expect(read(after.body)).toContain('Otra persona se ha llevado estas entradas');
    expect(read(after.body)).toContain('No se te ha cobrado nada.');
    expect(await ctx.deps.db.selectFrom('payments').select('id').where('tenant_id', '=', w.tenantId).execute()).toEqual([]);
  });

  it('extends the hold once (the tenant’s hold minutes, recorded with an audit row), then refuses', async () => {
    const w = await world();
    const lst = await listed(w, 'X-1');
    const path = await checkoutUrl(w, [lst], 'lang=en');
    const id = idOf(path);
    const browser = new WebClient(ctx.app);
    await browser.get(path);
    ctx.clock!.advance(8 * MINUTE);
    const before = await intention(id);
    const ext = await browser.post(`/en/checkout/${id}/extend`, { secret: secretOf(path) });
    expect(ext.status).toBe(303);
    expect(ext.location).toBe(`/en/checkout/${id}?secret=${encodeURIComponent(secretOf(path))}&extension=ok`);
    const after = await intention(id);
    expect(after.expires_at.getTime() - before.expires_at.getTime()).toBe(10 * MINUTE);
    expect(after.extended_at).not.toBeNull();
    expect((await listing(lst)).hold_expires_at!.getTime()).toBe(after.expires_at.getTime());
    const audit = await ctx.deps.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', w.tenantId).where('action', '=', 'buy_intention.extended').execute();
    expect(audit).toHaveLength(1);
    const page = await browser.get(ext.location!);
    expect(read(page.body)).toContain('Done: the tickets are held for you until 18:50.');
    expect(read(page.body)).toContain('Held for you until 18:50');
    expect(page.body).not.toContain('I need more time'); // offered once
    const es = await browser.get(inLang(ext.location!, 'es'));
    expect(read(es.body)).toContain('Hecho: tienes las entradas reservadas hasta las 18:50.');

    const second = await browser.post(`/en/checkout/${id}/extend`, { secret: secretOf(path) });
    expect(second.location).toContain('extension=ALREADY_EXTENDED');
    expect(read((await browser.get(second.location!)).body)).toContain('You have already used your one extension.');
    expect((await intention(id)).expires_at.getTime()).toBe(after.expires_at.getTime());

    // Past the (extended) hold, nothing can be extended.
    ctx.clock!.advance(13 * MINUTE);
    const late = await browser.post(`/en/checkout/${id}/extend`, { secret: secretOf(path) });
    expect(late.location).toContain('extension=ALREADY_EXTENDED');
  });

  it('refuses the extension when somebody is waiting: a buyer turned away from the held listing, or a wishlist lead since the hold began', async () => {
    const w = await world();
    const [a, b] = [await listed(w, 'Y-1'), await listed(w, 'Y-2')];
    const pathA = await checkoutUrl(w, [a], 'lang=en');
    const browser = new WebClient(ctx.app);
    expect((await browser.get(pathA)).body).toContain('I need more time');
    // Another fan tries the held listing on the buy page and is turned away.
    const other = new WebClient(ctx.app);
    await other.get(`/en/marketplace/shows/${w.showPk}`);
    const refused = await other.post(`/en/marketplace/shows/${w.showPk}/buy`, { listingId: a });
    expect(refused.location).toContain('notice=taken');
    const page = await browser.get(pathA);
    expect(page.body).not.toContain('I need more time');
    const ext = await browser.post(`/en/checkout/${idOf(pathA)}/extend`, { secret: secretOf(pathA) });
    expect(ext.location).toContain('extension=SOMEONE_WAITING');
    expect(read((await browser.get(ext.location!)).body)).toContain('Other fans are waiting for these tickets, so we cannot hold them longer.');
    expect((await intention(idOf(pathA))).extended_at).toBeNull();

    // A WISHLIST lead for the show, sent after the hold began.
    const pathB = await checkoutUrl(w, [b], 'lang=es');
    ctx.clock!.advance(MINUTE);
    const lead = await call(ctx, w.key, 'POST', '/v1/marketdata/users', { type: 'WISHLIST', externalReferenceEventId: 'solo', showId: 'main', buyer: { email: 'waiting@example.com' }, ticketOptionId: 'ga' });
    expect(lead.status, JSON.stringify(lead.body)).toBe(200);
    const extB = await browser.post(`/es/checkout/${idOf(pathB)}/extend`, { secret: secretOf(pathB) });
    expect(extB.location).toContain('extension=SOMEONE_WAITING');
    expect(read((await browser.get(extB.location!)).body)).toContain('Hay otras personas esperando estas entradas');
  });

  it('asks for the named holder when the event’s policy requires it, refuses to pay without it (page and API), and names the tickets’ owner', async () => {
    const w = await world('MANDATORY');
    const lst = await listed(w, 'H-1');
    const path = await checkoutUrl(w, [lst]);
    const browser = new WebClient(ctx.app);
    const page = await browser.get(path);
    expect(read(page.body)).toContain('Nombre en las entradas');
    expect(page.body).toMatch(/<input type="text" id="holder-first" name="holderFirstName" autocomplete="given-name" required/);
    const en = await browser.get(inLang(path, 'en'));
    expect(read(en.body)).toContain('The organiser puts the holder’s name on these tickets.');

    const missing = await browser.post(`/es/checkout/${idOf(path)}/pay`, payForm(path));
    expect(missing.status).toBe(400);
    expect(read(missing.body)).toContain('Escribe el nombre de la persona que usará las entradas.');
    expect(read(missing.body)).toContain('Escribe los apellidos de la persona que usará las entradas.');
    // The API applies the same policy (one mechanism).
    const api = await call(ctx, undefined, 'POST', `/v1/checkout/${idOf(path)}/pay`, { secret: secretOf(path), cardNumber: '4242424242424242', buyerEmail: 'x@example.com' });
    expect(api.status).toBe(400);
    expect((api.body.errors as { field: string }[])[0]!.field).toBe('holderFirstName');

    const paid = await browser.post(`/es/checkout/${idOf(path)}/pay`, payForm(path, { holderFirstName: 'María José', holderLastName: 'García' }));
    expect(paid.status).toBe(303);
    const ticket = await ctx.deps.db.selectFrom('tickets').selectAll().where('tenant_id', '=', w.tenantId).where('ticket_id', '=', 'H-1').executeTakeFirstOrThrow();
    expect(ticket.buyer).toMatchObject({ email: 'compradora@example.com' });
    expect(JSON.stringify(ticket.buyer)).toContain('García');
  });

  it('without a policy asks no name; an optional policy asks without requiring', async () => {
    const none = await world('NONE');
    const p1 = await checkoutUrl(none, [await listed(none, 'N-1')]);
    expect((await new WebClient(ctx.app).get(p1)).body).not.toContain('holderFirstName');
    const optional = await world('OPTIONAL');
    const p2 = await checkoutUrl(optional, [await listed(optional, 'N-2')]);
    const page = await new WebClient(ctx.app).get(p2);
    expect(page.body).toContain('name="holderFirstName"');
    expect(page.body).not.toMatch(/name="holderFirstName"[^>]*required/);
  });

  it('a buyer named by the integrator is shown, not asked; a signed-in fan’s email is prefilled', async () => {
    const w = await world();
    const lst = await listed(w, 'U-1');
    const bi = await call(ctx, w.key, 'POST', '/v1/marketplace/buyingflow/buyIntention', { items: [lst], user: 'named@example.com' });
    expect(bi.status).toBe(200);
    const url = new URL((bi.body.data as { paymentUrl: string }).paymentUrl);
    const browser = new WebClient(ctx.app);
    const page = await browser.get(`${url.pathname}${url.search}`);
    expect(read(page.body)).toContain('Las entradas se enviarán a named@example.com.');
    expect(page.body).not.toContain('name="buyerEmail"');
    const paid = await browser.post(`${url.pathname}/pay`, { secret: url.searchParams.get('secret')!, cardNumber: CARD.ok, expiry: '01/30', cvc: '999' });
    expect(paid.status).toBe(303);
    expect((await intention(idOf(url.pathname))).status).toBe('COMPLETED');

    const path = await checkoutUrl(w, [await listed(w, 'U-2')]);
    const token = await call(ctx, w.key, 'GET', '/v1/auth/oneTimeToken?user=ana@fans.example&method=email');
    const fan = new WebClient(ctx.app);
    const signedIn = await fan.open(`${path}&oneTimeToken=${encodeURIComponent(token.body.data as string)}`);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toContain('value="ana@fans.example"');
  });

  it('the buy page’s "Buy" lands on this page, keeping returnTo', async () => {
    const w = await world();
    const lst = await listed(w, 'K-1');
    const browser = new WebClient(ctx.app);
    await browser.get(`/es/marketplace/shows/${w.showPk}?returnTo=${encodeURIComponent(SHOP)}`);
    const res = await browser.open(`/es/marketplace/shows/${w.showPk}`);
    expect(res.status).toBe(200);
    const buy = await browser.post(`/es/marketplace/shows/${w.showPk}/buy`, { listingId: lst, returnTo: SHOP });
    expect(buy.status).toBe(303);
    const page = await browser.get(buy.location!);
    expect(page.status).toBe(200);
    expect(read(page.body)).toContain('Completa tu compra');
    expect(page.body).toContain(`name="returnTo" value="${SHOP}/"`);
    expect(page.body).toContain(`<a class="back" href="${SHOP}/">Volver a Teatro`);
  });

  it('refuses "Pay" and "extend" without the CSRF token with the 403 page', async () => {
    const w = await world();
    const path = await checkoutUrl(w, [await listed(w, 'Z-1')]);
    const browser = new WebClient(ctx.app);
    await browser.get(path);
    const pay = await browser.post(`/en/checkout/${idOf(path)}/pay`, payForm(path), { csrf: false });
    expect(pay.status).toBe(403);
    expect(read(pay.body)).toContain('This form has expired');
    const ext = await browser.post(`/en/checkout/${idOf(path)}/extend`, { secret: secretOf(path) }, { csrf: false });
    expect(ext.status).toBe(403);
    expect(await intention(idOf(path))).toMatchObject({ status: 'RESERVED', extended_at: null });
  });
});
