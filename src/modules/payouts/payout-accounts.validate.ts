import { AppError } from '../../lib/app-error.js';
import type { PayoutAccountKind } from './payouts.tables.js';

/**
 * The checks of a seller's payout account (SPEC §4.1 item 7), pure. Each refusal is a
 * VALIDATION_ERROR naming the field; no message repeats an account number.
 */

/**
 * IBAN length per country, from the SWIFT IBAN registry (ISO 13616): every SEPA country and the
 * other countries that issue IBANs. A country missing here does not use IBANs: its accounts go in
 * `accountNumber`.
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20,
};

export const HOLDER_NAME_MAX = 140;

export interface PayoutAccountInput {
  sellerEmail: string;
  holderName: string;
  iban?: string | null;
  accountNumber?: string | null;
  /** With `accountNumber` only: routing number, sort code, BSB… */
  bankCode?: string | null;
  /** With `accountNumber` only: ISO 3166 alpha-2 country of the account (not one that uses IBANs). */
  country?: string | null;
}

/** What is stored: the number in its canonical form (sealed before it is written), and what may be shown. */
export interface ValidPayoutAccount {
  sellerEmail: string;
  holderName: string;
  kind: PayoutAccountKind;
  number: string;
  last4: string;
  country: string | null;
  bankCode: string | null;
}

const refuse = (field: string, message: string): never => {
  throw new AppError('VALIDATION_ERROR', message, { field });
};

// Separators people type or paste inside account numbers: spaces (also no-break and thin ones), dashes, dots.
const SEPARATORS = /[\s\u00a0\u2009\u202f.-]/g;
const CONTROL = /\p{Cc}/u;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** ISO 7064 MOD 97-10 of an IBAN (the first four characters moved to the end, letters as 10–35): 1 when valid. */
function ibanRemainder(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= 'A' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    remainder = (value > 9 ? remainder * 100 + value : remainder * 10 + value) % 97;
  }
  return remainder;
}

/** An IBAN as typed (spaces, lower case, an `IBAN ` prefix from a bank statement) → its electronic form, or a refusal naming `field`. */
export function normalizeIban(raw: string, field = 'iban'): string {
  const iban = raw.replace(SEPARATORS, '').toUpperCase().replace(/^IBAN/, '');
  if (iban === '') return refuse(field, `${field} is empty`);
  if (!/^[A-Z0-9]+$/.test(iban)) return refuse(field, `${field} may hold only letters and digits`);
  if (!/^[A-Z]{2}\d{2}/.test(iban)) return refuse(field, `${field} must start with a two-letter country code and two check digits (e.g. ES91…)`);
  const country = iban.slice(0, 2);
  const length = IBAN_LENGTHS[country];
  if (length === undefined) return refuse(field, `${country} does not use IBANs: send the account as accountNumber`);
  if (iban.length !== length) return refuse(field, `an IBAN of ${country} has ${length} characters (got ${iban.length})`);
  // Check digits are 02–98; 00, 01 and 99 can pass MOD 97 but are never issued.
  const check = Number(iban.slice(2, 4));
  if (check < 2 || check > 98 || ibanRemainder(iban) !== 1) return refuse(field, `${field} is not a valid IBAN: its check digits do not match (a typo?)`);
  return iban;
}

export function isValidIban(raw: string): boolean {
  try {
    normalizeIban(raw);
    return true;
  } catch {
    return false;
  }
}

/** Checks a payout account as given and answers what is to be stored. */
export function validatePayoutAccount(input: PayoutAccountInput): ValidPayoutAccount {
  const sellerEmail = input.sellerEmail.trim().toLowerCase();
  if (sellerEmail.length > 254 || !EMAIL.test(sellerEmail)) refuse('sellerEmail', 'sellerEmail must be an email address');

  const holderName = input.holderName.trim().replace(/\s+/g, ' ');
  if (holderName === '') refuse('holderName', 'holderName is required: the name the account is held in');
  if ([...holderName].length > HOLDER_NAME_MAX) refuse('holderName', `holderName has at most ${HOLDER_NAME_MAX} characters`);
  if (CONTROL.test(holderName)) refuse('holderName', 'holderName may not hold control characters');

  const given = (v: string | null | undefined): v is string => v !== undefined && v !== null;
  if (given(input.iban) && given(input.accountNumber)) refuse('accountNumber', 'send either iban or accountNumber, not both');

  if (given(input.iban)) {
    if (given(input.bankCode)) refuse('bankCode', 'an IBAN carries its own bank code: send bankCode only with accountNumber');
    if (given(input.country)) refuse('country', 'an IBAN carries its own country: send country only with accountNumber');
    const iban = normalizeIban(input.iban);
    return { sellerEmail, holderName, kind: 'IBAN', number: iban, last4: iban.slice(-4), country: iban.slice(0, 2), bankCode: null };
  }
  if (!given(input.accountNumber)) return refuse('iban', 'send the account as iban (or, where IBANs are not used, as accountNumber)');

  const number = input.accountNumber.replace(SEPARATORS, '').toUpperCase();
  if (!/^[A-Z0-9]{4,34}$/.test(number)) refuse('accountNumber', 'accountNumber must be 4 to 34 letters and digits');
  if (/^[A-Z]{2}\d{2}/.test(number) && IBAN_LENGTHS[number.slice(0, 2)] === number.length && isValidIban(number)) {
    refuse('accountNumber', 'this is an IBAN: send it as iban');
  }
  let country: string | null = null;
  if (given(input.country)) {
    country = input.country.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(country)) refuse('country', 'country must be a two-letter ISO 3166 code');
    if (IBAN_LENGTHS[country] !== undefined) refuse('country', `accounts in ${country} have an IBAN: send it as iban`);
  }
  let bankCode: string | null = null;
  if (given(input.bankCode)) {
    bankCode = input.bankCode.replace(SEPARATORS, '').toUpperCase();
    if (!/^[A-Z0-9]{1,20}$/.test(bankCode)) refuse('bankCode', 'bankCode must be 1 to 20 letters and digits');
  }
  return { sellerEmail, holderName, kind: 'ACCOUNT', number, last4: number.slice(-4), country, bankCode };
}
