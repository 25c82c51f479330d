import type { Deps } from '../app/deps.js';
import { withTx } from '../db/tx.js';
import { AppError } from '../lib/app-error.js';
import { negotiateLang } from '../lib/urls.js';
import type { Actor } from '../modules/audit/index.js';
import { issueOneTimeTokenInTx } from '../modules/auth-tokens/index.js';
import { noteRefusedBuyers, refuseUnavailableListings, rememberHeld, reserveListings } from '../modules/listings/index.js';
import { checkLoginTrust, checkoutPage, hostedPageUrl, LOGIN_TRUST_FIELDS, type LoginTrust } from '../modules/marketplace-urls/index.js';
import { auditNewIntention, checkReservation, newIntentionId, recordBuyIntentionInTx, refuseRepeatedIds, type IntentionSource, type IntentionView } from '../modules/orders/index.js';
import { getMarketSettings } from '../modules/tenants/index.js';

/**
 * A buy intention (SPEC §4): the listings held (listings), the intention and its money recorded
 * (orders), answered with its checkout page's URL (marketplace-urls; the tenant's language from
 * tenants, a one-time token from auth-tokens with login trust) — one transaction. Two doors:
 * `POST …/buyIntention` answers the intention, `POST …/checkout/url` only the URL.
 */

export type BuyingDeps = Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>;

interface ReserveInput {
  listingIds: readonly string[];
  buyerEmail: string | null;
  /** As the integrator sent it (any BCP 47 tag), or nothing: buy intentions carry none. */
  lang: string | undefined;
  source: IntentionSource;
  field: string;
  sameOption: boolean;
  loginTrust?: { user: string; method: string } | undefined;
}

/**
 * Holds the listings for the tenant's hold time (default 10 minutes) and records the intention.
 * All or nothing: an unavailable listing is 409 LISTING_UNAVAILABLE and the transaction holds nothing.
 */
async function reserve(deps: BuyingDeps, actor: Actor, input: ReserveInput): Promise<IntentionView> {
  refuseRepeatedIds(input.listingIds, input.field);
  try {
    return await reserveOnce(deps, actor, input);
  } catch (err) {
    // A buyer turned away from a held listing is someone waiting for it: the holder's checkout may
    // then not extend its hold (ADR 0017). Stamped after the refused transaction rolled back.
    if (err instanceof AppError && err.code === 'LISTING_UNAVAILABLE') {
      const refused = err.details?.listingIds;
      if (Array.isArray(refused)) await noteRefusedBuyers(deps.db, actor.tenantId, refused.filter((id): id is string => typeof id === 'string'), deps.clock.now());
    }
    throw err;
  }
}

async function reserveOnce(deps: BuyingDeps, actor: Actor, input: ReserveInput): Promise<IntentionView> {
  await refuseUnavailableListings(deps.db, actor.tenantId, input.listingIds, deps.clock.now(), input.field);
  // Read before the transaction (issue 13, item 4): the tenant's settings guard nothing the
  // reservation locks, so the transaction holds the listings only for the writes.
  const settings = await getMarketSettings(deps.db, actor.tenantId);
  const reserved = await withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const id = newIntentionId(now);
    const listings = await reserveListings(tx, deps, actor.tenantId, input.listingIds, { intentionId: id, now, field: input.field, minutes: settings.holdMinutes });
    checkReservation(listings, input);
    const lang = negotiateLang(input.lang, settings.defaultLanguage);
    const created = await recordBuyIntentionInTx(tx, actor, { id, now, listings, buyerEmail: input.buyerEmail, source: input.source, lang });
    const oneTimeToken = input.loginTrust && (await issueOneTimeTokenInTx(tx, deps, actor, input.loginTrust, LOGIN_TRUST_FIELDS));
    const paymentUrl = hostedPageUrl(deps.config.publicUrl, checkoutPage(id, created.secret), { lang, oneTimeToken });
    const view = await auditNewIntention(tx, actor, created, paymentUrl, now);
    return { view, held: listings, now };
  });
  // Committed: the next buyers of these listings are refused from memory until the hold expires.
  rememberHeld(actor.tenantId, reserved.held, reserved.now);
  return reserved.view;
}

/** POST /v1/marketplace/buyingflow/buyIntention. */
export async function createBuyIntention(deps: BuyingDeps, actor: Actor, body: { items: string[]; user: string }): Promise<IntentionView> {
  return reserve(deps, actor, { listingIds: body.items, buyerEmail: body.user.toLowerCase(), lang: undefined, source: 'BUY_INTENTION', field: 'items', sameOption: false });
}

/** POST /v1/marketplace/checkout/url: the same reservation, answered with the hosted checkout page's URL. */
export async function createCheckoutUrl(deps: BuyingDeps, actor: Actor, input: { listingIds: string[]; lang?: string | undefined; loginTrust?: LoginTrust }): Promise<string> {
  const trust = checkLoginTrust(input.loginTrust);
  const view = await reserve(deps, actor, {
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
