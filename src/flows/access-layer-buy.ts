import type { Deps } from '../app/deps.js';
import { toMajor } from '../lib/money.js';
import { TtlCache } from '../lib/ttl-cache.js';
import { negotiateLang } from '../lib/urls.js';
import { buyComponents, isSoldOut, sellBanner, type Component, type ResaleState } from '../modules/access-layer/index.js';
import { faceValueMinor, getEventsForTenant, mostSpecificRule, type EventRecord, type ShowRecord } from '../modules/events/index.js';
import { askRanges, resaleWindow, type AskRangeRow } from '../modules/listings/index.js';
import { showInventories } from '../modules/market-data/index.js';
import { hostedPageUrl, showPage } from '../modules/marketplace-urls/index.js';
import { getMarketSettings } from '../modules/tenants/index.js';

/**
 * Buy mode of the Smart Access Layer (SPEC §6) for one show or many: everything the decision table
 * (modules/access-layer) needs, read with a fixed number of queries whatever the number of shows —
 * the events with their shows and rules (3), the tenant's settings (1), the shows' inventory (1) and
 * one grouped read of their listings (1).
 */

export type BuyAnswer = { eventId: string; showId: string; components: Component[] } | { eventId: string; showId: string; error: { code: string; message: string } };

function resaleOf(event: EventRecord, show: ShowRecord, now: Date): ResaleState {
  if (event.status === 'CANCELLED' || show.status === 'CANCELLED') return { open: false, reason: 'EVENT_CANCELLED' };
  const rule = mostSpecificRule(event.rules, { showId: show.showId }, 'RESALE');
  const window = resaleWindow(rule?.ruleType === 'RESALE' ? rule.settings : undefined, show.startsAt, now);
  if (window.open) return { open: true };
  return window.reason === 'WINDOW_NOT_OPEN' ? { open: false, reason: window.reason, availableFrom: window.availableFrom } : { open: false, reason: window.reason };
}

/** One ticket option's market for the decision table: the whole option, and per price type for the list. */
function optionMarket(event: EventRecord, show: ShowRecord, o: ShowRecord['ticketOptions'][number], rows: readonly AskRangeRow[], url: string) {
  const major = (minor: number) => toMajor(minor, event.currency);
  const count = rows.reduce((n, r) => n + r.listings, 0);
  return {
    ticketOptionId: o.ticketId,
    title: o.title,
    faceValue: major(o.priceMinor),
    listingsCount: count,
    minTotal: count > 0 ? major(Math.min(...rows.map((r) => r.min_total))) : null,
    maxTotal: count > 0 ? major(Math.max(...rows.map((r) => r.max_total))) : null,
    url,
    byPriceType: [...rows]
      .sort((a, b) => (a.price_type_id ?? '').localeCompare(b.price_type_id ?? ''))
      .map((r) => {
        const type = r.price_type_id === null ? undefined : show.priceTypes.find((p) => p.priceTypeId === r.price_type_id);
        return {
          priceTypeId: r.price_type_id,
          title: type ? `${o.title} · ${type.title}` : o.title,
          faceValue: major(faceValueMinor(show, o.ticketId, r.price_type_id) ?? o.priceMinor),
          listingsCount: r.listings,
          minTotal: major(r.min_total),
          maxTotal: major(r.max_total),
        };
      }),
  };
}

/** Buy-mode answers per (tenant, event, show, language, mode), shared by the requests of one process. */
const answers = new TtlCache<BuyAnswer>(20_000);

/**
 * Buy mode as the routes serve it: each show's answer from the process's cache when it is at most
 * `config.accessLayerCacheMs` old, the others computed together (one `buyMode` call, so the query
 * count stays fixed) and cached; concurrent requests for a show share one computation. An answer
 * can be that much behind a change (a listing sold in the last second still shows): the buy page and
 * the reservation decide on fresh state, so the staleness costs at most a refused click.
 */
export async function buyModeCached(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  tenantId: string,
  wanted: readonly { eventId: string; showIds: readonly string[] }[],
  opts: { lang: string | undefined; details: boolean; type?: 'buy' | 'sell' },
): Promise<BuyAnswer[]> {
  const ttl = deps.config.accessLayerCacheMs;
  if (ttl <= 0) return buyMode(deps, tenantId, wanted, opts);
  const keyOf = (eventId: string, showId: string) => JSON.stringify([tenantId, eventId, showId, opts.lang ?? '', opts.type ?? 'buy', opts.details]);
  const found = new Map<string, Promise<BuyAnswer>>();
  const missing = new Map<string, string[]>();
  for (const w of wanted) {
    for (const showId of w.showIds) {
      const key = keyOf(w.eventId, showId);
      if (found.has(key)) continue;
      const hit = answers.get(key);
      if (hit) found.set(key, hit);
      else missing.set(w.eventId, [...(missing.get(w.eventId) ?? []), showId]);
    }
  }
  if (missing.size > 0) {
    const computing = buyMode(deps, tenantId, [...missing].map(([eventId, showIds]) => ({ eventId, showIds })), opts);
    for (const [eventId, showIds] of missing) {
      showIds.forEach((showId) => {
        const one = computing.then((all) => all.find((a) => a.eventId === eventId && a.showId === showId)!);
        answers.set(keyOf(eventId, showId), one, ttl);
        found.set(keyOf(eventId, showId), one);
      });
    }
  }
  const out: BuyAnswer[] = [];
  for (const w of wanted) for (const showId of w.showIds) out.push(await found.get(keyOf(w.eventId, showId))!);
  return out;
}

export async function buyMode(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  tenantId: string,
  wanted: readonly { eventId: string; showIds: readonly string[] }[],
  opts: { lang: string | undefined; details: boolean; type?: 'buy' | 'sell' },
): Promise<BuyAnswer[]> {
  const now = deps.clock.now();
  const [events, settings] = await Promise.all([getEventsForTenant(deps.db, tenantId, [...new Set(wanted.map((w) => w.eventId))]), getMarketSettings(deps.db, tenantId)]);
  const lang = negotiateLang(opts.lang, settings.defaultLanguage);
  const byRef = new Map(events.map((e) => [e.externalReferenceId, e]));
  const found: { event: EventRecord; show: ShowRecord }[] = [];
  for (const w of wanted) {
    const event = byRef.get(w.eventId);
    for (const showId of w.showIds) {
      const show = event?.shows.find((s) => s.showId === showId);
      if (event && show) found.push({ event, show });
    }
  }
  const pks = found.map((f) => f.show.id);
  const [inventory, ranges] = await Promise.all([showInventories(deps.db, tenantId, pks), askRanges(deps.db, tenantId, pks, now)]);
  const url = (page: ReturnType<typeof showPage>) => hostedPageUrl(deps.config.publicUrl, page, { lang });
  const answers: BuyAnswer[] = [];
  for (const w of wanted) {
    const event = byRef.get(w.eventId);
    for (const showId of w.showIds) {
      const show = event?.shows.find((s) => s.showId === showId);
      if (!event || !show) {
        answers.push(
          !event
            ? { eventId: w.eventId, showId, error: { code: 'EVENT_NOT_FOUND', message: `event ${w.eventId} does not exist` } }
            : { eventId: w.eventId, showId, error: { code: 'SHOW_NOT_FOUND', message: `event ${w.eventId} has no show ${showId}` } },
        );
        continue;
      }
      const colors = { background: settings.theme.background, text: settings.theme.text, accent: settings.theme.accent };
      if (opts.type === 'sell') {
        const sellUrl = url({ segments: [...showPage(show.id).segments, 'sell'], query: {} });
        answers.push({ eventId: w.eventId, showId, components: sellBanner({ lang, colors, logoUrl: settings.theme.logoUrl, resale: resaleOf(event, show, now), sellUrl }) });
        continue;
      }
      const zones = event.seating?.zones ?? [];
      const components = buyComponents({
        lang,
        colors,
        logoUrl: settings.theme.logoUrl,
        resale: resaleOf(event, show, now),
        soldOut: isSoldOut(inventory.get(show.id)),
        currency: event.currency,
        options: show.ticketOptions.map((o) => optionMarket(event, show, o, ranges.filter((r) => r.show_pk === show.id && r.ticket_option_id === o.ticketId), url(showPage(show.id, o.ticketId)))),
        map: event.seating?.mapImageUrl && zones.length > 0 ? { image: event.seating.mapImageUrl, zones: zones.map((z) => ({ zoneId: z.zoneId, name: z.name ?? z.zoneId, ticketOptionIds: z.ticketOptionIds ?? [] })) } : null,
        buyUrl: url(showPage(show.id)),
        notifyUrl: url({ ...showPage(show.id), query: { notify: '1' } }),
        details: opts.details,
      });
      answers.push({ eventId: w.eventId, showId, components });
    }
  }
  return answers;
}
