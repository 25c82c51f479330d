import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import type { Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { sha256Hex } from '../../lib/signing.js';
import type { Lang } from '../../lib/urls.js';
import { recordAudit, type Actor } from '../audit/index.js';
import type { ListingForSale } from '../listings/index.js';
import { intentionView, orderView } from './orders.mappers.js';
import { ordersRepository as repo, type IntentionItemRow, type IntentionRow } from './orders.repository.js';
import type { IntentionView, OrderView } from './orders.schemas.js';

/**
 * Buy intentions: the steps of a reservation that are the orders module's own. The reservation
 * itself (listings held, the tenant's language, the one-time token, the checkout page's URL, all
 * in one transaction) is the flow flows/buy-intention.ts.
 */

export type IntentionSource = 'BUY_INTENTION' | 'CHECKOUT_URL';

/** A listing just held for the intention (listings' reserveListings): the intention expires with the hold. */
type HeldListing = ListingForSale & { holdExpiresAt: Date };

/** A repeated listing id is refused before anything is held, naming its first repeat. */
export function refuseRepeatedIds(ids: readonly string[], field: string): void {
  const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (dup >= 0) throw new AppError('VALIDATION_ERROR', `${field}[${dup}] repeats ${ids[dup]}`, { field: `${field}[${dup}]` });
}

/** The id of a new buy intention: the listings are held under it before it is written. */
export function newIntentionId(now: Date): string {
  return newId(ID_PREFIX.buyIntention, now.getTime());
}

/**
 * One reservation is one purchase: listings of one show (one order, one payout date, one cancellation
 * scope). The checkout URL is stricter (SPEC §4): one ticket option too. A buyer cannot buy their
 * own listing.
 */
export function checkReservation(listings: readonly ListingForSale[], input: { buyerEmail: string | null; field: string; sameOption: boolean }): void {
  const first = listings[0]!;
  for (const l of listings) {
    if (l.showPk !== first.showPk) throw new AppError('LISTINGS_NOT_COMPATIBLE', 'the listings of one purchase must be of one event and show', { field: input.field });
    if (input.sameOption && l.ticketOptionId !== first.ticketOptionId) {
      throw new AppError('LISTINGS_NOT_COMPATIBLE', 'the listings of one checkout must be of one ticket option', { field: input.field });
    }
  }
  if (input.buyerEmail !== null) {
    const own = listings.find((l) => l.sellerEmail === input.buyerEmail);
    if (own) throw new AppError('OWN_LISTING', `listing ${own.listingId} is ${input.buyerEmail}'s own`, { field: 'user', details: { listingId: own.listingId } });
  }
}

/** A buy intention as written, and the secret of its checkout page (stored only as a hash). */
export interface NewIntention {
  intention: IntentionRow;
  items: IntentionItemRow[];
  secret: string;
}

/**
 * Records the intention over the listings just held, with its money summed once from the listings'
 * stored per-ticket figures, in the reservation's transaction. It expires with the hold.
 */
export async function recordBuyIntentionInTx(
  tx: Tx,
  actor: Actor,
  input: { id: string; now: Date; listings: readonly HeldListing[]; buyerEmail: string | null; source: IntentionSource; lang: Lang },
): Promise<NewIntention> {
  const { id, now, listings } = input;
  const first = listings[0]!;
  let subtotal = 0;
  let fees = 0;
  for (const l of listings) {
    subtotal += l.priceMinor * l.quantity;
    fees += l.buyerFeeMinor * l.quantity;
  }
  const secret = randomBytes(24).toString('base64url');
  const intention: IntentionRow = {
    tenant_id: actor.tenantId,
    id,
    status: 'RESERVED',
    source: input.source,
    buyer_email: input.buyerEmail,
    buyer_from_checkout: false,
    event_id: first.eventId,
    show_pk: first.showPk,
    currency: first.currency,
    subtotal_minor: subtotal,
    buyer_fee_minor: fees,
    total_minor: subtotal + fees,
    secret_hash: sha256Hex(secret),
    lang: input.lang,
    expires_at: first.holdExpiresAt,
    order_id: null,
    created_at: now,
    updated_at: now,
    extended_at: null,
    holder_name: null,
  };
  const items: IntentionItemRow[] = listings.map((l, position) => ({
    tenant_id: actor.tenantId,
    intention_id: id,
    listing_id: l.listingId,
    position,
    ticket_ids: l.ticketIds,
    quantity: l.quantity,
    price_minor: l.priceMinor,
    buyer_fee_minor: l.buyerFeeMinor,
    seller_fee_minor: l.sellerFeeMinor,
    seller_email: l.sellerEmail,
  }));
  await repo.insertIntention(tx, intention, items);
  return { intention, items, secret };
}

/** The new intention as the API shows it (with its checkout page's URL), and its audit row. */
export async function auditNewIntention(tx: Tx, actor: Actor, created: NewIntention, paymentUrl: string, now: Date): Promise<IntentionView> {
  // The view is built from what was written: no read-back in the hot path of an on-sale race.
  const view = intentionView(created.intention, created.items, paymentUrl);
  await recordAudit(tx, actor, { action: 'buy_intention.created', entityType: 'buy_intention', entityId: created.intention.id, after: { ...view, paymentUrl: undefined } }, now);
  return view;
}

/** GET /v1/marketplace/buyingflow/buyIntention/:intentionId (extension): the intention and its order. */
export async function getBuyIntention(deps: Pick<Deps, 'db'>, tenantId: string, id: string): Promise<{ intention: IntentionView; order: OrderView | null }> {
  const found = await repo.findIntentionWithOrder(deps.db, tenantId, id);
  if (!found) throw new AppError('INTENTION_NOT_FOUND', `buy intention ${id} does not exist`, { field: 'intentionId' });
  return { intention: intentionView(found.intention, found.items), order: found.order ? orderView(found.order, found.orderItems) : null };
}

export async function getOrderView(ex: Tx | Deps['db'], tenantId: string, orderId: string): Promise<OrderView | null> {
  const order = await repo.findOrder(ex, tenantId, orderId);
  return order ? orderView(order, await repo.orderItems(ex, tenantId, orderId)) : null;
}

/**
 * The intention behind a checkout page, by its id and the secret of its paymentUrl. A wrong secret
 * and an unknown id are the same 404: the page cannot be used to probe for intentions.
 */
export async function findIntentionBySecret(ex: Tx | Deps['db'], id: string, secret: string, opts: { lock?: boolean } = {}): Promise<IntentionRow> {
  const row = id.includes('\u0000') ? undefined : await repo.findIntentionById(ex, id, opts);
  const given = Buffer.from(sha256Hex(secret), 'hex');
  if (!row || !timingSafeEqual(given, Buffer.from(row.secret_hash, 'hex'))) {
    throw new AppError('INTENTION_NOT_FOUND', `buy intention ${id} does not exist`, { field: 'intentionId' });
  }
  return row;
}

/** GET /v1/checkout/:intentionId?secret=: what the checkout page shows. */
export async function getCheckout(deps: Pick<Deps, 'db'>, id: string, secret: string): Promise<{ intention: IntentionView; order: OrderView | null }> {
  const row = await findIntentionBySecret(deps.db, id, secret);
  return getBuyIntention(deps, row.tenant_id, row.id);
}
