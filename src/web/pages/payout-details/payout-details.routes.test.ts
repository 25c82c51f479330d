import { describe, expect, it } from 'vitest';
import { useContext } from '../../../../test/harness.js';
import { textOf, WebClient } from '../../../../test/web-client.js';
import { buyOk, CARD, pay } from '../../../modules/orders/orders.fixtures.js';
import { decryptPayoutAccount } from '../../../modules/payouts/index.js';
import { formatMinor } from '../../i18n/format.js';
import { ANA, BEFORE_SHOWS, call, listOk, newSellerTenant, priced, signedIn, syncTickets } from '../seller/seller.fixtures.js';

/** The payout details page: the form checked as the API checks it, the masked account, the payouts on their way. */
const ctx = useContext({ clock: 'manual' });
const LANGS = ['es', 'en'] as const;
const IBAN = 'ES91 2100 0418 4502 0005 1332';

let n = 0;
async function world() {
  ctx.clock!.set(BEFORE_SHOWS);
  const s = await newSellerTenant(ctx, `payout-${++n}`);
  await syncTickets(ctx, s.key, [priced('T1', 30, { buyer: ANA })]);
  const url = (lang: string, query = '') => `/${lang}/marketplace/tenants/${s.tenantId}/payout-details${query}`;
  return { s, url };
}

describe('GET /:lang/marketplace/tenants/:tenantId/payout-details', () => {
  it('asks a signed-out fan to sign in; a fan without an account gets the form, with the payouts waiting for it', async () => {
    const w = await world();
    const sold = await listOk(ctx, w.s.key, ['T1'], 40, ANA);
    const { intention, secret } = await buyOk(ctx, w.s.key, [sold.listingId], 'buyer@x.example');
    expect((await pay(ctx, intention.intentionId, secret, CARD.ok)).status).toBe(200);
    const payout = await ctx.deps.db.selectFrom('payouts').selectAll().where('tenant_id', '=', w.s.tenantId).executeTakeFirstOrThrow();
    for (const lang of LANGS) {
      const anon = await new WebClient(ctx.app).get(w.url(lang));
      expect(textOf(anon.body)).toContain(lang === 'es' ? 'Inicia sesión' : 'Sign in');
    }
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    for (const lang of LANGS) {
      const res = await web.get(w.url(lang));
      expect(res.status).toBe(200);
      const text = textOf(res.body);
      expect(text).toContain(lang === 'es' ? 'Datos de cobro' : 'Payout details');
      expect(text).toContain(lang === 'es' ? 'Solo liberamos un pago cuando tenemos tus datos de cobro.' : 'A payout is released only once your payout details are here.');
      expect(res.body).toContain('name="holderName"');
      expect(res.body).toContain('name="iban"');
      expect(res.body).toContain('name="accountNumber"');
      expect(text).toContain(formatMinor(payout.amount_minor, 'EUR', lang).replace(/\s+/g, ' '));
      expect(text).toContain(lang === 'es' ? 'Pendiente de tus datos de cobro' : 'Waiting for your payout details');
    }
  });
});

describe('POST /:lang/marketplace/tenants/:tenantId/payout-details', () => {
  it('names each wrong field in the fan’s language (400), keeping what was typed', async () => {
    const w = await world();
    const { web } = await signedIn(ctx, w.s, ANA, w.url('en'));
    const cases: { form: Record<string, string>; field: string; es: string; en: string }[] = [
      { form: { holderName: '', iban: IBAN }, field: 'holderName', es: 'Escribe el nombre del titular de la cuenta.', en: 'Enter the name the account is held in.' },
      { form: { holderName: 'Ana García', iban: 'ES91 2100 0418 4502 0005 1333' }, field: 'iban', es: 'Este IBAN no es válido.', en: 'This is not a valid IBAN.' },
      { form: { holderName: 'Ana García', iban: 'ES91 2100 0418 4502' }, field: 'iban', es: 'Un IBAN de ES tiene 24 caracteres.', en: 'An IBAN from ES has 24 characters.' },
      { form: { holderName: 'Ana García', iban: '', accountNumber: '' }, field: 'iban', es: 'Escribe tu IBAN', en: 'Enter your IBAN' },
      { form: { holderName: 'Ana García', iban: IBAN, accountNumber: '000123456789' }, field: 'accountNumber', es: 'no los dos', en: 'not both' },
      { form: { holderName: 'Sam Lee', iban: '', accountNumber: '12', country: 'US' }, field: 'accountNumber', es: 'Escribe entre 4 y 34 letras y números.', en: 'Enter 4 to 34 letters and digits.' },
      { form: { holderName: 'Sam Lee', iban: '', accountNumber: '000123456789', country: 'ES' }, field: 'country', es: 'Las cuentas de ES tienen IBAN', en: 'Accounts in ES have an IBAN' },
    ];
    for (const lang of LANGS) {
      for (const c of cases) {
        const res = await web.post(w.url(lang), c.form);
        expect(res.status, JSON.stringify(c)).toBe(400);
        expect(res.body, JSON.stringify(c)).toMatch(new RegExp(`id="${c.field}"[^>]*aria-invalid="true"`));
        expect(res.body).toContain(`aria-describedby="${c.field}-hint ${c.field}-error"`);
        expect(textOf(res.body), JSON.stringify(c)).toContain(c[lang]);
        if (c.form.holderName) expect(res.body).toContain(`value="${c.form.holderName}"`);
      }
    }
    expect(await ctx.deps.db.selectFrom('payout_accounts').select('seller_email').where('tenant_id', '=', w.s.tenantId).execute()).toEqual([]);
    expect((await web.post(w.url('en'), { holderName: 'Ana', iban: IBAN }, { csrf: false })).status).toBe(403);
  });

  it('saves through the same service as the API (303), then shows the account masked and the payouts’ expected dates', async () => {
    const w = await world();
    const sold = await listOk(ctx, w.s.key, ['T1'], 40, ANA);
    const { intention, secret } = await buyOk(ctx, w.s.key, [sold.listingId], 'buyer@x.example');
    expect((await pay(ctx, intention.intentionId, secret, CARD.ok)).status).toBe(200);
    const { web } = await signedIn(ctx, w.s, ANA, w.url('es'));
    const res = await web.post(w.url('es'), { holderName: ' Ana  García ', iban: IBAN.toLowerCase(), accountNumber: '', bankCode: '', country: '' });
    expect(res.status).toBe(303);
    expect(res.location).toBe(w.url('es', '?done=saved'));
    const stored = await decryptPayoutAccount(ctx.deps.db, ctx.deps, w.s.tenantId, ANA);
    expect(stored).toMatchObject({ holderName: 'Ana García', kind: 'IBAN', iban: 'ES9121000418450200051332', last4: '1332' });
    // The API reads the same account back.
    const api = await call(ctx, w.s.key, 'GET', `/v1/marketplace/sellers/payout-account?sellerEmail=${ANA}`);
    expect(api.body.data).toMatchObject({ holderName: 'Ana García', last4: '1332' });
    for (const lang of LANGS) {
      const page = await web.get(w.url(lang, '?done=saved'));
      const text = textOf(page.body);
      expect(text).toContain(lang === 'es' ? 'Hemos guardado tus datos de cobro.' : 'Your payout details are saved.');
      expect(text).toContain(lang === 'es' ? 'IBAN acabado en 1332' : 'IBAN ending in 1332');
      expect(text).toContain('Ana García');
      expect(page.body).not.toContain('0418');
      expect(page.body).not.toContain('name="iban"');
      expect(text).toContain(lang === 'es' ? 'Previsto el' : 'Expected on');
      expect(page.body).toContain(`href="${w.url(lang, '?edit=1')}"`);
      const edit = await web.get(w.url(lang, '?edit=1'));
      expect(edit.body).toContain('name="iban"');
      expect(edit.body).toContain('value="Ana García"');
    }
    // A bank without IBANs: an account number, bank code and country.
    const other = await web.post(w.url('en'), { holderName: 'Ana García', iban: '', accountNumber: '0001 2345 6789', bankCode: '021000021', country: 'us' });
    expect(other.status).toBe(303);
    expect(textOf((await web.get(w.url('en'))).body)).toContain('Account number ending in 6789 · US');
  });
});
