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

function randomDigits(count: number): number[] {
  return [...randomBytes(count)].map((b) => b % 32);
}

// Monotonic within a millisecond (as ULID's monotonic factory): ids made in the same millisecond by
// this process sort in the order they were made, so rows ordered by id (webhook deliveries, history)
// keep their order even under a frozen test clock. Across processes, order within a millisecond is
// arbitrary, as it must be.
let lastMs = -1;
let lastDigits: number[] = [];

function nextDigits(ms: number): number[] {
  if (ms === lastMs) {
    const digits = [...lastDigits];
    let i = digits.length - 1;
    while (i >= 0 && digits[i] === 31) digits[i--] = 0;
    if (i >= 0) digits[i]! += 1;
    else return (lastDigits = randomDigits(16)); // 80 bits ran over: start afresh (never in practice)
    return (lastDigits = digits);
  }
  lastMs = ms;
  return (lastDigits = randomDigits(16));
}

/**
 * Encore's own ids: a type prefix plus a ULID-like body (48-bit millisecond time, 80 random bits),
 * so ids sort by creation time and say what they name (`evt_…`, `whk_…`).
 */
export function newId(prefix: string, now: number = Date.now()): string {
  const body = nextDigits(now).map((d) => ALPHABET[d]!).join('');
  return `${prefix}_${encodeTime(now)}${body}`.toLowerCase();
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
  transfer: 'trf',
  buyIntention: 'bi',
  order: 'ord',
  payment: 'pay',
  payout: 'po',
  purchaseIntent: 'pi',
  piStrategy: 'pis',
  lead: 'ld',
  mail: 'ml',
  fanSession: 'fss',
  fanEmailCode: 'fec',
} as const;
