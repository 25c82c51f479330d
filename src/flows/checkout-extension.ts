import type { Deps } from '../app/deps.js';
import { withTx, type Executor } from '../db/tx.js';
import { AppError } from '../lib/app-error.js';
import type { Actor } from '../modules/audit/index.js';
import { buyerListings, buyersRefusedSince, extendHoldsOf, rememberHeld } from '../modules/listings/index.js';
import { wishlistWaitingSince } from '../modules/market-data/index.js';
import { extendIntentionHold, findIntentionBySecret, intentionItems, type IntentionRow } from '../modules/orders/index.js';
import { getMarketSettings } from '../modules/tenants/index.js';

/**
 * The checkout's one extension of a hold (SPEC §4.1 item 2, ADR 0017). A buyer who needs more time
 * may add the tenant's hold minutes once, and only while nobody else is waiting for the listings:
 *
 * - no buyer was turned away from any of them since the hold began (the reservation stamps a held
 *   listing it refuses: listings' `noteRefusedBuyers`), and
 * - no fan asked to be told of tickets of the show (a WISHLIST lead naming the whole show or one of
 *   the held options, created or sent again) since the hold began.
 *
 * One transaction: the intention's row lock first (the marketplace's lock order: intention, then
 * listings), the checks, then the listings' holds and the intention moved together, with the audit
 * row and the listings' `listing.updated`. A refusal is an answer, not an error.
 */

export type ExtensionDeps = Pick<Deps, 'db' | 'clock' | 'queue'>;

export type ExtensionRefusal = 'ALREADY_EXTENDED' | 'SOMEONE_WAITING' | 'NOT_EXTENDABLE';
export type ExtensionResult = { ok: true; expiresAt: Date } | { ok: false; reason: ExtensionRefusal };

const checkoutActor = (tenantId: string): Actor => ({ tenantId, label: 'checkout' });

/** Whether someone is waiting for what this intention holds (the two signals above). */
async function someoneWaiting(ex: Executor, intention: IntentionRow, now: Date): Promise<boolean> {
  const items = await intentionItems(ex, intention.tenant_id, intention.id);
  const listingIds = items.map((i) => i.listing_id);
  const since = intention.created_at;
  if (await buyersRefusedSince(ex, intention.tenant_id, listingIds, since)) return true;
  const options = [...new Set((await buyerListings(ex, intention.tenant_id, listingIds, now)).map((l) => l.ticketOptionId))];
  return wishlistWaitingSince(ex, intention.tenant_id, intention.show_pk, options, since);
}

/** Why this intention's hold could not be extended now, or null when it can (without the "waiting" check). */
function refusalOf(intention: IntentionRow, now: Date): ExtensionRefusal | null {
  if (intention.extended_at !== null) return 'ALREADY_EXTENDED';
  if (intention.status !== 'RESERVED' || now.getTime() >= intention.expires_at.getTime()) return 'NOT_EXTENDABLE';
  return null;
}

/**
 * Whether the checkout page should offer the extension: a hold that was never extended, still live,
 * with nobody waiting. The answer can change before the click; `extendCheckoutHold` decides again.
 */
export async function extensionOffered(deps: Pick<Deps, 'db' | 'clock'>, intention: IntentionRow): Promise<boolean> {
  const now = deps.clock.now();
  if (refusalOf(intention, now) !== null) return false;
  return !(await someoneWaiting(deps.db, intention, now));
}

/** POST …/checkout/:intentionId/extend: the hold's one extension, guarded by the paymentUrl's secret. */
export async function extendCheckoutHold(deps: ExtensionDeps, intentionId: string, secret: string): Promise<ExtensionResult> {
  const result = await withTx(deps.db, async (tx): Promise<ExtensionResult & { tenantId: string; listingIds: string[] }> => {
    const now = deps.clock.now();
    const intention = await findIntentionBySecret(tx, intentionId, secret, { lock: true });
    const base = { tenantId: intention.tenant_id, listingIds: [] as string[] };
    const refusal = refusalOf(intention, now);
    if (refusal !== null) return { ...base, ok: false, reason: refusal };
    if (await someoneWaiting(tx, intention, now)) return { ...base, ok: false, reason: 'SOMEONE_WAITING' };
    const { holdMinutes } = await getMarketSettings(tx, intention.tenant_id);
    const until = new Date(intention.expires_at.getTime() + holdMinutes * 60_000);
    const items = await intentionItems(tx, intention.tenant_id, intention.id);
    const moved = await extendHoldsOf(tx, deps, intention.tenant_id, intention.id, until, now);
    // The intention is RESERVED and live, so it still holds every listing; anything else is a bug
    // somewhere else, and nothing of this transaction may stay.
    if (moved !== items.length) throw new AppError('INVALID_STATE_TRANSITION', `buy intention ${intention.id} no longer holds all its listings`);
    const extended = await extendIntentionHold(tx, checkoutActor(intention.tenant_id), intention, until, now);
    return { ...base, ok: true, expiresAt: extended.expires_at, listingIds: items.map((i) => i.listing_id) };
  });
  if (!result.ok) return { ok: false, reason: result.reason };
  // Committed: this process refuses the next buyers of these listings from memory until the new expiry.
  rememberHeld(result.tenantId, result.listingIds.map((listingId) => ({ listingId, holdExpiresAt: result.expiresAt })), deps.clock.now());
  return { ok: true, expiresAt: result.expiresAt };
}
