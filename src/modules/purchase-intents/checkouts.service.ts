import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Executor, Tx } from '../../db/tx.js';
import { newId } from '../../lib/ids.js';
import { toMajor } from '../../lib/money.js';
import { sha256Hex } from '../../lib/signing.js';
import type { Lang } from '../../lib/urls.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { checkoutsRepository as repo, type CheckoutSessionRow } from './checkouts.repository.js';
import type { CheckoutSessionStatus } from './checkouts.tables.js';
import type { HistoryItem, IntentRow, StoredItem } from './intents.model.js';

/**
 * Purchase-intent checkout sessions (SPEC §7, §4.1 item 9): what the purchase-intents module keeps of
 * a session — its row, its secret, and its status computed from its intents. Creating, reading,
 * paying and canceling one span modules (tenants, marketplace-urls, events, payments): the flow
 * flows/purchase-intent-checkout-session.ts.
 *
 * The secret is random (24 bytes), handed out once inside the session's `url`, and stored only as a
 * SHA-256 hash, compared in constant time — as buy intentions' checkout pages do: an unknown id and a
 * wrong secret are the same answer (nothing), so a page cannot be used to probe for sessions.
 */

export type { CheckoutSessionRow } from './checkouts.repository.js';
export type { CheckoutSessionStatus } from './checkouts.tables.js';

/** Encore's checkout ids (`chk_…`), shared with the immediate checkout's `checkoutId`. */
export const CHECKOUT_ID_PREFIX = 'chk';

export interface NewCheckoutSession {
  tenantId: string;
  intents: readonly IntentRow[];
  currency: string;
  lang: Lang;
  salesChannelId: string | null;
  now: Date;
}

/** The earliest `expiresAt` of the intents that are still open (a paid intent no longer expires). */
export function earliestExpiry(intents: readonly IntentRow[]): Date | null {
  let earliest: Date | null = null;
  for (const r of intents) {
    if (r.status === 'new' && r.expires_at !== null && (earliest === null || r.expires_at < earliest)) earliest = r.expires_at;
  }
  return earliest;
}

/** Writes a new open session over the intents (in the caller's transaction); its secret is returned once. */
export async function insertCheckoutSession(tx: Tx, actor: Actor, input: NewCheckoutSession): Promise<{ row: CheckoutSessionRow; secret: string }> {
  const secret = randomBytes(24).toString('base64url');
  const row = await repo.insert(tx, {
    tenant_id: input.tenantId,
    id: newId(CHECKOUT_ID_PREFIX, input.now.getTime()),
    intent_ids: input.intents.map((r) => r.id),
    secret_hash: sha256Hex(secret),
    currency: input.currency,
    status: 'open',
    lang: input.lang,
    sales_channel_id: input.salesChannelId,
    created_at: input.now,
    updated_at: input.now,
    expires_at: earliestExpiry(input.intents),
  });
  await recordAudit(
    tx,
    actor,
    { action: 'purchaseIntentCheckout.created', entityType: 'purchaseIntentCheckout', entityId: row.id, after: { purchaseIntentIds: row.intent_ids, lang: row.lang, expiresAt: row.expires_at } },
    input.now,
  );
  return { row, secret };
}

/** The session for its secret's holder; undefined for an unknown id and for a wrong secret alike. */
export async function findCheckoutSession(ex: Executor, id: string, secret: string | undefined): Promise<CheckoutSessionRow | undefined> {
  if (secret === undefined || secret === '' || id.includes('\u0000')) return undefined;
  const row = await repo.findById(ex, id);
  // Hash first, whatever was found: the time taken says nothing about whether the id exists.
  const given = Buffer.from(sha256Hex(secret), 'hex');
  if (!row || !timingSafeEqual(given, Buffer.from(row.secret_hash, 'hex'))) return undefined;
  return row;
}

/** Whether the intent ended by expiring (the expiry job cancels it with a `purchaseIntent.expired` entry), or is past its time. */
function expired(row: IntentRow, now: Date): boolean {
  if (row.status === 'new') return row.expires_at !== null && row.expires_at.getTime() <= now.getTime();
  return row.status === 'canceled' && (row.history as HistoryItem[]).some((h) => h.type === 'purchaseIntent.expired');
}

/**
 * A session's live status, from its intents and the clock (they change through other doors too: the
 * seller's API, the expiry job, the immediate checkout, another session): `complete` when every
 * intent is complete; else `expired` when one expired (before the sweep too); else `canceled` when one
 * was canceled (or is gone); else `open`. A session whose intents cannot all be completed any more is
 * never `open`, so the page never offers to pay it.
 */
export function checkoutSessionStatus(intents: readonly (IntentRow | undefined)[], now: Date): CheckoutSessionStatus {
  if (intents.every((r) => r?.status === 'complete')) return 'complete';
  if (intents.some((r) => r !== undefined && expired(r, now))) return 'expired';
  if (intents.some((r) => r === undefined || r.status === 'canceled')) return 'canceled';
  return 'open';
}

/** Records the status the session reached through its own page (paid, canceled), audited; once. */
export async function recordCheckoutSessionStatus(tx: Tx, actor: Actor, row: CheckoutSessionRow, status: CheckoutSessionStatus, now: Date): Promise<void> {
  if (!(await repo.setStatus(tx, row.tenant_id, row.id, status, now))) return;
  await recordAudit(tx, actor, { action: `purchaseIntentCheckout.${status}`, entityType: 'purchaseIntentCheckout', entityId: row.id, before: { status: row.status }, after: { status } }, now);
}

/** One line of an intent's cart as the checkout page lists it (money in major units of the intent's currency). */
export interface CheckoutLine {
  _id: string;
  kind: 'ticket' | 'product' | 'additional';
  /** The item's own `name` when the integrator gave one; the page may fall back on the ticket option's title. */
  name: string | null;
  ticketTypeId: string | null;
  /** A reserved seat (`seatingInfo` `_type` 6) in words: section / row / seat. */
  seat: string | null;
  amount: number;
  /** The single piece price. */
  price: number;
  /** amount × price. */
  total: number;
}

function seatOf(item: StoredItem): string | null {
  const s = item.seatingInfo as { _type?: unknown; sectionName?: unknown; rowName?: unknown; seatName?: unknown } | null | undefined;
  if (!s || s._type !== 6) return null;
  const parts = [s.sectionName, s.rowName, s.seatName].filter((v): v is string => typeof v === 'string' && v !== '');
  return parts.length > 0 ? parts.join(' / ') : null;
}

/** The intent's cart, tickets first, then products and additional items. */
export function checkoutLines(row: IntentRow): CheckoutLine[] {
  const line = (item: StoredItem, kind: CheckoutLine['kind']): CheckoutLine => ({
    _id: item._id,
    kind,
    name: typeof item.name === 'string' && item.name !== '' ? item.name : null,
    ticketTypeId: typeof item.ticketTypeId === 'string' ? item.ticketTypeId : null,
    seat: seatOf(item),
    amount: item.amount,
    price: toMajor(item.priceMinor, row.currency),
    total: toMajor(item.priceMinor * item.amount, row.currency),
  });
  return [
    ...(row.tickets as StoredItem[]).map((i) => line(i, 'ticket')),
    ...(row.products as StoredItem[]).map((i) => line(i, 'product')),
    ...(row.additional_items as StoredItem[]).map((i) => line(i, 'additional')),
  ];
}
