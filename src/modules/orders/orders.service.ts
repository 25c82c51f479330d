import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import { withTx, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { sha256Hex } from '../../lib/signing.js';
import { buildPublicUrl, negotiateLang } from '../../lib/urls.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { issueOneTimeTokenInTx } from '../auth-tokens/index.js';
import { refuseUnavailableListings, rememberHeld, reserveListings, type ListingForSale } from '../listings/index.js';
import { getMarketSettings } from '../tenants/index.js';
import { intentionView, orderView } from './orders.mappers.js';
import { ordersRepository as repo, type IntentionItemRow, type IntentionRow } from './orders.repository.js';
import type { IntentionView, OrderView } from './orders.schemas.js';

export type BuyingDeps = Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>;

function checkDistinct(ids: readonly string[], field: string): void {
  const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (dup >= 0) throw new AppError('VALIDATION_ERROR', `${field}[${dup}] repeats ${ids[dup]}`, { field: `${field}[${dup}]` });
}

/**
 * One reservation is one purchase: listings of one show (one order, one payout date, one cancellation
 * scope). The checkout URL is stricter (SPEC §4): one ticket option too.
 */
function checkTogether(listings: readonly ListingForSale[], field: string, sameOption: boolean): void {
  const first = listings[0]!;
  for (const l of listings) {
    if (l.showPk !== first.showPk) throw new AppError('LISTINGS_NOT_COMPATIBLE', 'the listings of one purchase must be of one event and show', { field });
    if (sameOption && l.ticketOptionId !== first.ticketOptionId) {
      throw new AppError('LISTINGS_NOT_COMPATIBLE', 'the listings of one checkout must be of one ticket option', { field });
    }
  }
}

interface ReserveInput {
  listingIds: readonly string[];
  buyerEmail: string | null;
  /** As the integrator sent it (any BCP 47 tag), or nothing: buy intentions carry none. */
  lang: string | undefined;
  source: 'BUY_INTENTION' | 'CHECKOUT_URL';
  field: string;
  sameOption: boolean;
  loginTrust?: { user: string; method: string } | undefined;
}

/**
 * Holds the listings for the tenant's hold time (default 10 minutes) and records the intention with
 * its money, summed once from the listings' stored per-ticket figures. All or nothing: an unavailable
 * listing is 409 LISTING_UNAVAILABLE and the transaction holds nothing.
 */
async function reserve(deps: BuyingDeps, actor: Actor, input: ReserveInput): Promise<{ view: IntentionView; oneTimeToken?: string | undefined }> {
  checkDistinct(input.listingIds, input.field);
  await refuseUnavailableListings(deps.db, actor.tenantId, input.listingIds, deps.clock.now(), input.field);
  const reserved = await withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const id = newId(ID_PREFIX.buyIntention, now.getTime());
    const listings = await reserveListings(tx, deps, actor.tenantId, input.listingIds, { intentionId: id, now, field: input.field });
    checkTogether(listings, input.field, input.sameOption);
    if (input.buyerEmail !== null) {
      const own = listings.find((l) => l.sellerEmail === input.buyerEmail);
      if (own) throw new AppError('OWN_LISTING', `listing ${own.listingId} is ${input.buyerEmail}'s own`, { field: 'user', details: { listingId: own.listingId } });
    }
    const first = listings[0]!;
    let subtotal = 0;
    let fees = 0;
    for (const l of listings) {
      subtotal += l.priceMinor * l.quantity;
      fees += l.buyerFeeMinor * l.quantity;
    }
    const secret = randomBytes(24).toString('base64url');
    const lang = negotiateLang(input.lang, (await getMarketSettings(tx, actor.tenantId)).defaultLanguage);
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
      lang,
      expires_at: first.holdExpiresAt,
      order_id: null,
      created_at: now,
      updated_at: now,
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
    const oneTimeToken = input.loginTrust && (await issueOneTimeTokenInTx(tx, deps, actor, input.loginTrust, { user: 'loginTrust[user]', method: 'loginTrust[withMethod]' }));
    const paymentUrl = buildPublicUrl(deps.config.publicUrl, ['checkout', id], { lang, query: { secret }, oneTimeToken });
    // The view is built from what was written: no read-back in the hot path of an on-sale race.
    const view = intentionView(intention, items, paymentUrl);
    await recordAudit(tx, actor, { action: 'buy_intention.created', entityType: 'buy_intention', entityId: id, after: { ...view, paymentUrl: undefined } }, now);
    return { view, oneTimeToken, held: listings, now };
  });
  // Committed: the next buyers of these listings are refused from memory until the hold expires.
  rememberHeld(actor.tenantId, reserved.held, reserved.now);
  return { view: reserved.view, oneTimeToken: reserved.oneTimeToken };
}

/** POST /v1/marketplace/buyingflow/buyIntention. */
export async function createBuyIntention(deps: BuyingDeps, actor: Actor, body: { items: string[]; user: string }): Promise<IntentionView> {
  const { view } = await reserve(deps, actor, { listingIds: body.items, buyerEmail: body.user.toLowerCase(), lang: undefined, source: 'BUY_INTENTION', field: 'items', sameOption: false });
  return view;
}

/** POST /v1/marketplace/checkout/url: the same reservation, answered with the hosted checkout page's URL. */
export async function createCheckoutUrl(
  deps: BuyingDeps,
  actor: Actor,
  input: { listingIds: string[]; lang?: string | undefined; loginTrust?: { withMethod?: string | undefined; user?: string | undefined } },
): Promise<string> {
  const method = input.loginTrust?.withMethod;
  const user = input.loginTrust?.user;
  if ((method === undefined) !== (user === undefined)) {
    const missing = user === undefined ? 'loginTrust[user]' : 'loginTrust[withMethod]';
    throw new AppError('VALIDATION_ERROR', `${missing} is required with ${missing === 'loginTrust[user]' ? 'loginTrust[withMethod]' : 'loginTrust[user]'}`, { field: missing });
  }
  const trust = method !== undefined && user !== undefined ? { user, method } : undefined;
  const { view } = await reserve(deps, actor, {
    listingIds: input.listingIds,
    // Login trust names the buyer: the checkout page then asks for a card only.
    buyerEmail: trust ? trust.user.toLowerCase() : null,
    lang: input.lang,
    source: 'CHECKOUT_URL',
    field: 'listingIds',
    sameOption: true,
    loginTrust: trust,
  });
  return view.paymentUrl!;
}

/** GET /v1/marketplace/buyingflow/buyIntention/:intentionId (extension): the intention and its order. */
export async function getBuyIntention(deps: Pick<Deps, 'db'>, tenantId: string, id: string): Promise<{ intention: IntentionView; order: OrderView | null }> {
  const row = await repo.findIntention(deps.db, tenantId, id);
  if (!row) throw new AppError('INTENTION_NOT_FOUND', `buy intention ${id} does not exist`, { field: 'intentionId' });
  return { intention: intentionView(row, await repo.itemsOf(deps.db, tenantId, id)), order: row.order_id ? await getOrderView(deps.db, tenantId, row.order_id) : null };
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
