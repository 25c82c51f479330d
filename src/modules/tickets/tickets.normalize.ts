import crypto from 'node:crypto';
import { isAppError } from '../../lib/app-error.js';
import { toMinor } from '../../lib/money.js';
import type { Resolved } from './tickets.catalogue.js';
import type { TicketBody } from './tickets.schemas.js';
import type { TicketIssue } from './tickets.validate.js';

/**
 * A valid ticket body plus its resolved event and show → the values stored, and the content hash
 * that tells an identical re-send (a no-op) from a different ticket under the same id
 * (TICKET_EXISTS). Pure: no I/O.
 *
 * Every nested object is rebuilt here with a fixed key order and without null members, so the
 * same ticket always serialises to the same JSON, whatever order or nulls the integrator used:
 * that JSON is what is hashed and what is stored.
 */

export type AccessType = 'URL' | 'API' | 'OTHER';
export type AccessStatus = 'LOCKED' | 'UNLOCKED';

/** Stored fee: FIXED in minor units of the event currency, PERCENTAGE as a percent. */
export interface StoredFee {
  type: 'FIXED' | 'PERCENTAGE';
  value: number;
}

export interface NormalizedTicket {
  ticketId: string;
  externalReferenceEventId: string;
  showId: string;
  eventId: string;
  showPk: string;
  ticketOptionId: string;
  priceTypeId: string | null;
  buyer: string | Record<string, string>;
  buyerEmail: string | null;
  buyerEmailExternal: string | null;
  priceMinor: number | null;
  currency: string;
  accessType: AccessType;
  accessLocator: string;
  accessStatus: AccessStatus;
  /**
   * Set (and `accessStatus` forced to LOCKED) when a TICKET_SHIELD holds the code until then; not
   * part of the content hash, which stays on what the integrator sent (see ticket-shield.write.ts).
   */
  accessUnlockAt: Date | null;
  primarySaleBuyerData: Record<string, string> | null;
  nominalTicket: Record<string, string> | null;
  props: Record<string, unknown> | null;
  primarySalesFee: StoredFee | null;
  orderId: string | null;
  tags: string[];
  contentHash: string;
}

/** The members that are set, in the order given by `keys`; null when none is. */
function pick<T extends object>(obj: T | null | undefined, keys: readonly (keyof T & string)[]): Record<string, string> | null {
  if (obj == null) return null;
  let out: Record<string, string> | null = null;
  for (const k of keys) {
    const v = obj[k];
    if (v !== null && v !== undefined) (out ??= {})[k] = v as string;
  }
  return out;
}

const BUYER_KEYS = ['email', 'phone', 'id', 'firstName', 'lastName'] as const;
const SALE_BUYER_KEYS = ['firstName', 'lastName', 'identificationType', 'identificationNumber', 'phoneNumber'] as const;
const NOMINAL_KEYS = ['fullName', 'identification'] as const;
const SEATING_KEYS = ['row', 'seat', 'section', 'door', 'image'] as const;

function normalizeProps(props: TicketBody['props']): Record<string, unknown> | null {
  if (props == null) return null;
  const seating = pick(props.seating, SEATING_KEYS);
  let urls: Record<string, string> | null = null;
  if (props.urls != null) {
    for (const k of Object.keys(props.urls).sort()) (urls ??= {})[k] = props.urls[k]!;
  }
  if (!seating && !urls) return null;
  return { ...(seating ? { seating } : {}), ...(urls ? { urls } : {}) };
}

function moneyIssue(err: unknown): TicketIssue {
  if (isAppError(err)) return { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) };
  throw err;
}

/** Price in minor units of the event currency; a different currency is INVALID_CURRENCY. */
function normalizePrice(t: TicketBody, currency: string): number | null | TicketIssue {
  const wrong = (field: string, given: string): TicketIssue => ({
    code: 'INVALID_CURRENCY',
    message: `${field} must be the event currency ${currency} (got ${given})`,
    field,
  });
  if (t.currency != null && t.currency !== currency) return wrong('currency', t.currency);
  if (t.price == null) return null;
  let amount: number;
  let field = 'price';
  if (typeof t.price === 'number') {
    amount = t.price;
  } else {
    if (t.price.currency !== currency) return wrong('price.currency', t.price.currency);
    amount = t.price.amount;
    field = 'price.amount';
  }
  try {
    return toMinor(amount, currency, field);
  } catch (err) {
    return moneyIssue(err);
  }
}

function normalizeFee(fee: TicketBody['primarySalesFee'], currency: string): StoredFee | null | TicketIssue {
  if (fee == null) return null;
  if (fee.type === 'PERCENTAGE') {
    if (fee.value > 100) return { code: 'VALIDATION_ERROR', message: 'primarySalesFee.value must be at most 100 for a PERCENTAGE fee', field: 'primarySalesFee.value' };
    return { type: 'PERCENTAGE', value: fee.value };
  }
  try {
    return { type: 'FIXED', value: toMinor(fee.value, currency, 'primarySalesFee.value') };
  } catch (err) {
    return moneyIssue(err);
  }
}

function normalizeBuyer(buyer: TicketBody['buyer']): { buyer: string | Record<string, string>; email: string | null } | TicketIssue {
  if (typeof buyer === 'string') return { buyer, email: buyer.toLowerCase() };
  const picked = pick(buyer, BUYER_KEYS);
  if (!picked || (picked.email === undefined && picked.phone === undefined && picked.id === undefined)) {
    return { code: 'VALIDATION_ERROR', message: 'buyer needs at least one of email, phone, id', field: 'buyer' };
  }
  return { buyer: picked, email: picked.email?.toLowerCase() ?? null };
}

export function isTicketIssue(v: unknown): v is TicketIssue {
  return typeof v === 'object' && v !== null && 'code' in v && 'message' in v;
}

export function normalizeTicket(t: TicketBody, { event, show }: Resolved): NormalizedTicket | TicketIssue {
  const currency = event.currency;
  const buyer = normalizeBuyer(t.buyer);
  if (isTicketIssue(buyer)) return buyer;
  const priceMinor = normalizePrice(t, currency);
  if (isTicketIssue(priceMinor)) return priceMinor;
  const fee = normalizeFee(t.primarySalesFee, currency);
  if (isTicketIssue(fee)) return fee;

  const n: Omit<NormalizedTicket, 'contentHash'> = {
    ticketId: t.ticketId,
    externalReferenceEventId: event.externalReferenceId,
    showId: show.showId,
    eventId: event.id,
    showPk: show.id,
    ticketOptionId: t.ticketOptionId,
    priceTypeId: t.priceTypeId ?? null,
    buyer: buyer.buyer,
    buyerEmail: buyer.email,
    buyerEmailExternal: t.buyerEmailExternal ?? null,
    priceMinor,
    currency,
    accessType: t.ticketAccess.type,
    accessLocator: t.ticketAccess.locator,
    accessStatus: t.ticketAccess.status ?? 'UNLOCKED',
    accessUnlockAt: null,
    primarySaleBuyerData: pick(t.primarySaleBuyerData, SALE_BUYER_KEYS),
    nominalTicket: pick(t.nominalTicket, NOMINAL_KEYS),
    props: normalizeProps(t.props),
    primarySalesFee: fee,
    orderId: t.orderId ?? null,
    tags: t.tags ?? [],
  };
  return { ...n, contentHash: contentHash(n) };
}

// One-shot crypto.hash (Node ≥ 20.12) is several times cheaper than createHash for short inputs.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string }).hash;
const sha256 = (text: string): string => (oneShot ? oneShot('sha256', text, 'base64url') : crypto.createHash('sha256').update(text).digest('base64url'));

/**
 * SHA-256 of the ticket's canonical JSON: an array in a fixed order of already-normalized values
 * (Encore's internal ids are left out: they follow from the integrator's ids).
 */
export function contentHash(n: Omit<NormalizedTicket, 'contentHash'>): string {
  const canonical = JSON.stringify([
    n.ticketId,
    n.externalReferenceEventId,
    n.showId,
    n.ticketOptionId,
    n.priceTypeId,
    n.buyer,
    n.buyerEmailExternal,
    n.priceMinor,
    n.currency,
    n.accessType,
    n.accessLocator,
    n.accessStatus,
    n.primarySaleBuyerData,
    n.nominalTicket,
    n.props,
    n.primarySalesFee,
    n.orderId,
    n.tags,
  ]);
  return sha256(canonical);
}
