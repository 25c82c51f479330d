import { describe, expect, it } from 'vitest';
import { useContext, type TestContext } from '../../../../test/harness.js';
import { textOf, WebClient } from '../../../../test/web-client.js';
import { listOk, priced, setRules, syncTickets } from '../../../modules/listings/listings.fixtures.js';
import { call } from '../../../modules/tickets/tickets.fixtures.js';

/**
 * The buy page through the app, as a browser uses it: the world (tenant, events, tickets, listings,
 * rules, leads) through the real API, the page read and its forms posted with a real CSRF token.
 */
const ctx = useContext({ clock: 'manual' });

const SHOP = 'https://shop.example';

interface World {
  tenantId: string;
  key: string;
  /** Encore's show ids: `main` of the one-show event `solo`, `d1` and `d2` of `duo`. */
  main: string;
  d1: string;
  d2: string;
}

let n = 0;

/** A tenant allowing returns to SHOP, with the two events of tickets.fixtures (ga face value 30, vip 90; Europe/Madrid). */
async function world(opts: { seating?: boolean } = {}): Promise<World> {
  const t = await ctx.createTenant(`Sala ${++n}`, { returnOrigins: [SHOP] });
  const base = {
    title: 'Concierto',
    description: 'En directo',
    location: { venueName: 'Sala Sol', city: 'Madrid', country: 'ES', timeZone: 'Europe/Madrid' },
    configuration: { policy: 'NONE', currency: 'EUR' },
  };
  const options = [
    { ticketId: 'ga', title: 'General', price: 30, ...(opts.seating ? { zoneId: 'pista' } : {}) },
    { ticketId: 'vip', title: 'VIP', price: 90 },
  ];
  const priceTypes = [{ priceTypeId: 'adult', title: 'Adulto' }];
  const seating = opts.seating ? { seating: { mapImageUrl: 'https://img.example/plano.png', zones: [{ zoneId: 'pista', name: 'Pista', ticketOptionIds: ['ga'] }] } } : {};
  for (const event of [
    { ...base, ...seating, externalReferenceId: 'solo', shows: [{ showId: 'main', date: '2027-06-01T21:00:00+02:00', ticketOptions: options, priceTypes }] },
    {
      ...base,
      title: 'Gira',
      externalReferenceId: 'duo',
      shows: [
        { showId: 'd1', date: '2027-06-01T21:00:00+02:00', ticketOptions: options, priceTypes },
        { showId: 'd2', date: '2027-06-02T21:00:00+02:00', ticketOptions: options },
      ],
    },
  ]) {
    const res = await call(ctx, t.apiKey, 'POST', '/v1/events', event);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  const shows = await showPks(ctx, t.tenantId);
  return { tenantId: t.tenantId, key: t.apiKey, main: shows.main!, d1: shows.d1!, d2: shows.d2! };
}

async function showPks(c: TestContext, tenantId: string): Promise<Record<string, string>> {
  const rows = await c.deps.db.selectFrom('shows').select(['id', 'show_id']).where('tenant_id', '=', tenantId).execute();
  return Object.fromEntries(rows.map((r) => [r.show_id, r.id]));
}

/** Lists tickets of `solo` one by one; answers the listing ids. */
async function list(w: World, tickets: { id: string; price: number; option?: string; seat?: Record<string, string> }[]): Promise<string[]> {
  await syncTickets(
    ctx,
    w.key,
    tickets.map((t) => priced(t.id, t.option === 'vip' ? 90 : 30, { ticketOptionId: t.option ?? 'ga', ...(t.seat ? { props: { seating: t.seat } } : {}) })),
  );
  const ids: string[] = [];
  for (const t of tickets) ids.push(((await listOk(ctx, w.key, [t.id], t.price)) as { listingId: string }).listingId);
  return ids;
}

/** The page URL the buying-flow endpoint hands out. */
async function entrypoint(w: World, query: string): Promise<string> {
  const res = await call(ctx, w.key, 'GET', `/v1/marketplace/buyingflow/url/entrypoint?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const url = new URL(res.body.data as string);
  return `${url.pathname}${url.search}`;
}

async function saleUrl(w: World, ticketId: string, lang: string): Promise<string> {
  const res = await call(ctx, w.key, 'GET', `/v1/events/tickets/salePublicUrl?ticketId=${encodeURIComponent(ticketId)}&lang=${lang}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const url = new URL(res.body.data as string);
  return `${url.pathname}${url.search}`;
}

const attr = (html: string, property: string) => new RegExp(`<meta property="${property}" content="([^"]*)"`).exec(html)?.[1]?.replace(/\u00a0/g, ' ');

/** What a fan reads, with the no-break spaces Intl puts in money and dates as plain spaces. */
const read = (html: string) => textOf(html).replace(/[\u00a0\u202f]/g, ' ');

describe('the buy page', () => {
  it('shows the listings of a show grouped by ticket option, cheapest first, with the all-in price, face value, seat and SINGLE/PACK (es and en)', async () => {
    const w = await world();
    await list(w, [
      { id: 'B-1', price: 40, seat: { section: 'B', row: '7', seat: '12' } },
      { id: 'B-2', price: 35 },
      { id: 'B-3', price: 120, option: 'vip' },
    ]);
    // A PACK: two tickets of one order and owner, sold together.
    await syncTickets(ctx, w.key, [priced('P-1', 30, { orderId: 'o-1', buyer: 'pack@fans.example' }), priced('P-2', 30, { orderId: 'o-1', buyer: 'pack@fans.example' })]);
    await listOk(ctx, w.key, ['P-1', 'P-2'], 50, 'pack@fans.example');

    const browser = new WebClient(ctx.app);
    const es = await browser.get(await entrypoint(w, 'externalReferenceEventId=solo&showId=main&lang=es&returnTo=https%3A%2F%2Fshop.example%2F'));
    expect(es.status).toBe(200);
    expect(es.headers['content-type']).toContain('text/html');
    const text = read(es.body);
    expect(es.body).toContain('<html lang="es"');
    expect(text).toContain('Concierto');
    expect(text).toContain('martes, 1 de junio de 2027, 21:00'); // Europe/Madrid, not the server's zone
    expect(text).toContain('Sala Sol');
    // All-in (price + the default buyer fee of 10 %), cheapest first within General.
    expect(text).toContain('38,50 € por entrada, gastos incluidos');
    expect(text).toContain('Entrada 35,00 € + gastos 3,50 €');
    expect(text).toContain('Precio original 30,00 €');
    expect(text).toContain('Sector B · Fila 7 · Asiento 12');
    expect(text).toContain('Pack de 2, se venden juntas');
    expect(text).toContain('110,00 € por las 2 entradas');
    expect(text.indexOf('38,50 €')).toBeLessThan(text.indexOf('44,00 €'));
    // Groups: General (cheapest 38,50) before VIP (132,00).
    expect(text.indexOf('General')).toBeLessThan(text.indexOf('VIP ·') > 0 ? text.indexOf('VIP ·') : text.lastIndexOf('VIP'));
    expect(text).toContain('132,00 €');
    expect(es.body.match(/name="listingId"/g)).toHaveLength(4);
    expect(text).toContain('Todas (4)');
    expect(es.body).toContain('name="robots" content="noindex"');

    const en = await browser.get(await entrypoint(w, 'externalReferenceEventId=solo&showId=main&lang=en&returnTo=https%3A%2F%2Fshop.example%2F'));
    const enText = read(en.body);
    expect(en.body).toContain('<html lang="en"');
    expect(enText).toContain('Tuesday, 1 June 2027 at 21:00');
    expect(enText).toContain('€38.50 per ticket, fees included');
    expect(enText).toContain('Face value €30.00');
    expect(enText).toContain('Section B · Row 7 · Seat 12');
    expect(enText).toContain('Pack of 2, sold together');
    expect(enText).toContain('All (4)');
  });

  it('filters by ticket option with chips (links), and picks another show of the event', async () => {
    const w = await world();
    await list(w, [
      { id: 'F-1', price: 40 },
      { id: 'F-2', price: 100, option: 'vip' },
    ]);
    const browser = new WebClient(ctx.app);
    const page = await browser.get(await entrypoint(w, 'externalReferenceEventId=solo&showId=main&ticketOptionId=vip&lang=en&returnTo=https%3A%2F%2Fshop.example%2F'));
    expect(page.status).toBe(200);
    const text = read(page.body);
    expect(text).toContain('€110.00 per ticket');
    expect(text).not.toContain('€44.00 per ticket');
    expect(page.body).toMatch(/<a href="\/en\/marketplace\/shows\/[^"]+\?ticketOptionId=vip&amp;returnTo=[^"]+" aria-current="page">VIP \(1\)<\/a>/);
    // The chips keep the way back to the shop.
    expect(page.body).toContain(`href="/en/marketplace/shows/${w.main}?ticketOptionId=ga&amp;returnTo=https%3A%2F%2Fshop.example%2F"`);
    expect(page.body).toContain('>All (2)</a>');

    // The two-show event: a picker of its other date.
    const duo = await browser.get(await entrypoint(w, 'externalReferenceEventId=duo&showId=d1&lang=es&returnTo=https%3A%2F%2Fshop.example%2F'));
    expect(duo.status).toBe(200);
    expect(duo.body).toContain('aria-label="Otras fechas"');
    expect(duo.body).toContain(`href="/es/marketplace/shows/${w.d2}?returnTo=https%3A%2F%2Fshop.example%2F"`);
    expect(read(duo.body)).toContain('2 jun');
  });

  it('the sale URL shows that ticket first with Open Graph tags, and says when it is no longer on sale', async () => {
    const w = await world();
    await list(w, [
      { id: 'S-1', price: 40 },
      { id: 'S-2', price: 30 },
    ]);
    const browser = new WebClient(ctx.app);
    for (const lang of ['es', 'en'] as const) {
      const url = await saleUrl(w, 'S-1', lang);
      const page = await browser.get(url);
      expect(page.status).toBe(200);
      const text = read(page.body);
      expect(text).toContain(lang === 'es' ? 'La entrada que te han enviado' : 'The ticket you were sent');
      // The shared ticket (44,00 all-in) comes first, before the cheaper one.
      const shared = lang === 'es' ? '44,00 €' : '€44.00';
      const cheaper = lang === 'es' ? '33,00 €' : '€33.00';
      expect(text.indexOf(shared)).toBeLessThan(text.indexOf(cheaper));
      expect(attr(page.body, 'og:title')).toBe(lang === 'es' ? 'Concierto — martes, 1 de junio de 2027, 21:00' : 'Concierto — Tuesday, 1 June 2027 at 21:00');
      expect(attr(page.body, 'og:description')).toContain(lang === 'es' ? 'General: 44,00 € por entrada, gastos incluidos' : 'General: €44.00 per ticket, fees included');
      expect(attr(page.body, 'og:url')).toBe(`http://encore.test${url}`);
      expect(page.body).not.toContain('noindex');
    }
    // Taken by a buyer through the API: the sale link says so and shows the rest.
    const [listing] = (await ctx.deps.db.selectFrom('listing_tickets').select('listing_id').where('tenant_id', '=', w.tenantId).where('ticket_id', '=', 'S-1').execute()).map((r) => r.listing_id);
    const held = await call(ctx, w.key, 'POST', '/v1/marketplace/buyingflow/buyIntention', { items: [listing], user: 'first@x.example' });
    expect(held.status).toBe(200);
    const gone = await browser.get(await saleUrl(w, 'S-1', 'en'));
    expect(gone.status).toBe(200);
    expect(read(gone.body)).toContain('This ticket is no longer on sale. Here are the other tickets for this show.');
    expect(read(gone.body)).toContain('€33.00 per ticket');
    expect(attr(gone.body, 'og:description')).toContain('Resale tickets for Concierto');
    // An unknown ticket reads the same (nothing to probe).
    const unknown = await browser.get(`/es/marketplace/shows/${w.main}?ticketId=nope`);
    expect(read(unknown.body)).toContain('Esta entrada ya no está a la venta');
  });

  it('empty: says so and offers "Notify me", which creates one WISHLIST lead per fan (a second request updates it)', async () => {
    const w = await world();
    const browser = new WebClient(ctx.app);
    for (const lang of ['es', 'en'] as const) {
      const page = await browser.get(`/${lang}/marketplace/shows/${w.main}`);
      expect(page.status).toBe(200);
      expect(read(page.body)).toContain(lang === 'es' ? 'Ahora mismo no hay entradas a la venta' : 'No tickets on sale right now');
      expect(page.body).toContain(`action="/${lang}/marketplace/shows/${w.main}/notify"`);
    }
    const bad = await browser.post(`/en/marketplace/shows/${w.main}/notify`, { email: 'not-an-email' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('role="alert"');
    expect(bad.body).toContain('aria-invalid="true"');
    expect(read(bad.body)).toContain('Enter a valid email address.');

    const sent = await browser.post(`/en/marketplace/shows/${w.main}/notify`, { email: 'Fan@Example.com' });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/en/marketplace/shows/${w.main}?notice=notified`);
    const after = await browser.get(sent.location!);
    expect(read(after.body)).toContain('Done! We will email you as soon as a ticket is listed.');
    expect(after.body).toContain('role="status"');

    const again = await browser.post(`/es/marketplace/shows/${w.main}/notify`, { email: 'fan@example.com' });
    expect(again.status).toBe(303);
    expect(read((await browser.get(again.location!)).body)).toContain('¡Listo! Te escribiremos');
    const leads = await call(ctx, w.key, 'GET', '/v1/marketdata/users?externalReferenceEventId=solo&showId=main&type=WISHLIST');
    expect(leads.status).toBe(200);
    const items = (leads.body.data as { items: { buyer: { email: string }; type: string; ticketOptionId: string | null }[] }).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'WISHLIST', buyer: { email: 'fan@example.com' }, ticketOptionId: null });
  });

  it('a filtered empty page asks for that ticket option, and the lead names it', async () => {
    const w = await world();
    await list(w, [{ id: 'E-1', price: 40 }]);
    const browser = new WebClient(ctx.app);
    const page = await browser.get(`/es/marketplace/shows/${w.main}?ticketOptionId=vip`);
    expect(read(page.body)).toContain('Ahora mismo no hay entradas VIP a la venta.');
    expect(read(page.body)).toContain('Ver todos los tipos de entrada');
    expect(page.body).toContain('name="ticketOptionId" value="vip"');
    const sent = await browser.post(`/es/marketplace/shows/${w.main}/notify`, { email: 'vip@example.com', ticketOptionId: 'vip' });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/es/marketplace/shows/${w.main}?ticketOptionId=vip&notice=notified`);
    const leads = await call(ctx, w.key, 'GET', '/v1/marketdata/users?externalReferenceEventId=solo&type=WISHLIST');
    expect((leads.body.data as { items: { ticketOptionId: string | null }[] }).items.map((l) => l.ticketOptionId)).toEqual(['vip']);
  });

  it('when resale is closed it says why and until when, in the event’s time zone, and sells nothing', async () => {
    const w = await world();
    await list(w, [{ id: 'C-1', price: 40 }]);
    const browser = new WebClient(ctx.app);
    // Not open yet: the date resale opens, and "Notify me".
    await setRules(ctx, w.key, [{ externalReferenceEventId: 'solo', ruleType: 'RESALE', rules: { enabled: true, opensAt: '2026-03-01T10:00:00+01:00' } }]);
    const notYet = await browser.get(`/es/marketplace/shows/${w.main}`);
    expect(notYet.status).toBe(200);
    expect(read(notYet.body)).toContain('La reventa aún no ha abierto');
    expect(read(notYet.body)).toContain('La reventa abre el domingo, 1 de marzo de 2026, 10:00');
    expect(notYet.body).not.toContain('name="listingId"');
    expect(notYet.body).toContain('/notify"');
    const notYetEn = await browser.get(`/en/marketplace/shows/${w.main}`);
    expect(read(notYetEn.body)).toContain('Resale opens on Sunday, 1 March 2026 at 10:00');

    // Disabled.
    await setRules(ctx, w.key, [{ externalReferenceEventId: 'solo', ruleType: 'RESALE', rules: { enabled: false } }]);
    const disabled = await browser.get(`/en/marketplace/shows/${w.main}`);
    expect(read(disabled.body)).toContain('Resale is closed');
    expect(read(disabled.body)).toContain('The organiser does not allow resale for this show.');
    // A buy posted from a page loaded earlier is refused with the reason.
    const [listingId] = (await ctx.deps.db.selectFrom('listings').select('id').where('tenant_id', '=', w.tenantId).execute()).map((r) => r.id);
    const refused = await browser.post(`/en/marketplace/shows/${w.main}/buy`, { listingId: listingId! });
    expect(refused.status).toBe(303);
    expect(refused.location).toBe(`/en/marketplace/shows/${w.main}?notice=closed`);

    // Closed some hours before the show.
    await setRules(ctx, w.key, [{ externalReferenceEventId: 'solo', ruleType: 'RESALE', rules: { enabled: true, closesHoursBeforeShow: 48 } }]);
    ctx.clock!.set('2027-05-31T12:00:00Z');
    const closed = await browser.get(`/es/marketplace/shows/${w.main}`);
    expect(read(closed.body)).toContain('La reventa cerró el domingo, 30 de mayo de 2027, 21:00, antes de la función.');
    // The show has started.
    ctx.clock!.set('2027-06-01T20:00:00Z');
    const started = await browser.get(`/en/marketplace/shows/${w.main}`);
    expect(read(started.body)).toContain('Resale closed when the show started (Tuesday, 1 June 2027 at 21:00).');
    ctx.clock!.set('2026-01-01T00:00:00Z');

    // A cancelled show of a two-show event.
    const cancel = await call(ctx, w.key, 'POST', '/v1/events/duo/cancellation?showId=d2', {});
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    const cancelled = await browser.get(`/es/marketplace/shows/${w.d2}`);
    expect(read(cancelled.body)).toContain('Esta fecha se ha cancelado');
    const d1 = await browser.get(`/es/marketplace/shows/${w.d1}`);
    expect(read(d1.body)).toContain('Cancelada');
  });

  it('shows the seating map with links to its zones', async () => {
    const w = await world({ seating: true });
    await list(w, [{ id: 'M-1', price: 40 }]);
    const page = await new WebClient(ctx.app).get(`/es/marketplace/shows/${w.main}`);
    expect(page.body).toContain('<img src="https://img.example/plano.png" alt="Plano de asientos de Sala Sol"');
    expect(page.body).toContain(`href="/es/marketplace/shows/${w.main}?ticketOptionId=ga">Entradas de Pista</a>`);
    expect(read(page.body)).toContain('General · Pista');
  });

  it('an unknown show is the 404 page, in HTML', async () => {
    for (const lang of ['es', 'en']) {
      const res = await new WebClient(ctx.app).get(`/${lang}/marketplace/shows/shw_nope`);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toContain('text/html');
      expect(read(res.body)).toContain(lang === 'es' ? 'Página no encontrada' : 'Page not found');
    }
  });

  it('"Buy" holds the listing through the checkout URL’s reservation and 303s to the checkout page, keeping returnTo', async () => {
    const w = await world();
    const [listingId] = await list(w, [{ id: 'K-1', price: 40 }]);
    const browser = new WebClient(ctx.app);
    const page = await browser.get(await entrypoint(w, `externalReferenceEventId=solo&showId=main&lang=es&returnTo=${encodeURIComponent(`${SHOP}/evento`)}`));
    expect(page.status).toBe(200);
    expect(page.body).toContain(`name="returnTo" value="${SHOP}/evento"`);
    const res = await browser.post(`/es/marketplace/shows/${w.main}/buy`, { listingId: listingId!, returnTo: `${SHOP}/evento` });
    expect(res.status).toBe(303);
    const to = new URL(res.location!, 'http://encore.test');
    expect(to.pathname).toMatch(/^\/es\/checkout\/bi_/);
    expect(to.searchParams.get('secret')).toBeTruthy();
    expect(to.searchParams.get('returnTo')).toBe(`${SHOP}/evento`);
    const intention = await ctx.deps.db.selectFrom('buy_intentions').selectAll().where('id', '=', to.pathname.split('/').pop()!).executeTakeFirstOrThrow();
    expect(intention).toMatchObject({ status: 'RESERVED', source: 'CHECKOUT_URL', buyer_email: null, lang: 'es', tenant_id: w.tenantId });
    const listing = await ctx.deps.db.selectFrom('listings').selectAll().where('id', '=', listingId!).executeTakeFirstOrThrow();
    expect(listing).toMatchObject({ status: 'RESERVED', hold_intention_id: intention.id });
    const audit = await ctx.deps.db.selectFrom('audit_log').select(['actor']).where('tenant_id', '=', w.tenantId).where('action', '=', 'buy_intention.created').execute();
    expect(audit).toHaveLength(1);
  });

  it('a listing taken meanwhile sends the fan back with "someone else just took it"; the holder may then not extend', async () => {
    const w = await world();
    const [listingId] = await list(w, [{ id: 'T-1', price: 40 }]);
    const first = new WebClient(ctx.app);
    const second = new WebClient(ctx.app);
    await first.get(`/en/marketplace/shows/${w.main}`);
    await second.get(`/en/marketplace/shows/${w.main}`);
    const won = await first.post(`/en/marketplace/shows/${w.main}/buy`, { listingId: listingId! });
    expect(won.status).toBe(303);
    const lost = await second.post(`/en/marketplace/shows/${w.main}/buy`, { listingId: listingId! });
    expect(lost.status).toBe(303);
    expect(lost.location).toBe(`/en/marketplace/shows/${w.main}?notice=taken`);
    const back = await second.get(lost.location!);
    expect(read(back.body)).toContain('Someone else just took that ticket. Pick another one below.');
    const es = await second.get(`/es/marketplace/shows/${w.main}?notice=taken`);
    expect(read(es.body)).toContain('Otra persona acaba de llevarse esa entrada.');
    // The refusal is recorded on the held listing (ADR 0017).
    const row = await ctx.deps.db.selectFrom('listings').select(['last_refused_at']).where('id', '=', listingId!).executeTakeFirstOrThrow();
    expect(row.last_refused_at).not.toBeNull();
    // A listing of another show is not bought from this page.
    const [other] = (await ctx.deps.db.selectFrom('listings').select('id').where('tenant_id', '=', w.tenantId).execute()).map((r) => r.id);
    const wrongShow = await second.post(`/en/marketplace/shows/${w.d1}/buy`, { listingId: other! });
    expect(wrongShow.location).toBe(`/en/marketplace/shows/${w.d1}?notice=taken`);
  });

  it('identical listings are one offer with a count; its "Buy" takes the next one when the first was just taken', async () => {
    const w = await world();
    const [a, b] = await list(w, [
      { id: 'I-1', price: 40 },
      { id: 'I-2', price: 40 },
      { id: 'I-3', price: 45 },
    ]);
    const browser = new WebClient(ctx.app);
    const page = await browser.get(`/es/marketplace/shows/${w.main}`);
    expect(read(page.body)).toContain('2 disponibles');
    expect(page.body.match(/name="listingId"/g)).toHaveLength(2);
    const form = new RegExp(`name="listingId" value="(${a}|${b})"/><input type="hidden" name="alternates" value="(${a}|${b})"`).exec(page.body);
    expect(form).not.toBeNull();
    // Someone takes the offer's first listing through the API; the page's "Buy" gets its twin.
    const first = form![1]!;
    const twin = form![2]!;
    expect((await call(ctx, w.key, 'POST', '/v1/marketplace/buyingflow/buyIntention', { items: [first], user: 'quick@example.com' })).status).toBe(200);
    const res = await browser.post(`/es/marketplace/shows/${w.main}/buy`, { listingId: first, alternates: twin });
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/es\/checkout\/bi_/);
    expect((await ctx.deps.db.selectFrom('listings').select('status').where('id', '=', twin).executeTakeFirstOrThrow()).status).toBe('RESERVED');
    const en = await browser.get(`/en/marketplace/shows/${w.main}`);
    expect(read(en.body)).not.toContain('available');
  });

  it('refuses a form without its CSRF token with the 403 page', async () => {
    const w = await world();
    const [listingId] = await list(w, [{ id: 'X-1', price: 40 }]);
    const browser = new WebClient(ctx.app);
    await browser.get(`/en/marketplace/shows/${w.main}`);
    const res = await browser.post(`/en/marketplace/shows/${w.main}/buy`, { listingId: listingId! }, { csrf: false });
    expect(res.status).toBe(403);
    expect(read(res.body)).toContain('This form has expired');
    const notify = await browser.post(`/es/marketplace/shows/${w.main}/notify`, { email: 'a@b.example' }, { csrf: false });
    expect(notify.status).toBe(403);
    expect((await ctx.deps.db.selectFrom('listings').select('status').where('id', '=', listingId!).executeTakeFirstOrThrow()).status).toBe('ACTIVE');
  });

  it('prefills the notify email of a signed-in fan', async () => {
    const w = await world();
    const token = await call(ctx, w.key, 'GET', '/v1/auth/oneTimeToken?user=ana@fans.example&method=email');
    expect(token.status).toBe(200);
    const browser = new WebClient(ctx.app);
    const page = await browser.open(`/es/marketplace/shows/${w.main}?oneTimeToken=${encodeURIComponent(token.body.data as string)}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('value="ana@fans.example"');
  });
});
