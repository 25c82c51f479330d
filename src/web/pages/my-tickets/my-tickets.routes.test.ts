import { describe, expect, it } from 'vitest';
import { useContext } from '../../../../test/harness.js';
import { textOf, WebClient } from '../../../../test/web-client.js';
import { buyOk, CARD, pay } from '../../../modules/orders/orders.fixtures.js';
import { formatDate } from '../../i18n/format.js';
import { ANA, BEFORE_SHOWS, BOB, call, listOk, newSellerTenant, priced, setRules, showPkOf, signedIn, syncTickets } from '../seller/seller.fixtures.js';

/** The "my tickets" page: the sell evaluation's statuses and actions for every ticket of the fan, and the access code when UNLOCKED. */
const ctx = useContext({ clock: 'manual' });
const LANGS = ['es', 'en'] as const;

let n = 0;
async function world() {
  ctx.clock!.set(BEFORE_SHOWS);
  const s = await newSellerTenant(ctx, `my-tickets-${++n}`);
  await syncTickets(ctx, s.key, [
    priced('T1', 30, { buyer: ANA, orderId: 'ORD-1' }),
    priced('T2', 30, { buyer: ANA, orderId: 'ORD-1' }),
    priced('T3', 30, { buyer: ANA, orderId: 'ORD-2' }),
    priced('S1', 30, { buyer: ANA, orderId: 'ORD-2' }),
    priced('D2', 30, { buyer: ANA, externalReferenceEventId: 'duo', showId: 'd2', priceTypeId: undefined }),
    priced('B1', 30, { buyer: BOB }),
  ]);
  const url = (lang: string, query = '') => `/${lang}/marketplace/tenants/${s.tenantId}/tickets${query}`;
  return { s, url };
}

describe('GET /:lang/marketplace/tenants/:tenantId/tickets', () => {
  it('asks a signed-out fan to sign in; a fan without tickets gets the empty state', async () => {
    const w = await world();
    for (const lang of LANGS) {
      const anon = await new WebClient(ctx.app).get(w.url(lang));
      expect(anon.status).toBe(200);
      expect(textOf(anon.body)).toContain(lang === 'es' ? 'Inicia sesión' : 'Sign in');
    }
    const { web } = await signedIn(ctx, w.s, 'carla@fans.example', w.url('en'));
    for (const lang of LANGS) {
      const res = await web.get(w.url(lang));
      expect(res.status).toBe(200);
      expect(textOf(res.body)).toContain(lang === 'es' ? 'Todavía no hay entradas aquí' : 'No tickets here yet');
    }
    expect((await web.get(`/en/marketplace/tenants/ten_nope/tickets`)).status).toBe(404);
  });

  it('shows the fan’s tickets by show with sell mode’s statuses and actions, and the access code only when UNLOCKED', async () => {
    const w = await world();
    await setRules(ctx, w.s.key, [{ externalReferenceEventId: 'solo', ruleType: 'TRANSFER', rules: { enabled: true } }]);
    const listing = await listOk(ctx, w.s.key, ['T2'], 35, ANA);
    const sold = await listOk(ctx, w.s.key, ['S1'], 40, ANA);
    const { intention, secret } = await buyOk(ctx, w.s.key, [sold.listingId], 'buyer@x.example');
    expect((await pay(ctx, intention.intentionId, secret, CARD.ok)).status).toBe(200);
    expect((await call(ctx, w.s.key, 'POST', '/v1/tickets/T3/eventAdmission', {})).status).toBe(200);
    const main = await showPkOf(ctx, w.s.tenantId);
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    for (const lang of LANGS) {
      const res = await web.get(w.url(lang));
      expect(res.status).toBe(200);
      const text = textOf(res.body);
      // Two shows, soonest first, dates in Madrid time.
      const first = text.indexOf(formatDate(new Date('2027-06-01T19:00:00Z'), 'Europe/Madrid', lang, 'long'));
      const second = text.indexOf(formatDate(new Date('2027-06-02T19:00:00Z'), 'Europe/Madrid', lang, 'long'));
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(first);
      expect(res.body).not.toContain('B1');
      // SELLABLE → sell + transfer; FOR_SALE → edit + details; SOLD → details + payout details; used → reason.
      expect(res.body).toContain(`href="/${lang}/marketplace/shows/${main}/sell?ticketId=T1"`);
      expect(res.body).toContain(`href="/${lang}/marketplace/shows/${main}/transfer?ticketId=T1"`);
      expect(res.body).toContain(`href="/${lang}/marketplace/listings/${listing.listingId}/edit"`);
      expect(res.body).toContain(`href="/${lang}/marketplace/listings/${listing.listingId}"`);
      expect(res.body).toContain(`href="/${lang}/marketplace/listings/${sold.listingId}"`);
      expect(res.body).toContain(`href="/${lang}/marketplace/tenants/${w.s.tenantId}/payout-details"`);
      expect(text).toContain(lang === 'es' ? 'Esta entrada ya se ha usado para entrar.' : 'This ticket has already been used to get in.');
      expect(text).toContain(lang === 'es' ? 'Vendida' : 'Sold');
      // The code: T1's is UNLOCKED (a URL: a link to it); the sold ticket's is never shown.
      expect(res.body).toContain('href="https://t.example/T1"');
      expect(res.body).not.toContain('https://t.example/S1');
    }
  });

  it('keeps a shielded code hidden and says when it unlocks, in the event’s time zone', async () => {
    const w = await world();
    await setRules(ctx, w.s.key, [{ externalReferenceEventId: 'solo', ruleType: 'TICKET_SHIELD', rules: { enabled: true, unlockHoursBeforeShow: 24 } }]);
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    for (const lang of LANGS) {
      const res = await web.get(w.url(lang));
      const unlock = formatDate(new Date('2027-05-31T19:00:00Z'), 'Europe/Madrid', lang, 'long');
      expect(textOf(res.body)).toContain(lang === 'es' ? `Tu código de acceso aparecerá aquí el ${unlock}.` : `Your access code will be shown here on ${unlock}.`);
      expect(res.body).not.toContain('https://t.example/T1');
      // The other event has no shield: its code is there.
      expect(res.body).toContain('https://t.example/D2');
    }
  });

  it('shows one order’s tickets with ?orderId=, and its empty state for an order the fan holds nothing of', async () => {
    const w = await world();
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    const res = await web.get(w.url('en', '?orderId=ORD-1&done=listed'));
    expect(res.status).toBe(200);
    expect(textOf(res.body)).toContain('Tickets of order ORD-1');
    expect(textOf(res.body)).toContain('Your tickets are on sale.');
    expect(res.body).toContain('Ticket T1');
    expect(res.body).toContain('Ticket T2');
    expect(res.body).not.toContain('Ticket T3');
    const none = await web.get(w.url('es', '?orderId=ORD-NOPE'));
    expect(textOf(none.body)).toContain('No tienes entradas de este pedido.');
  });
});
