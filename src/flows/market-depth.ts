import type { Deps } from '../app/deps.js';
import { toMajor } from '../lib/money.js';
import { eventNotFound, getEventForTenant, showOfEvent, type ShowRecord } from '../modules/events/index.js';
import { listingDepth } from '../modules/listings/index.js';
import { wishlistDemand } from '../modules/market-data/index.js';

/**
 * Market depth (SPEC §6, extension) `GET /v1/marketdata/events/:externalReferenceId/depth[?showId=]`:
 * per show and ticket option, the resale asks a buyer can take now (count, tickets, min / median / max
 * price per ticket), the live holds, face value, tickets sold in the last 24 hours, the median time
 * from listing to sale, and the fans waiting for it (WISHLIST leads naming the option or the whole
 * show). Three reads whatever the size: the catalogue (events), one grouped read of listings, one of
 * leads.
 */

export interface OptionDepth {
  ticketOptionId: string;
  title: string;
  faceValue: number;
  listings: number;
  tickets: number;
  held: number;
  minAsk: number | null;
  medianAsk: number | null;
  maxAsk: number | null;
  soldLast24h: number;
  medianMinutesToSell: number | null;
  wishlistLeads: number;
}

export interface MarketDepth {
  externalReferenceId: string;
  currency: string;
  at: string;
  shows: { showId: string; options: OptionDepth[] }[];
}

export async function marketDepth(deps: Pick<Deps, 'db' | 'clock'>, tenantId: string, externalReferenceId: string, showId: string | undefined): Promise<MarketDepth> {
  const now = deps.clock.now();
  const event = await getEventForTenant(deps.db, tenantId, externalReferenceId);
  if (!event) throw eventNotFound(externalReferenceId, 'externalReferenceId');
  const shows: ShowRecord[] = showId === undefined ? event.shows : [showOfEvent(event, showId)];
  const pks = shows.map((s) => s.id);
  const [rows, wishing] = await Promise.all([listingDepth(deps.db, tenantId, pks, now), wishlistDemand(deps.db, tenantId, pks)]);
  const money = (minor: number | null) => (minor === null ? null : toMajor(Math.round(minor), event.currency));
  return {
    externalReferenceId: event.externalReferenceId,
    currency: event.currency,
    at: now.toISOString(),
    shows: shows.map((show) => ({
      showId: show.showId,
      options: show.ticketOptions.map((o) => {
        const r = rows.find((x) => x.show_pk === show.id && x.ticket_option_id === o.ticketId);
        return {
          ticketOptionId: o.ticketId,
          title: o.title,
          faceValue: toMajor(o.priceMinor, event.currency),
          listings: r?.listings ?? 0,
          tickets: r?.tickets ?? 0,
          held: r?.held ?? 0,
          minAsk: money(r?.min_ask ?? null),
          medianAsk: money(r?.median_ask ?? null),
          maxAsk: money(r?.max_ask ?? null),
          soldLast24h: r?.sold_recently ?? 0,
          medianMinutesToSell: r?.median_seconds_to_sell == null ? null : Math.round(r.median_seconds_to_sell / 60),
          wishlistLeads: wishing(show.id, o.ticketId),
        };
      }),
    })),
  };
}
