import { describe, expect, it } from 'vitest';
import { IBAN_LENGTHS, isValidIban, normalizeIban, validatePayoutAccount, type PayoutAccountInput } from './payout-accounts.validate.js';

const refusal = (fn: () => unknown): { code: string; field: string | undefined; message: string } => {
  try {
    fn();
  } catch (err) {
    const e = err as { code: string; field: string | undefined; message: string };
    return { code: e.code, field: e.field, message: e.message };
  }
  throw new Error('expected a refusal');
};

describe('IBAN (ISO 13616: country, check digits, BBAN of the country’s length, MOD 97)', () => {
  it('accepts valid IBANs, as typed (spaces, lower case, an IBAN prefix), in their electronic form', () => {
    for (const iban of [
      'ES9121000418450200051332',
      'DE89370400440532013000',
      'GB29NWBK60161331926819',
      'FR1420041010050500013M02606',
      'IT60X0542811101000000123456',
      'PT50000201231234567890154',
      'NL91ABNA0417164300',
      'BE68539007547034',
      'IE29AIBK93115212345678',
      'AT611904300234573201',
      'CH9300762011623852957',
      'NO9386011117947',
      'MT84MALT011000012345MTLCAST001S',
      'LC55HEMM000100010012001200023015',
    ]) {
      expect(normalizeIban(iban), iban).toBe(iban);
    }
    expect(normalizeIban('es91 2100 0418 4502 0005 1332')).toBe('ES9121000418450200051332');
    expect(normalizeIban('IBAN DE89 3704 0044 0532 0130 00')).toBe('DE89370400440532013000');
    expect(normalizeIban('GB29-NWBK-6016-1331-9268-19')).toBe('GB29NWBK60161331926819');
  });

  it('knows the length of every SEPA country', () => {
    expect(IBAN_LENGTHS).toMatchObject({ ES: 24, DE: 22, FR: 27, IT: 27, PT: 25, NL: 18, BE: 16, GB: 22, IE: 22, AT: 20, LU: 20, FI: 18, SE: 24, DK: 18, PL: 28, CZ: 24, GR: 27, CH: 21, NO: 15, HU: 28, RO: 24, BG: 22, HR: 21, SI: 19, SK: 24, LT: 20, LV: 21, EE: 20, CY: 28, MT: 31, IS: 26, LI: 21, MC: 27, SM: 27, VA: 22, AD: 24, GI: 23 });
  });

  it('refuses a wrong check digit, a typo, a wrong length, an unknown country and stray characters, naming the field and never echoing the number', () => {
    const cases: [string, RegExp][] = [
      ['ES9121000418450200051333', /check digits/], // last digit changed
      ['ES9121000418450200015332', /check digits/], // two digits swapped
      ['DE88370400440532013000', /check digits/],
      ['ES91210004184502000513', /has 24 characters \(got 22\)/],
      ['DE8937040044053201300000', /has 22 characters/],
      ['US12345678901234567890', /US does not use IBANs/],
      ['XX89370400440532013000', /does not use IBANs/],
      ['ES9121000418450200051332!', /letters and digits/],
      ['9121000418450200051332', /two-letter country code/],
      ['ESAB21000418450200051332', /two-letter country code/],
      ['   ', /empty/],
    ];
    for (const [iban, message] of cases) {
      const r = refusal(() => normalizeIban(iban));
      expect(r, iban).toMatchObject({ code: 'VALIDATION_ERROR', field: 'iban' });
      expect(r.message, iban).toMatch(message);
      if (iban.trim().length > 12) expect(r.message).not.toContain(iban.slice(4, 12));
    }
  });

  it('refuses the check digits 00, 01 and 99, which MOD 97 lets through but no bank issues', () => {
    // ES00… passes MOD 97 exactly when ES97… does (00 ≡ 97 mod 97); likewise 01/98 and 99/02.
    const bban = '21000418450200051332';
    const withCheck = (cd: string) => `ES${cd}${bban}`;
    const valid = Array.from({ length: 97 }, (_, i) => String(i + 2).padStart(2, '0')).find((cd) => isValidIban(withCheck(cd)))!;
    expect(valid).toBe('91');
    for (const cd of ['00', '01', '99']) expect(isValidIban(withCheck(cd)), cd).toBe(false);
  });
});

describe('payout account input', () => {
  const base: PayoutAccountInput = { sellerEmail: ' Seller@Fans.Example ', holderName: '  Ana   García ' };

  it('an IBAN: the seller lower-cased, the name trimmed, last4 and the country from the IBAN', () => {
    expect(validatePayoutAccount({ ...base, iban: 'es91 2100 0418 4502 0005 1332' })).toEqual({
      sellerEmail: 'seller@fans.example',
      holderName: 'Ana García',
      kind: 'IBAN',
      number: 'ES9121000418450200051332',
      last4: '1332',
      country: 'ES',
      bankCode: null,
    });
  });

  it('an account number (where IBANs are not used), with an optional bank code and country', () => {
    expect(validatePayoutAccount({ ...base, accountNumber: '000123456789', bankCode: '021000021', country: 'us' })).toEqual({
      sellerEmail: 'seller@fans.example',
      holderName: 'Ana García',
      kind: 'ACCOUNT',
      number: '000123456789',
      last4: '6789',
      country: 'US',
      bankCode: '021000021',
    });
    expect(validatePayoutAccount({ ...base, accountNumber: '1234-5678', iban: null })).toMatchObject({ kind: 'ACCOUNT', number: '12345678', country: null, bankCode: null });
  });

  it('refuses each wrong field by name', () => {
    const cases: [PayoutAccountInput, string, RegExp][] = [
      [{ ...base, holderName: '   ', iban: 'DE89370400440532013000' }, 'holderName', /required/],
      [{ ...base, holderName: 'x'.repeat(141), iban: 'DE89370400440532013000' }, 'holderName', /at most 140/],
      [{ ...base, holderName: 'Ana\u0000', iban: 'DE89370400440532013000' }, 'holderName', /control characters/],
      [{ ...base }, 'iban', /send the account as iban/],
      [{ ...base, iban: null, accountNumber: null }, 'iban', /send the account as iban/],
      [{ ...base, iban: 'DE89370400440532013000', accountNumber: '12345678' }, 'accountNumber', /not both/],
      [{ ...base, iban: 'DE89370400440532013001' }, 'iban', /check digits/],
      [{ ...base, iban: 'DE89370400440532013000', bankCode: '37040044' }, 'bankCode', /IBAN carries its own bank code/],
      [{ ...base, iban: 'DE89370400440532013000', country: 'DE' }, 'country', /IBAN carries its own country/],
      [{ ...base, accountNumber: '123' }, 'accountNumber', /4 to 34/],
      [{ ...base, accountNumber: '1'.repeat(35) }, 'accountNumber', /4 to 34/],
      [{ ...base, accountNumber: '1234/5678' }, 'accountNumber', /4 to 34/],
      [{ ...base, accountNumber: 'GB29 NWBK 6016 1331 9268 19' }, 'accountNumber', /this is an IBAN/],
      [{ ...base, accountNumber: '12345678', country: 'ES' }, 'country', /have an IBAN/],
      [{ ...base, accountNumber: '12345678', country: 'USA' }, 'country', /two-letter/],
      [{ ...base, accountNumber: '12345678', bankCode: '' }, 'bankCode', /1 to 20/],
      [{ ...base, accountNumber: '12345678', bankCode: 'x'.repeat(21) }, 'bankCode', /1 to 20/],
      [{ ...base, sellerEmail: 'not-an-email', iban: 'DE89370400440532013000' }, 'sellerEmail', /email/],
    ];
    for (const [input, field, message] of cases) {
      const r = refusal(() => validatePayoutAccount(input));
      expect(r, JSON.stringify(input)).toMatchObject({ code: 'VALIDATION_ERROR', field });
      expect(r.message, JSON.stringify(input)).toMatch(message);
    }
  });
});
