import type { Deps } from '../app/deps.js';
import { withTx, type Executor } from '../db/tx.js';
import { AppError } from '../lib/app-error.js';
import { checkReturnTo, negotiateLang } from '../lib/urls.js';
import type { Actor } from '../modules/audit/index.js';
import { issueOneTimeTokenInTx } from '../modules/auth-tokens/index.js';
import { getEventForTenant } from '../modules/events/index.js';
import { findListingForTicket } from '../modules/listings/index.js';
import {
  checkLoginTrust,
  hostedPageUrl,
  listingPage,
  LOGIN_TRUST_FIELDS,
  sellOrderPage,
  sellTicketPage,
  showPage,
  ticketSalePage,
  type HostedPage,
  type UrlCommon,
} from '../modules/marketplace-urls/index.js';
import { getMarketSettings, getTenant } from '../modules/tenants/index.js';
import { findOrderTicketRefs, findTicketRef } from '../modules/tickets/index.js';

/**
 * The marketplace URL endpoints (SPEC §4, ADR 0008) and the sale URL. Each resolves the integrator's
 * ids to Encore's own ids (events, tickets, listings), then builds the page's URL
 * (modules/marketplace-urls). With login trust a one-time token for the fan is issued in the same
 * transaction, so a refused request (unknown ticket, returnTo not allowed) leaves no token behind.
 */

export type UrlDeps = Pick<Deps, 'db' | 'clock' | 'config'>;

async function urlOf(deps: UrlDeps, actor: Actor, common: UrlCommon, resolve: (ex: Executor) => Promise<HostedPage>): Promise<string> {
  const trust = checkLoginTrust(common.loginTrust);
  const tenant = await getTenant(deps, actor.tenantId);
  const lang = negotiateLang(common.lang, tenant?.default_language ?? 'es');
  const allowedOrigins: readonly string[] = tenant?.return_origins ?? [];
  if (common.returnTo !== undefined) checkReturnTo(common.returnTo, allowedOrigins); // before anything is written
  return withTx(deps.db, async (tx) => {
    const page = await resolve(tx);
    const oneTimeToken = trust && (await issueOneTimeTokenInTx(tx, deps, actor, trust, LOGIN_TRUST_FIELDS));
    return hostedPageUrl(deps.config.publicUrl, page, { lang, returnTo: common.returnTo, allowedOrigins, oneTimeToken });
  });
}

/** The show's resale page, as for the sale URL but without a ticket. */
export async function buyingFlowUrl(
  deps: UrlDeps,
  actor: Actor,
  input: UrlCommon & { externalReferenceEventId: string; showId: string; ticketOptionId?: string | undefined },
): Promise<string> {
  return urlOf(deps, actor, input, async (ex) => {
    // PostgreSQL text cannot hold NUL: such an id names no event (rather than a database error).
    const ref = input.externalReferenceEventId;
    const event = ref.includes('\u0000') ? undefined : await getEventForTenant(ex, actor.tenantId, ref);
    if (!event) {
      throw new AppError('EVENT_NOT_FOUND', `event ${input.externalReferenceEventId} does not exist`, { field: 'externalReferenceEventId' });
    }
    const show = event.shows.find((s) => s.showId === input.showId);
    if (!show) throw new AppError('SHOW_NOT_FOUND', `event ${event.externalReferenceId} has no show ${input.showId}`, { field: 'showId' });
    const option = input.ticketOptionId;
    // 400, not 404: the event and show exist, the filter names nothing in them (as in event bodies).
    if (option !== undefined && !show.ticketOptions.some((o) => o.ticketId === option)) {
      throw new AppError('UNKNOWN_REFERENCE', `ticketOptionId "${option}" is not a ticket option of show ${show.showId}`, { field: 'ticketOptionId' });
    }
    return showPage(show.id, option);
  });
}

export async function sellTicketUrl(deps: UrlDeps, actor: Actor, input: UrlCommon & { ticketId: string }): Promise<string> {
  return urlOf(deps, actor, input, async (ex) => {
    const ticket = await findTicketRef(ex, actor.tenantId, input.ticketId);
    if (!ticket) throw new AppError('TICKET_NOT_FOUND', `ticket ${input.ticketId} does not exist`, { field: 'ticketId' });
    return sellTicketPage(ticket.showPk, ticket.ticketId);
  });
}

/** An order may span shows (even events): the tenant id is the Encore id that names the page. */
export async function sellOrderUrl(deps: UrlDeps, actor: Actor, input: UrlCommon & { orderId: string }): Promise<string> {
  return urlOf(deps, actor, input, async (ex) => {
    const tickets = await findOrderTicketRefs(ex, actor.tenantId, input.orderId);
    if (tickets.length === 0) throw new AppError('ORDER_NOT_FOUND', `order ${input.orderId} has no tickets`, { field: 'orderId' });
    return sellOrderPage(actor.tenantId, input.orderId);
  });
}

export async function sellDetailsUrl(deps: UrlDeps, actor: Actor, input: UrlCommon & { ticketId: string; sellerEmail?: string | undefined }): Promise<string> {
  return urlOf(deps, actor, input, async (ex) => {
    const ticket = await findTicketRef(ex, actor.tenantId, input.ticketId);
    if (!ticket) throw new AppError('TICKET_NOT_FOUND', `ticket ${input.ticketId} does not exist`, { field: 'ticketId' });
    const listing = await findListingForTicket(ex, actor.tenantId, ticket.ticketId, input.sellerEmail?.trim().toLowerCase());
    if (!listing) {
      const whose = input.sellerEmail === undefined ? '' : ' by this seller';
      throw new AppError('LISTING_NOT_FOUND', `ticket ${input.ticketId} has no listing${whose}`, { field: 'ticketId' });
    }
    return listingPage(listing.listingId);
  });
}

/**
 * GET /v1/events/tickets/salePublicUrl: the public sale page of a ticket (its show's resale page,
 * filtered to it). No login trust and no returnTo: the URL is for sharing. An unknown ticket
 * (a NUL in the id names none) is 404 with the id in the details.
 */
export async function salePublicUrl(deps: Pick<Deps, 'db' | 'config'>, tenantId: string, ticketId: string, langTag: string | undefined): Promise<string> {
  const ticket = await findTicketRef(deps.db, tenantId, ticketId);
  if (!ticket) throw new AppError('TICKET_NOT_FOUND', `ticket ${ticketId} does not exist`, { field: 'ticketId', details: { ticketId } });
  const lang = negotiateLang(langTag, (await getMarketSettings(deps.db, tenantId)).defaultLanguage);
  return hostedPageUrl(deps.config.publicUrl, ticketSalePage(ticket.showPk, ticket.ticketId), { lang });
}
