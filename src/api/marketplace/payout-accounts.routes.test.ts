import { beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { call } from '../../modules/tickets/tickets.fixtures.js';

/** Sellers' payout accounts (issue 11; SPEC §4.1 item 7): PUT and GET /v1/marketplace/sellers/payout-account. */
describe('marketplace: seller payout accounts', () => {
  const ctx = useContext({ clock: 'manual' });
  const PATH = '/v1/marketplace/sellers/payout-account';
  let key: string;
  let otherKey: string;
  // `k` null: no Authorization header at all.
  const put = (body: unknown, k: string | null = key) => call(ctx, k ?? undefined, 'PUT', PATH, body);
  const get = (sellerEmail: string, k: string | null = key) => call(ctx, k ?? undefined, 'GET', `${PATH}?sellerEmail=${encodeURIComponent(sellerEmail)}`);

  beforeAll(async () => {
    ctx.clock!.set('2027-06-02T10:00:00Z');
    ({ apiKey: key } = await ctx.createTenant('payouts'));
    ({ apiKey: otherKey } = await ctx.createTenant('other'));
  });

  it('sets an IBAN account and answers it masked; GET reads it back, whatever the email’s case', async () => {
    const res = await put({ sellerEmail: 'Ana@Fans.Example', holderName: 'Ana García', iban: 'es91 2100 0418 4502 0005 1332' });
    expect(res.status, res.text).toBe(200);
    const view = { sellerEmail: 'ana@fans.example', holderName: 'Ana García', kind: 'IBAN', last4: '1332', country: 'ES', bankCode: null, updatedAt: '2027-06-02T10:00:00.000Z' };
    expect(res.body).toEqual({ status: 200, data: view, errors: null });
    expect(res.text).not.toMatch(/2100|0418|0200051332/);
    const read = await get('ANA@fans.example');
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(view);
  });

  it('replaces the account with an account number (and its bank code and country)', async () => {
    ctx.clock!.advance(60_000);
    const res = await put({ sellerEmail: 'ana@fans.example', holderName: 'Ana García', accountNumber: '0001-2345-6789', bankCode: '021000021', country: 'US', iban: null });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toEqual({ sellerEmail: 'ana@fans.example', holderName: 'Ana García', kind: 'ACCOUNT', last4: '6789', country: 'US', bankCode: '021000021', updatedAt: '2027-06-02T10:01:00.000Z' });
    expect((await get('ana@fans.example')).body.data).toMatchObject({ kind: 'ACCOUNT', last4: '6789' });
  });

  it('refuses bad input with 400 VALIDATION_ERROR naming the field, and writes nothing', async () => {
    const seller = { sellerEmail: 'new@fans.example', holderName: 'New Seller' };
    const cases: [unknown, string][] = [
      [{ ...seller, iban: 'ES9121000418450200051333' }, 'iban'], // check digits
      [{ ...seller, iban: 'ES91210004184502000513' }, 'iban'], // length
      [{ ...seller, iban: 'US12345678901234567890' }, 'iban'], // no IBANs there
      [{ ...seller }, 'iban'], // neither
      [{ ...seller, iban: 'DE89370400440532013000', accountNumber: '12345678' }, 'accountNumber'], // both
      [{ ...seller, accountNumber: '12' }, 'accountNumber'],
      [{ ...seller, accountNumber: 'DE89370400440532013000' }, 'accountNumber'], // an IBAN
      [{ ...seller, holderName: '   ', iban: 'DE89370400440532013000' }, 'holderName'],
      [{ ...seller, holderName: 'x'.repeat(141), iban: 'DE89370400440532013000' }, 'holderName'],
      [{ sellerEmail: 'new@fans.example', iban: 'DE89370400440532013000' }, 'holderName'], // missing
      [{ ...seller, holderName: 42, iban: 'DE89370400440532013000' }, 'holderName'],
      [{ ...seller, sellerEmail: 'not-an-email', iban: 'DE89370400440532013000' }, 'sellerEmail'],
      [{ ...seller, iban: 'DE89370400440532013000', bankCode: '37040044' }, 'bankCode'],
      [{ ...seller, accountNumber: '12345678', country: 'ES' }, 'country'],
    ];
    for (const [body, field] of cases) {
      const res = await put(body);
      expect(res.status, `${JSON.stringify(body)} → ${res.text}`).toBe(400);
      expect(errorOf(res), JSON.stringify(body)).toMatchObject({ code: 'VALIDATION_ERROR', field });
    }
    expect((await get('new@fans.example')).status).toBe(404);
  });

  it('404 PAYOUT_ACCOUNT_NOT_FOUND for a seller without one, and for another tenant’s seller', async () => {
    const none = await get('nobody@fans.example');
    expect(none.status).toBe(404);
    expect(errorOf(none)).toMatchObject({ code: 'PAYOUT_ACCOUNT_NOT_FOUND' });
    const theirs = await get('ana@fans.example', otherKey);
    expect(theirs.status).toBe(404);
    expect(errorOf(theirs)).toMatchObject({ code: 'PAYOUT_ACCOUNT_NOT_FOUND' });
    // The other tenant's seller of the same email is another account; ours is unchanged.
    expect((await put({ sellerEmail: 'ana@fans.example', holderName: 'Someone Else', iban: 'GB29NWBK60161331926819' }, otherKey)).status).toBe(200);
    expect((await get('ana@fans.example')).body.data).toMatchObject({ holderName: 'Ana García', kind: 'ACCOUNT', last4: '6789' });
    expect((await get('ana@fans.example', otherKey)).body.data).toMatchObject({ holderName: 'Someone Else', kind: 'IBAN', last4: '6819' });
  });

  it('401 without a key or with an unknown one', async () => {
    for (const k of [null, 'enc_sk_unknown_0123456789abcdef']) {
      const p = await put({ sellerEmail: 'ana@fans.example', holderName: 'Intruder', iban: 'DE89370400440532013000' }, k);
      expect(p.status).toBe(401);
      expect(errorOf(p)).toMatchObject({ code: 'UNAUTHORIZED' });
      const g = await get('ana@fans.example', k);
      expect(g.status).toBe(401);
      expect(errorOf(g)).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    expect((await get('ana@fans.example')).body.data).toMatchObject({ holderName: 'Ana García' });
  });
});
