import { AppError } from '../../lib/app-error.js';
import { buildPublicUrl } from '../../lib/urls.js';

/**
 * Encore's hosted pages and their URLs (SPEC §4, ADR 0008): which page lives at which path, what it
 * takes in its query, and the login-trust parameters that add a one-time token. Every URL Encore
 * hands out for a hosted page is built here, on top of `buildPublicUrl` (lib/urls.ts: base URL,
 * language segment, escaping, returnTo check).
 *
 * Pure: no I/O and no other module. The use cases that read events, tickets, listings and tenants
 * and issue the one-time token to build these URLs are flows (flows/marketplace-urls.ts for the URL
 * endpoints and the sale URL, flows/buy-intention.ts for the checkout page).
 *
 * Path segments are Encore's own ids, unique across integrators (a page knows whose it is without
 * the integrator's ids, which are unique per integrator only); integrator ids, which may be any
 * string, travel in the query.
 */

export interface LoginTrust {
  withMethod?: string | undefined;
  user?: string | undefined;
}

export interface UrlCommon {
  lang?: string | undefined;
  returnTo?: string | undefined;
  loginTrust?: LoginTrust;
}

/** The query fields login trust is read from: named in errors, here and by auth-tokens. */
export const LOGIN_TRUST_FIELDS = { user: 'loginTrust[user]', method: 'loginTrust[withMethod]' } as const;

/** Both or neither: a method without a user (or the reverse) is a mistake, not a request without login. */
export function checkLoginTrust(trust: LoginTrust | undefined): { user: string; method: string } | undefined {
  const method = trust?.withMethod;
  const user = trust?.user;
  if (method === undefined && user === undefined) return undefined;
  const { user: userField, method: methodField } = LOGIN_TRUST_FIELDS;
  if (user === undefined) throw new AppError('VALIDATION_ERROR', `${userField} is required with ${methodField}`, { field: userField });
  if (method === undefined) throw new AppError('VALIDATION_ERROR', `${methodField} is required with ${userField}`, { field: methodField });
  return { user, method };
}

/** A hosted page: its path after the language, and its own query parameters (in order). */
export interface HostedPage {
  segments: string[];
  query: Record<string, string | undefined>;
}

/** A show's resale marketplace page, optionally filtered to one ticket option (the buying flow). */
export const showPage = (showPk: string, ticketOptionId?: string): HostedPage => ({ segments: ['marketplace', 'shows', showPk], query: { ticketOptionId } });

/**
 * The public sale page of a ticket: its show's page filtered to the ticket, for sharing. The URL
 * does not depend on the ticket's state; the page shows whether the ticket is on sale.
 */
export const ticketSalePage = (showPk: string, ticketId: string): HostedPage => ({ segments: ['marketplace', 'shows', showPk], query: { ticketId } });

/** Where the fan lists one ticket. */
export const sellTicketPage = (showPk: string, ticketId: string): HostedPage => ({ segments: ['marketplace', 'shows', showPk, 'sell'], query: { ticketId } });

/** Where the fan lists the tickets of one primary-sale order: an order may span shows, so the tenant names the page. */
export const sellOrderPage = (tenantId: string, orderId: string): HostedPage => ({ segments: ['marketplace', 'tenants', tenantId, 'sell'], query: { orderId } });

/** Where the seller sees and manages one listing. */
export const listingPage = (listingId: string): HostedPage => ({ segments: ['marketplace', 'listings', listingId], query: {} });

/** Where the seller changes the price of one listing (or delists it). */
export const listingEditPage = (listingId: string): HostedPage => ({ segments: ['marketplace', 'listings', listingId, 'edit'], query: {} });

/** Where the fan gives one ticket to someone else (the TRANSFER rule's P2P). */
export const transferPage = (showPk: string, ticketId: string): HostedPage => ({ segments: ['marketplace', 'shows', showPk, 'transfer'], query: { ticketId } });

/** Where a seller enters the payout account their payouts wait for. */
export const payoutDetailsPage = (tenantId: string): HostedPage => ({ segments: ['marketplace', 'tenants', tenantId, 'payout-details'], query: {} });

/** The signed-in fan's tickets with this integrator, optionally one order's. */
export const myTicketsPage = (tenantId: string, orderId?: string): HostedPage => ({ segments: ['marketplace', 'tenants', tenantId, 'tickets'], query: { orderId } });

/** The checkout page of a buy intention; the secret is what lets the page read the intention. */
export const checkoutPage = (intentionId: string, secret: string): HostedPage => ({ segments: ['checkout', intentionId], query: { secret } });

/** The hosted checkout page of purchase intents (SPEC §4.1 item 9); the secret is what lets the page read the session. */
export const purchaseIntentCheckoutPage = (checkoutId: string, secret: string): HostedPage => ({ segments: ['purchaseintents', 'checkout', checkoutId], query: { secret } });

export interface PageUrlParams {
  /** Already negotiated (`negotiateLang`): `es` or `en`. */
  lang: string;
  returnTo?: string | undefined;
  /** The tenant's allowed return origins; required for `returnTo`. */
  allowedOrigins?: readonly string[];
  oneTimeToken?: string | undefined;
}

/** `${publicUrl}/${lang}/${page…}?${page query…}&returnTo=…&oneTimeToken=…` */
export function hostedPageUrl(publicUrl: string, page: HostedPage, params: PageUrlParams): string {
  return buildPublicUrl(publicUrl, page.segments, { ...params, query: page.query });
}
