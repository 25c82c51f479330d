import type { Deps } from '../../app/deps.js';
import { AppError } from '../../lib/app-error.js';
import { getEventForTenant } from '../events/index.js';
import { groupTickets, listedTicketView } from './listings.mappers.js';
import { listingsRepository as repo } from './listings.repository.js';
import type { ListedTicketView } from './listings.schemas.js';

/** GET /v1/marketplace/items/events/:eventId/listedTickets: what a buyer can take now, cheapest first. */
export async function listedTickets(
  deps: Pick<Deps, 'db' | 'clock'>,
  tenantId: string,
  q: { eventId: string; showId?: string | undefined; limit: number; offset: number },
): Promise<{ items: ListedTicketView[]; total: number; limit: number; offset: number }> {
  const event = await getEventForTenant(deps.db, tenantId, q.eventId);
  if (!event) throw new AppError('EVENT_NOT_FOUND', `event ${q.eventId} does not exist`, { field: 'eventId' });
  let showPk: string | undefined;
  if (q.showId !== undefined) {
    const show = event.shows.find((s) => s.showId === q.showId);
    if (!show) throw new AppError('SHOW_NOT_FOUND', `event ${q.eventId} has no show ${q.showId}`, { field: 'showId' });
    showPk = show.id;
  }
  const { rows, total } = await repo.browse(deps.db, { tenantId, eventId: event.id, ...(showPk ? { showPk } : {}), limit: q.limit, offset: q.offset, now: deps.clock.now() });
  const tickets = groupTickets(await repo.ticketsOf(deps.db, tenantId, rows.map((r) => r.id)));
  const items = rows.map((l) => {
    const show = event.shows.find((s) => s.id === l.show_pk);
    const option = show?.ticketOptions.find((o) => o.ticketId === l.ticket_option_id);
    const priceType = l.price_type_id === null ? undefined : show?.priceTypes.find((p) => p.priceTypeId === l.price_type_id);
    return listedTicketView(l, tickets.get(l.id) ?? [], { option: option?.title ?? null, priceType: priceType?.title ?? null });
  });
  return { items, total, limit: q.limit, offset: q.offset };
}
