import { Type } from '@sinclair/typebox';
import { Nullable, Opt, StringEnum } from '../../lib/schema.js';

/**
 * A seller's payout account (SPEC §4.1 item 7). The schema only bounds the strings: the rules (IBAN
 * check digits and length per country, one of `iban` / `accountNumber`, the holder's name) are the
 * payouts module's, whose refusals name the field like the schema's.
 */
export const PayoutAccountBody = Type.Object(
  {
    sellerEmail: Type.String({ format: 'email', maxLength: 254, description: 'the seller (as on their listings); lower-cased' }),
    holderName: Type.String({ maxLength: 400, description: 'the name the account is held in: 1–140 characters once trimmed', examples: ['Ana García'] }),
    iban: Opt(
      Type.String({
        maxLength: 64,
        description: 'the account as an IBAN, spaces and lower case allowed; checked against its country’s length and its check digits (ISO 13616). Send this or `accountNumber`',
        examples: ['ES91 2100 0418 4502 0005 1332'],
      }),
    ),
    accountNumber: Opt(
      Type.String({
        maxLength: 64,
        description: 'for a country that does not use IBANs: 4–34 letters and digits (spaces and dashes ignored). Send this or `iban`',
        examples: ['000123456789'],
      }),
    ),
    bankCode: Opt(Type.String({ maxLength: 40, description: 'with `accountNumber` only: the bank’s routing number, sort code or BSB (1–20 letters and digits)', examples: ['021000021'] })),
    country: Opt(Type.String({ maxLength: 2, description: 'with `accountNumber` only: the account’s ISO 3166 country, one that does not use IBANs', examples: ['US'] })),
  },
  {
    examples: [
      { sellerEmail: 'ana@fans.example', holderName: 'Ana García', iban: 'ES91 2100 0418 4502 0005 1332' },
      { sellerEmail: 'sam@fans.example', holderName: 'Sam Lee', accountNumber: '000123456789', bankCode: '021000021', country: 'US' },
    ],
  },
);

export const PayoutAccountQuery = Type.Object({
  sellerEmail: Type.String({ minLength: 1, maxLength: 320, description: 'the seller whose account to read (any case)' }),
});

export const PayoutAccountView = Type.Object(
  {
    sellerEmail: Type.String(),
    holderName: Type.String(),
    kind: StringEnum(['IBAN', 'ACCOUNT'] as const, 'IBAN, or ACCOUNT for an account number'),
    last4: Type.String({ description: 'the last four characters of the IBAN or account number; the number itself is never answered' }),
    country: Nullable(Type.String({ description: 'ISO 3166 alpha-2: the IBAN’s country, or the one given with an account number' })),
    bankCode: Nullable(Type.String()),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { examples: [{ sellerEmail: 'ana@fans.example', holderName: 'Ana García', kind: 'IBAN', last4: '1332', country: 'ES', bankCode: null, updatedAt: '2027-06-02T10:00:00.000Z' }] },
);
