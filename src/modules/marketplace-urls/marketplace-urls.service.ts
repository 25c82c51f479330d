import type { Deps } from '../../app/deps.js';
import { withTx, type Executor } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { buildPublicUrl, checkReturnTo, negotiateLang } from '../../lib/urls.js';
import type { Actor } from '../audit/index.js';
import { issueOneTimeTokenInTx } from '../auth-tokens/index.js';
import { getEventForTenant } from '../events/index.js';
import { findListingForTicket } from '../listings/index.js';
import { getTenant } from '../tenants/index.js';
import { findOrderTicketRefs, findTicketRef } from '../tickets/index.js';

/**
 * The marketplace URL endpoints (SPEC §4, ADR 0008). Each resolves the integrator's ids to Encore's
 * own ids (which name the tenant: they are unique across tenants), then builds the URL through
 * `buildPublicUrl`. With login trust a one-time token for the fan is issued in the same transaction,
 * so a refused request (unknown ticket, returnTo not allowed) leaves no token behind.
 */

export type UrlDeps = Pick<Deps, 'db' | 'clock' | 'config'>;

export interface LoginTrust {
  withMethod?: string | undefined;
  user?: string | undefined;
}

export interface UrlCommon {
  lang?: string | undefined;
  returnTo?: string | undefined;
  loginTrust?: LoginTrust;
}

interface Target {
  segments: string[];
  query: Record<string, string | undefined>;
}

const FIELD_METHOD = 'loginTrust[withMethod]';
const FIELD_USER = 'loginTrust[user]';

/** Both or neither: a method without a user (or the reverse) is a mistake, not a request without login. */
function checkLoginTrust(trust: LoginTrust | undefined): { user: string; method: string } | undefined {
  const method = trust?.withMethod;
  const user = trust?.user;
  if (method === undefined && user === undefined) return undefined;
  if (user === undefined) throw new AppError('VALIDATION_ERROR', `${FIELD_USER} is required with ${FIELD_METHOD}`, { field: FIELD_USER });
  if (method === undefined) throw new AppError('VALIDATION_ERROR', `${FIELD_METHOD} is required with ${FIELD_USER}`, { field: FIELD_METHOD });
  return { user, method };
}

async function buildUrl(deps: UrlDeps, actor: Actor, common: UrlCommon, resolve: (ex: Executor) => Promise<Target>): Promise<string> {
  const trust = checkLoginTrust(common.loginTrust);
  const tenant = await getTenant(deps, actor.tenantId);
  const lang = negotiateLang(common.lang, tenant?.default_language ?? 'es');
  const allowedOrigins: readonly string[] = tenant?.return_origins ?? [];
  if (common.returnTo !== undefined) checkReturnTo(common.returnTo, allowedOrigins); // before anything is written
  return withTx(deps.db, async (tx) => {
    const target = await resolve(tx);
    const oneTimeToken = trust && (await issueOneTimeTokenInTx(tx, deps, actor, trust, { user: FIELD_USER, method: FIELD_METHOD }));
    return buildPublicUrl(deps.config.publicUrl, target.segments, { lang, query: target.query, returnTo: common.returnTo, allowedOrigins, oneTimeToken });
  });
}

/** The show's resale page, as for the sale URL (tickets module) but without a ticket. */
export async function buyingFlowUrl(
  deps: UrlDeps,
  actor: Actor,
  input: UrlCommon & { externalReferenceEventId: string; showId: string; ticketOptionId?: string | undefined },
): Promise<string> {
  return buildUrl(deps, actor, input, async (ex) => {
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
    return { segments: ['marketplace', 'shows', show.id], query: { ticketOptionId: option } };
  });
}

export async function sellTicketUrl(deps: UrlDeps, actor: Actor, input: UrlCommon & { ticketId: string }): Promise<string> {
  return buildUrl(deps, actor, input, async (ex) => {
    const ticket = await findTicketRef(ex, actor.tenantId, input.ticketId);
    if (!ticket) throw new AppError('TICKET_NOT_FOUND', `ticket ${input.ticketId} does not exist`, { field: 'ticketId' });
    return { segments: ['marketplace', 'shows', ticket.showPk, 'sell'], query: { ticketId: ticket.ticketId } };
  });
}

/** An order may span shows (even events): the tenant id is the Encore id that names the page. */
export async function sellOrderUrl(deps: UrlDeps, actor: Actor, input: UrlCommon & { orderId: string }): Promise<string> {
  return buildUrl(deps, actor, input, async (ex) => {
    const tickets = await findOrderTicketRefs(ex, actor.tenantId, input.orderId);
    if (tickets.length === 0) throw new AppError('ORDER_NOT_FOUND', `order ${input.orderId} has no tickets`, { field: 'orderId' });
    return { segments: ['marketplace', 'tenants', actor.tenantId, 'sell'], query: { orderId: input.orderId } };
  });
}

export async function sellDetailsUrl(deps: UrlDeps, actor: Actor, input: UrlCommon & { ticketId: string; sellerEmail?: string | undefined }): Promise<string> {
  return buildUrl(deps, actor, input, async (ex) => {
    const ticket = await findTicketRef(ex, actor.tenantId, input.ticketId);
    if (!ticket) throw new AppError('TICKET_NOT_FOUND', `ticket ${input.ticketId} does not exist`, { field: 'ticketId' });
    const listing = await findListingForTicket(ex, actor.tenantId, ticket.ticketId, input.sellerEmail?.trim().toLowerCase());
    if (!listing) {
      const whose = input.sellerEmail === undefined ? '' : ' by this seller';
      throw new AppError('LISTING_NOT_FOUND', `ticket ${input.ticketId} has no listing${whose}`, { field: 'ticketId' });
    }
    return { segments: ['marketplace', 'listings', listing.listingId], query: {} };
  });
}
