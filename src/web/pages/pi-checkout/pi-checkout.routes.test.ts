import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../../test/harness.js';
import { textOf, WebClient, type WebResponse } from '../../../../test/web-client.js';
import { SANDBOX_CARDS } from '../../../modules/payments/index.js';
import { createPiEvents, createStrategy, pi, type Dyn } from '../../../modules/purchase-intents/intents.fixtures.js';

/**
 * The hosted purchase-intent checkout page (SPEC §4.1 item 9, §7), driven as a fan's browser drives
 * it: sessions created through the real public API (`POST /api/public/purchaseintents/:id/checkout`
 * without a card), then the page's GET, its pay and cancel forms with a real CSRF token.
 */

const ctx = useContext({ clock: 'manual' });
const NOW = '2027-05-01T10:00:00Z';
const HOUR = 3_600_000;
let key: string;
const BRAND = 'Sala Apolo';

async function intent(strategy: Record<string, unknown> | null, cart: Record<string, unknown> = {}): Promise<Dyn> {
  let strategyId: string | undefined;
  if (strategy !== null) {
    const { createTickets = false, ...rest } = strategy;
    strategyId = await createStrategy(ctx, key, { availabilityStrategy: { createTickets, checkAvailability: false, withoutSeats: false, createValidTickets: false }, ...rest });
  }
  const res = await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: 'gig', tickets: [{ ticketTypeId: 'vip', amount: 2, price: 100 }], ...(strategyId ? { strategyId } : {}), ...cart });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** A checkout session through the public API; answers the page's path and query on this site. */
async function session(a: Dyn, lang?: 'es' | 'en'): Promise<{ id: string; secret: string; page: string; lang: string }> {
  const res = await pi(ctx, undefined, 'POST', `/api/public/purchaseintents/${a._id}/checkout${lang ? `?lang=${lang}` : ''}`, { secret: a.secret });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const url = new URL(res.body.url as string);
  return { id: res.body._id as string, secret: url.searchParams.get('secret')!, page: `${url.pathname}${url.search}`, lang: url.pathname.split('/')[1]! };
}

const admin = async (id: string): Promise<Dyn> => (await pi(ctx, key, 'GET', `/api/purchaseintents/${id}`)).body;
const approval = async (id: string, body: Record<string, unknown>) => expect((await pi(ctx, key, 'POST', `/api/purchaseintents/${id}/approval`, body)).status).toBe(200);

async function paymentCount(intentId: string): Promise<number> {
  return (await ctx.deps.db.selectFrom('payment_lines').select('payment_id').where('purpose', '=', 'PURCHASE_INTENTS').where('subject_id', '=', intentId).execute()).length;
}

const card = (cardNumber: string = SANDBOX_CARDS.succeeds) => ({ cardNumber, cardExpiry: '08/29', cardCvc: '123' });
const payUrl = (s: { id: string; lang: string }) => `/${s.lang}/purchaseintents/checkout/${s.id}/pay`;
const cancelUrl = (s: { id: string; lang: string }) => `/${s.lang}/purchaseintents/checkout/${s.id}/cancel`;

function h1(res: WebResponse): string {
  return textOf(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(res.body)?.[1] ?? '');
}

function isPage(res: WebResponse, lang: string): void {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('text/html');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toContain(`<html lang="${lang}"`);
  expect(res.body.match(/<h1/g)).toHaveLength(1);
  // White-labelled with the seller's name; never an inline handler or style attribute.
  expect(res.body).toContain(`· ${BRAND}</title>`);
  expect(res.body).not.toMatch(/\son[a-z]+="|\sstyle="/);
}

describe('the purchase-intent checkout page', () => {
  beforeAll(async () => {
    ctx.clock!.set(NOW);
    ({ apiKey: key } = await ctx.createTenant(BRAND));
    await createPiEvents(ctx, key);
  });

  it('open, in es and en: the event and its date in the event’s zone, the items, the amount due as the big number and on the pay button, the card form, cancel', async () => {
    const a = await intent(null, { tickets: [{ ticketTypeId: 'vip', amount: 2, price: 80 }, { ticketTypeId: 'ga', amount: 1, price: 30, name: 'Early bird' }] });
    for (const lang of ['es', 'en'] as const) {
      const s = await session(a, lang);
      const web = new WebClient(ctx.app);
      const res = await web.get(s.page);
      isPage(res, lang);
      const text = textOf(res.body);
      if (lang === 'es') {
        expect(h1(res)).toBe('Completa tu reserva');
        expect(text).toContain('A pagar ahora 190,00 €');
        expect(text).toContain('martes, 1 de junio de 2027, 21:00');
        expect(text).toContain('VIP 2 × 80,00 € 160,00 €');
        expect(text).toContain('Early bird 1 × 30,00 € 30,00 €');
        expect(text).toContain('Total 190,00 €');
        expect(text).toContain('Pagar 190,00 €');
        expect(text).toContain('Modo de prueba: la tarjeta 4242 4242 4242 4242 se acepta');
        expect(text).toContain('Cancelar reserva');
        expect(res.body).toContain('data-confirm="¿Cancelar esta reserva? No se puede deshacer."');
      } else {
        expect(h1(res)).toBe('Complete your booking');
        expect(text).toContain('To pay now €190.00');
        expect(text).toContain('Tuesday, 1 June 2027 at 21:00');
        expect(text).toContain('VIP 2 × €80.00 €160.00');
        expect(text).toContain('Pay €190.00');
        expect(text).toContain('Test mode: 4242 4242 4242 4242 is accepted');
        expect(text).toContain('Cancel booking');
      }
      // The amount is the big number; the form posts with CSRF and the secret in a hidden field.
      expect(res.body).toMatch(/<p class="pi-amount">(190,00&nbsp;€|190,00\s€|€190\.00)<\/p>/);
      expect(res.body).toContain(`action="/${lang}/purchaseintents/checkout/${s.id}/pay"`);
      expect(res.body).toContain(`name="secret" value="${s.secret}"`);
      expect(res.body).toContain('name="_csrf"');
      expect(res.body).toContain('autocomplete="cc-number"');
      expect(res.body).toContain('autocomplete="cc-exp"');
      expect(res.body).toContain('autocomplete="cc-csc"');
      // No expiry: neither a date nor a countdown.
      expect(res.body).not.toContain('data-countdown');
    }
  });

  it('a deposit, then the balance: "Pay deposit", the deposit-paid state with the balance form, then the receipt; a reload repeats nothing', async () => {
    const a = await intent({ deposit: { method: 'fixed', value: 40 }, createTickets: true });
    const s = await session(a, 'en');
    const web = new WebClient(ctx.app);
    const first = await web.get(s.page);
    isPage(first, 'en');
    expect(textOf(first.body)).toContain('Deposit to pay now €40.00');
    expect(textOf(first.body)).toContain('The rest (€160.00) is paid later, on this same page.');
    expect(textOf(first.body)).toContain('Deposit To pay now €40.00');
    expect(textOf(first.body)).toContain('The rest, paid later €160.00');
    expect(textOf(first.body)).toContain('Pay deposit €40.00');

    const paid = await web.post(payUrl(s), { secret: s.secret, ...card() });
    expect(paid.status).toBe(303);
    expect(paid.location).toBe(`/en/purchaseintents/checkout/${s.id}?secret=${s.secret}&paid=deposit`);
    expect(await admin(a._id)).toMatchObject({ status: 'new', deposit: { amount: 40 } });
    const deposit = await web.get(paid.location!);
    isPage(deposit, 'en');
    expect(h1(deposit)).toBe('Deposit paid');
    expect(textOf(deposit.body)).toContain('Thank you! Your deposit went through.');
    expect(deposit.body).toMatch(/<p class="notice ok" role="status">Thank you! Your deposit went through/);
    expect(textOf(deposit.body)).toContain('Remaining to pay €160.00');
    expect(textOf(deposit.body)).toContain('Deposit Paid €40.00');
    expect(textOf(deposit.body)).toContain('Left to pay €160.00');
    expect(textOf(deposit.body)).toContain('Pay remaining €160.00');
    // The cancel section says the paid deposit is not refunded automatically.
    expect(textOf(deposit.body)).toContain(`The deposit you paid (€40.00) is not refunded automatically. Contact ${BRAND} about it.`);
    // A reload of the flash URL charges nothing.
    expect((await web.get(paid.location!)).status).toBe(200);
    expect(await paymentCount(a._id)).toBe(1);

    // The Spanish page of the same state.
    const es = await new WebClient(ctx.app).get(`/es/purchaseintents/checkout/${s.id}?secret=${s.secret}`);
    expect(h1(es)).toBe('Señal pagada');
    expect(textOf(es.body)).toContain('Pagar el resto 160,00 €');

    const balance = await web.post(payUrl(s), { secret: s.secret, ...card() });
    expect(balance.status).toBe(303);
    expect(balance.location).toBe(`/en/purchaseintents/checkout/${s.id}?secret=${s.secret}&paid=full`);
    const receipt = await web.get(balance.location!);
    isPage(receipt, 'en');
    expect(h1(receipt)).toBe('Payment complete');
    const text = textOf(receipt.body);
    expect(text).toContain('Thank you! Your booking is fully paid.');
    expect(text.match(/Thank you!/g)).toHaveLength(1);
    expect(text).toContain('Concert · Deposit paid €40.00');
    expect(text).toContain('Concert · Balance paid €160.00');
    expect(text).toContain('Total paid €200.00');
    expect(text).toContain(`Payment reference ${s.id}`);
    expect(receipt.body).not.toContain('/pay"');
    expect(receipt.body).not.toContain('/cancel"');
    expect(await admin(a._id)).toMatchObject({ status: 'complete', outcome: { checkoutId: s.id } });

    // The receipt in Spanish.
    const esReceipt = await new WebClient(ctx.app).get(`/es/purchaseintents/checkout/${s.id}?secret=${s.secret}`);
    expect(h1(esReceipt)).toBe('Pago completado');
    expect(textOf(esReceipt.body)).toContain('Señal pagada 40,00 €');
    expect(textOf(esReceipt.body)).toContain('Total pagado 200,00 €');

    // Paying a complete session again (an old tab): nothing is charged, the page says why.
    const again = await web.post(payUrl(s), { secret: s.secret, ...card() });
    expect(again.status).toBe(303);
    expect(again.location).toContain('notice=unpayable');
    expect(textOf((await web.get(again.location!)).body)).toContain('Nothing was charged');
    expect(await paymentCount(a._id)).toBe(2);
  });

  it('a declined card: the form again with the reason and nothing changed; a good card then pays', async () => {
    const a = await intent(null);
    for (const lang of ['es', 'en'] as const) {
      const s = await session(a, lang);
      const web = new WebClient(ctx.app);
      await web.get(s.page);
      const declined = await web.post(payUrl(s), { secret: s.secret, ...card(SANDBOX_CARDS.declined) });
      expect(declined.status).toBe(303);
      expect(declined.location).toBe(`/${lang}/purchaseintents/checkout/${s.id}?secret=${s.secret}&declined=card_declined`);
      const page = await web.get(declined.location!);
      isPage(page, lang);
      expect(page.body).toMatch(/<p class="notice bad" role="alert">/);
      expect(textOf(page.body)).toContain(lang === 'es' ? 'Tu tarjeta ha sido rechazada. No se ha cobrado nada.' : 'Your card was declined. Nothing was charged.');
      expect(page.body).toContain(`/${lang}/purchaseintents/checkout/${s.id}/pay"`);
      expect(await admin(a._id)).toMatchObject({ status: 'new', __v: 0 });
    }
    const s = await session(a, 'en');
    const web = new WebClient(ctx.app);
    await web.get(s.page);
    const paid = await web.post(payUrl(s), { secret: s.secret, ...card() });
    expect(paid.location).toContain('paid=full');
    expect(h1(await web.get(paid.location!))).toBe('Payment complete');
    expect(await admin(a._id)).toMatchObject({ status: 'complete' });
  });

  it('refuses card fields no card could carry, each named with aria-invalid, charging nothing and never echoing the number', async () => {
    const a = await intent(null);
    const s = await session(a, 'en');
    const web = new WebClient(ctx.app);
    await web.get(s.page);
    const bad = await web.post(payUrl(s), { secret: s.secret, cardNumber: '4242 4242 4242 4241', cardExpiry: '13/30', cardCvc: '12' });
    expect(bad.status).toBe(400);
    const text = textOf(bad.body);
    expect(text).toContain('This card number is not valid.');
    expect(text).toContain('Enter the expiry date as MM/YY');
    expect(text).toContain('Enter the 3 or 4 digits on the back of your card.');
    expect(bad.body).toMatch(/id="pi-card-number"[^>]*aria-invalid="true"[^>]*aria-describedby="pi-card-number-error pi-card-hint"/);
    expect(bad.body).toMatch(/id="pi-card-expiry"[^>]*aria-invalid="true"/);
    expect(bad.body).toMatch(/id="pi-card-cvc"[^>]*aria-invalid="true"/);
    expect(bad.body).toContain('role="alert"');
    expect(bad.body).not.toContain('4242 4242 4242 4241');
    // An expired card (the page's clock is May 2027).
    const past = await web.post(payUrl(s), { secret: s.secret, cardNumber: SANDBOX_CARDS.succeeds, cardExpiry: '04/27', cardCvc: '123' });
    expect(past.status).toBe(400);
    expect(textOf(past.body)).toContain('This card has expired. Use another card.');
    expect(past.body).toContain('value="04/27"');
    // In Spanish too.
    const es = await web.post(`/es/purchaseintents/checkout/${s.id}/pay`, { secret: s.secret, cardNumber: '1234', cardExpiry: '08/29', cardCvc: '123' });
    expect(es.status).toBe(400);
    expect(textOf(es.body)).toContain('Este número de tarjeta no es válido.');
    expect(await paymentCount(a._id)).toBe(0);
  });

  it('awaiting approval: no pay button, what happens next; rejected: the reason; paying is refused and charges nothing', async () => {
    const a = await intent({ needsApproval: true });
    await approval(a._id, { approvalStatus: 'approved' });
    const s = await session(a, 'es');
    await approval(a._id, { approvalStatus: 'awaiting' });
    const web = new WebClient(ctx.app);
    const es = await web.get(s.page);
    isPage(es, 'es');
    expect(h1(es)).toBe('Pendiente de la aprobación del organizador');
    expect(textOf(es.body)).toContain('El organizador tiene que aprobar tu reserva antes de que puedas pagarla.');
    expect(textOf(es.body)).toContain('Guarda este enlace');
    expect(textOf(es.body)).toContain('Pendiente de aprobación');
    expect(es.body).not.toContain('/pay"');
    expect(es.body).toContain('/cancel"');
    const en = await web.get(`/en/purchaseintents/checkout/${s.id}?secret=${s.secret}`);
    expect(h1(en)).toBe('Waiting for the organiser’s approval');
    expect(textOf(en.body)).toContain('Total of your booking: €200.00');

    const refused = await web.post(payUrl(s), { secret: s.secret, ...card() });
    expect(refused.status).toBe(303);
    expect(refused.location).toContain('notice=unpayable');
    expect(await paymentCount(a._id)).toBe(0);

    await approval(a._id, { approvalStatus: 'rejected', rejectionReason: 'Aforo completo' });
    const rejected = await web.get(s.page);
    expect(h1(rejected)).toBe('El organizador ha rechazado esta reserva');
    expect(textOf(rejected.body)).toContain('Motivo: Aforo completo');
    expect(rejected.body).not.toContain('/pay"');
    expect(rejected.body).not.toContain('/cancel"');
  });

  it('expiry: a date in the event’s zone, a countdown in the last hour, then the expired state (manual clock) with nothing to pay or cancel', async () => {
    const a = await intent({ expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: 3, expiresAt: null } });
    const s = await session(a, 'en');
    const web = new WebClient(ctx.app);
    const far = await web.get(s.page);
    expect(textOf(far.body)).toContain('Pay before Saturday, 1 May 2027 at 15:00.');
    expect(far.body).not.toContain('data-countdown');
    try {
      ctx.clock!.advance(2.5 * HOUR);
      const near = await web.get(s.page);
      expect(near.body).toContain('data-countdown="2027-05-01T13:00:00.000Z"');
      expect(near.body).toContain('data-expired-reload');
      expect(textOf(near.body)).toContain('Time left to pay: 30:00');
      ctx.clock!.advance(HOUR);
      for (const lang of ['en', 'es'] as const) {
        const gone = await web.get(`/${lang}/purchaseintents/checkout/${s.id}?secret=${s.secret}`);
        isPage(gone, lang);
        expect(h1(gone)).toBe(lang === 'en' ? 'This booking has expired' : 'Esta reserva ha caducado');
        expect(textOf(gone.body)).toContain(lang === 'en' ? 'It expired on Saturday, 1 May 2027 at 15:00' : 'Caducó el sábado, 1 de mayo de 2027, 15:00');
        expect(gone.body).not.toContain('/pay"');
        expect(gone.body).not.toContain('/cancel"');
      }
      const late = await web.post(payUrl(s), { secret: s.secret, ...card() });
      expect(late.location).toContain('notice=unpayable');
      expect(await paymentCount(a._id)).toBe(0);
    } finally {
      ctx.clock!.set(NOW);
    }
  });

  it('cancel allowed: the booking is canceled (POST → 303 → the canceled state, in es and en); a second click changes nothing', async () => {
    const a = await intent({ createTickets: true });
    const s = await session(a, 'es');
    const web = new WebClient(ctx.app);
    await web.get(s.page);
    const done = await web.post(cancelUrl(s), { secret: s.secret });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/es/purchaseintents/checkout/${s.id}?secret=${s.secret}&canceled=1`);
    const page = await web.get(done.location!);
    isPage(page, 'es');
    expect(h1(page)).toBe('Esta reserva se ha cancelado');
    expect(textOf(page.body)).toContain('Has cancelado tu reserva.');
    expect(textOf(page.body)).toContain('Sus plazas se han liberado');
    expect(page.body).not.toContain('/pay"');
    expect(await admin(a._id)).toMatchObject({ status: 'canceled' });
    const en = await web.get(`/en/purchaseintents/checkout/${s.id}?secret=${s.secret}`);
    expect(h1(en)).toBe('This booking has been canceled');
    const again = await web.post(cancelUrl(s), { secret: s.secret });
    expect(again.status).toBe(303);
  });

  it('cancel forbidden by the strategy: no cancel button, the page says it is not possible online, and a forged POST changes nothing', async () => {
    const a = await intent({ cancellationStrategy: 'notAllowed' });
    const s = await session(a, 'en');
    const web = new WebClient(ctx.app);
    const page = await web.get(s.page);
    expect(page.body).not.toContain('/cancel"');
    expect(textOf(page.body)).toContain(`This booking cannot be canceled online. To cancel it, contact ${BRAND}.`);
    const es = await web.get(`/es/purchaseintents/checkout/${s.id}?secret=${s.secret}`);
    expect(textOf(es.body)).toContain(`Esta reserva no se puede cancelar por internet. Para cancelarla, contacta con ${BRAND}.`);
    const forged = await web.post(cancelUrl(s), { secret: s.secret });
    expect(forged.status).toBe(303);
    expect(forged.location).toContain('notice=cancelRefused');
    expect(textOf((await web.get(forged.location!)).body)).toContain('The booking could not be canceled');
    expect(await admin(a._id)).toMatchObject({ status: 'new' });
  });

  it('an unknown id and a wrong or missing secret are the same 404 page; forms without CSRF are refused with 403', async () => {
    const a = await intent(null);
    const s = await session(a, 'en');
    const web = new WebClient(ctx.app);
    for (const url of [`/en/purchaseintents/checkout/${s.id}?secret=wrong-secret-000000000000`, `/en/purchaseintents/checkout/${s.id}`, `/es/purchaseintents/checkout/chk_unknown00000000000000000?secret=${s.secret}`, `/en/purchaseintents/checkout/${s.id}?secret=${a.secret}`]) {
      const res = await web.get(url);
      expect(res.status, url).toBe(404);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).not.toContain(BRAND);
    }
    await web.get(s.page);
    expect((await web.post(payUrl(s), { secret: 'wrong-secret-000000000000', ...card() })).status).toBe(404);
    expect((await web.post(cancelUrl(s), { secret: 'wrong-secret-000000000000' })).status).toBe(404);
    const noCsrf = await web.post(payUrl(s), { secret: s.secret, ...card() }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.headers['content-type']).toContain('text/html');
    expect((await web.post(cancelUrl(s), { secret: s.secret }, { csrf: false })).status).toBe(403);
    expect(await paymentCount(a._id)).toBe(0);
    expect(await admin(a._id)).toMatchObject({ status: 'new', __v: 0 });
  });
});
