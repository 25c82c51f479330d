import { describe, expect, it } from 'vitest';
import { useContext } from '../../../../test/harness.js';
import { textOf, WebClient } from '../../../../test/web-client.js';
import { formatMinor } from '../../i18n/format.js';
import { ANA, BEFORE_SHOWS, BOB, call, fieldValue, newSellerTenant, priced, setRules, signedIn, syncTickets } from '../seller/seller.fixtures.js';

/** The "sell an order" page, as a browser uses it. */
const ctx = useContext({ clock: 'manual' });
const LANGS = ['es', 'en'] as const;
const eur = (minor: number, lang: 'es' | 'en') => formatMinor(minor, 'EUR', lang).replace(/\s+/g, ' ');

let n = 0;
async function world() {
  ctx.clock!.set(BEFORE_SHOWS);
  const s = await newSellerTenant(ctx, `sell-order-${++n}`);
  const order = { orderId: 'ORD-1' };
  await syncTickets(ctx, s.key, [
    priced('O1', 30, { buyer: ANA, ...order }),
    priced('O2', 30, { buyer: ANA, ...order }),
    priced('O3', 30, { buyer: ANA, ...order }),
    priced('O4', 30, { buyer: BOB, ...order }),
    priced('X1', 30, { buyer: BOB, orderId: 'ORD-BOB' }),
  ]);
  await setRules(ctx, s.key, [{ externalReferenceEventId: 'solo', ruleType: 'RESALE', rules: { enabled: true, maxMarkupPercent: 20 } }]);
  expect((await call(ctx, s.key, 'POST', '/v1/tickets/O3/eventAdmission', {})).status).toBe(200);
  const url = (lang: string, orderId = 'ORD-1') => `/${lang}/marketplace/tenants/${s.tenantId}/sell?orderId=${orderId}`;
  const action = (lang: string) => `/${lang}/marketplace/tenants/${s.tenantId}/sell`;
  const listings = () => ctx.deps.db.selectFrom('listings').selectAll().where('tenant_id', '=', s.tenantId).orderBy('id').execute();
  return { s, url, action, listings };
}

/** Each ticket's position on the page, from its hidden field. */
function positions(html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(/name="ticket\.(\d+)" value="([^"]+)"/g)].map((m) => [m[2]!, m[1]!]));
}

describe('GET /:lang/marketplace/tenants/:tenantId/sell?orderId=', () => {
  it('asks a signed-out fan to sign in; an order the fan holds nothing of is the 404 page, as an unknown one', async () => {
    const w = await world();
    for (const lang of LANGS) {
      const anon = await new WebClient(ctx.app).get(w.url(lang));
      expect(anon.status).toBe(200);
      expect(textOf(anon.body)).toContain(lang === 'es' ? 'Inicia sesión' : 'Sign in');
    }
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    const bobs = await web.get(w.url('en', 'ORD-BOB'));
    const unknown = await web.get(w.url('en', 'ORD-NOPE'));
    expect(bobs.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(textOf(bobs.body).replace(/ORD-BOB/g, '')).toBe(textOf(unknown.body).replace(/ORD-NOPE/g, ''));
    expect((await web.get(`/en/marketplace/tenants/${w.s.tenantId}/sell`)).status).toBe(404);
  });

  it('lists the fan’s tickets of the order only, each with its status; one that cannot be sold is disabled with its reason', async () => {
    const w = await world();
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    for (const lang of LANGS) {
      const res = await web.get(w.url(lang));
      expect(res.status).toBe(200);
      const text = textOf(res.body);
      expect(text).toContain(lang === 'es' ? 'Vende entradas de tu pedido' : 'Sell tickets from your order');
      expect(Object.keys(positions(res.body)).sort()).toEqual(['O1', 'O2']);
      expect(res.body).not.toContain('O4');
      expect(text).toContain(lang === 'es' ? 'Esta entrada ya se ha usado para entrar.' : 'This ticket has already been used to get in.');
      expect(res.body).toMatch(/<input type="checkbox" id="pick-2" name="pick" value="2" disabled aria-describedby="reason-2"\/>/);
      expect(text).toContain(lang === 'es' ? 'Juntas en un lote' : 'Together as a pack');
      expect(fieldValue(res.body, 'packPrice')).toBe(lang === 'es' ? '30,00' : '30.00');
    }
  });
});

describe('POST /:lang/marketplace/tenants/:tenantId/sell', () => {
  it('sells two tickets together as one PACK and answers 303 to the listing page', async () => {
    const w = await world();
    const { web, page } = await signedIn(ctx, w.s, ANA, w.url('es'));
    const at = positions(page.body);
    const res = await web.post(w.action('es'), { orderId: 'ORD-1', pick: at.O1!, mode: 'pack', packPrice: '33,00', action: 'list', [`ticket.${at.O1}`]: 'O1', [`ticket.${at.O2}`]: 'O2' });
    expect(res.status).toBe(400);
    expect(textOf(res.body)).toContain('Un lote necesita al menos dos entradas.');
    const body = new URLSearchParams({ orderId: 'ORD-1', mode: 'pack', packPrice: '33,00', action: 'list', [`ticket.${at.O1}`]: 'O1', [`ticket.${at.O2}`]: 'O2' });
    body.append('pick', at.O1!);
    body.append('pick', at.O2!);
    const packed = await postRaw(web, w.action('es'), body);
    expect(packed.status).toBe(303);
    const [listing] = await w.listings();
    expect(listing).toMatchObject({ type: 'PACK', quantity: 2, order_id: 'ORD-1', price_minor: 3300, seller_email: ANA, status: 'ACTIVE' });
    expect(packed.location).toBe(`/es/marketplace/listings/${listing!.id}?done=listed`);
    const after = await web.get(w.url('es'));
    expect(positions(after.body)).toEqual({});
    expect(textOf(after.body)).toContain('A la venta');
  });

  it('sells tickets separately at their own prices in one call (303 to my tickets of the order); a refused price lists none', async () => {
    const w = await world();
    const { web, page } = await signedIn(ctx, w.s, ANA, w.url('en'));
    const at = positions(page.body);
    const form = (p1: string, p2: string) => {
      const b = new URLSearchParams({ orderId: 'ORD-1', mode: 'separate', action: 'list', [`ticket.${at.O1}`]: 'O1', [`price.${at.O1}`]: p1, [`ticket.${at.O2}`]: 'O2', [`price.${at.O2}`]: p2 });
      b.append('pick', at.O1!);
      b.append('pick', at.O2!);
      return b;
    };
    for (const lang of LANGS) {
      const refused = await postRaw(web, w.action(lang), form('31', '50'));
      expect(refused.status).toBe(422);
      expect(refused.body).toMatch(new RegExp(`id="price-${at.O2}"[^>]*aria-invalid="true"`));
      expect(refused.body).not.toMatch(new RegExp(`id="price-${at.O1}"[^>]*aria-invalid="true"`));
      expect(textOf(refused.body)).toContain(eur(3600, lang));
      expect(await w.listings()).toEqual([]);
    }
    const preview = await postRaw(web, w.action('en'), new URLSearchParams([...form('31', '32')].map(([k, v]) => [k, k === 'action' ? 'preview' : v])));
    expect(preview.status).toBe(200);
    expect(textOf(preview.body)).toContain('You receive');
    expect(await w.listings()).toEqual([]);
    const listed = await postRaw(web, w.action('en'), form('31', '32'));
    expect(listed.status).toBe(303);
    expect(listed.location).toBe(`/en/marketplace/tenants/${w.s.tenantId}/tickets?orderId=ORD-1&done=listed`);
    expect((await w.listings()).map((l) => [l.type, l.price_minor])).toEqual([
      ['SINGLE', 3100],
      ['SINGLE', 3200],
    ]);
  });

  it('asks for a ticket when none is picked (400), refuses a form without CSRF (403), and a ticket smuggled in from another order', async () => {
    const w = await world();
    const { web, page } = await signedIn(ctx, w.s, ANA, w.url('en'));
    const at = positions(page.body);
    const none = await web.post(w.action('en'), { orderId: 'ORD-1', mode: 'separate', action: 'list' });
    expect(none.status).toBe(400);
    expect(textOf(none.body)).toContain('Choose at least one ticket to sell.');
    const noCsrf = await web.post(w.action('en'), { orderId: 'ORD-1', pick: at.O1!, [`ticket.${at.O1}`]: 'O1', [`price.${at.O1}`]: '30', action: 'list' }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    const smuggled = await web.post(w.action('en'), { orderId: 'ORD-1', pick: '0', 'ticket.0': 'X1', 'price.0': '30', action: 'list' });
    expect(smuggled.status).toBe(404);
    expect(await w.listings()).toEqual([]);
  });
});

/** A form post with repeated fields (the page's checkboxes): the client's cookies and the page's CSRF field, by hand. */
async function postRaw(web: WebClient, url: string, body: URLSearchParams) {
  const page = await web.get(url.replace(/\/sell$/, '/sell?orderId=ORD-1'));
  body.set('_csrf', /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!);
  const cookie = [...web.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await ctx.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, payload: body.toString() });
  const location = res.headers.location;
  return { status: res.statusCode, body: res.body, location: typeof location === 'string' ? location : undefined };
}
