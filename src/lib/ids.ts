import { randomBytes } from 'node:crypto';

// Crockford base32: sortable as plain strings, no ambiguous letters.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32]! + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(bytes: number): string {
  const buf = randomBytes(bytes);
  let out = '';
  for (const b of buf) out += ALPHABET[b % 32]!;
  return out;
}

/**
 * Encore's own ids: a type prefix plus a ULID-like body (48-bit millisecond time, 80 random bits),
 * so ids sort by creation time and say what they name (`evt_…`, `whk_…`).
 */
export function newId(prefix: string, now: number = Date.now()): string {
  return `${prefix}_${encodeTime(now)}${encodeRandom(16)}`.toLowerCase();
}

export const ID_PREFIX = {
  tenant: 'ten',
  apiKey: 'key',
  event: 'evt',
  show: 'shw',
  rule: 'rul',
  webhookEndpoint: 'whk',
  webhookDelivery: 'whd',
  audit: 'aud',
  oneTimeToken: 'ott',
  listing: 'lst',
  buyIntention: 'bi',
  order: 'ord',
  payment: 'pay',
  payout: 'po',
  purchaseIntent: 'pi',
  piStrategy: 'pis',
} as const;
