import type { Deps } from '../../app/deps.js';
import { AppError } from '../../lib/app-error.js';
import { buildPublicUrl, negotiateLang } from '../../lib/urls.js';
import { getMarketSettings } from '../tenants/index.js';
import { saleUrlRepository as repo } from './sale-url.repository.js';

/**
 * The public sale page of a ticket: the show's resale marketplace page, filtered to this ticket.
 *
 *   `${PUBLIC_URL}/{lang}/marketplace/shows/{showId}?ticketId={ticketId}`
 *
 * `{showId}` is Encore's show id (`shw_…`), unique across integrators, so the page knows whose
 * ticket it is without the integrator's own ids, which only are unique per integrator (and may be
 * any string: the ticketId travels in the query, where any string is safe). The buying-flow
 * entrypoint for a show is the same page without `ticketId`. The URL does not depend on the
 * ticket's state; the page shows whether the ticket is on sale.
 */
export async function salePublicUrl(deps: Pick<Deps, 'db' | 'config'>, tenantId: string, ticketId: string, langTag: string | undefined): Promise<string> {
  // PostgreSQL text cannot hold NUL: such an id names no ticket.
  const ticket = ticketId.includes('\u0000') ? undefined : await repo.findTicketShow(deps.db, tenantId, ticketId);
  if (!ticket) throw new AppError('TICKET_NOT_FOUND', `ticket ${ticketId} does not exist`, { field: 'ticketId', details: { ticketId } });
  const lang = negotiateLang(langTag, (await getMarketSettings(deps.db, tenantId)).defaultLanguage);
  return buildPublicUrl(deps.config.publicUrl, ['marketplace', 'shows', ticket.show_pk], { lang, query: { ticketId: ticket.ticket_id } });
}
