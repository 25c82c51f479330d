import type { Deps } from '../app/deps.js';
import { AppError } from '../lib/app-error.js';
import type { Lang } from '../lib/urls.js';
import type { Actor } from '../modules/audit/index.js';
import { findShow, mostSpecificRule, tenantOfShow, type EventRecord, type ShowRecord } from '../modules/events/index.js';
import { buyerListings, findListingForTicket, resaleWindow, showListingsOnSale, type BuyerListing } from '../modules/listings/index.js';
import { upsertLead } from '../modules/market-data/index.js';
import { consume } from '../modules/rate-limits/index.js';
import { hostedPageUrl, ticketSalePage } from '../modules/marketplace-urls/index.js';
import { createCheckoutUrl, type BuyingDeps } from './buy-intention.js';

/**
 * The hosted buy page (SPEC §4.1 item 1): a show's resale market as a fan sees it, the "Buy" button
 * (the same reservation as POST /v1/marketplace/checkout/url, flows/buy-intention.ts) and the
 * "Notify me" form (the same WISHLIST lead as POST /v1/marketdata/users). Whether resale is open is
 * the RESALE rule read by the listings module's `resaleWindow`, as for listing and for the Smart
 * Access Layer, plus the event's and the show's cancellation.
 */

export type BuyPageDeps = Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>;

const pageActor = (tenantId: string): Actor => ({ tenantId, label: 'page:buy' });
const HOUR_MS = 60 * 60 * 1000;

/** Why a fan cannot buy on this show's page now, and the date that goes with it. */
export type ResaleClosed =
  | { reason: 'EVENT_CANCELLED' }
  | { reason: 'SHOW_CANCELLED' }
  | { reason: 'SHOW_STARTED'; at: Date }
  | { reason: 'RESALE_DISABLED' }
  | { reason: 'WINDOW_NOT_OPEN'; at: Date }
  | { reason: 'WINDOW_CLOSED'; at: Date };

export type ResaleStatus = { open: true; until: Date } | { open: false; closed: ResaleClosed };

/** The show's resale status: cancellations first, then the RESALE rule of the show (the Smart Access Layer's scope). */
export function resaleStatus(event: EventRecord, show: ShowRecord, now: Date): ResaleStatus {
  if (event.status === 'CANCELLED') return { open: false, closed: { reason: 'EVENT_CANCELLED' } };
  if (show.status === 'CANCELLED') return { open: false, closed: { reason: 'SHOW_CANCELLED' } };
  const rule = mostSpecificRule(event.rules, { showId: show.showId }, 'RESALE');
  const window = resaleWindow(rule?.ruleType === 'RESALE' ? rule.settings : undefined, show.startsAt, now);
  if (window.open) return { open: true, until: window.availableUntil };
  switch (window.reason) {
    case 'RESALE_DISABLED':
      return { open: false, closed: { reason: 'RESALE_DISABLED' } };
    case 'WINDOW_NOT_OPEN':
      return { open: false, closed: { reason: 'WINDOW_NOT_OPEN', at: window.availableFrom } };
    case 'WINDOW_CLOSED':
      return now.getTime() >= show.startsAt.getTime()
        ? { open: false, closed: { reason: 'SHOW_STARTED', at: show.startsAt } }
        : { open: false, closed: { reason: 'WINDOW_CLOSED', at: window.closedAt } };
  }
}

/** One ticket option of the show with what is on sale in it (cheapest first). */
export interface OptionMarket {
  ticketOptionId: string;
  title: string;
  faceValueMinor: number;
  zone: { zoneId: string; name: string } | null;
  listings: BuyerListing[];
}

export interface BuyPageData {
  tenantId: string;
  event: EventRecord;
  show: ShowRecord;
  /** The event's time zone (UTC when it has none): every date on the page is in it. */
  timeZone: string;
  venue: string | null;
  resale: ResaleStatus;
  /** Every ticket option of the show, those with listings first by their cheapest. */
  options: OptionMarket[];
  /** The option the page is filtered to (a known one), or null. */
  filter: string | null;
  /** The sale public URL's ticket: its listing when on sale now, else null ("no longer on sale"). */
  sale: { ticketId: string; listing: BuyerListing | null; url: string } | null;
  /** The seating map, when the event has one. */
  map: { image: string; zones: { zoneId: string; name: string; ticketOptionIds: string[] }[] } | null;
}

/** The tenant a show's page belongs to; NOT_FOUND for an unknown show (the same page as any unknown URL). */
export async function tenantOfShowPage(deps: Pick<Deps, 'db'>, showPk: string): Promise<string> {
  const tenantId = await tenantOfShow(deps.db, showPk);
  if (tenantId === undefined) throw new AppError('NOT_FOUND', `show ${showPk} does not exist`);
  return tenantId;
}

async function showOf(deps: Pick<Deps, 'db'>, tenantId: string, showPk: string): Promise<{ event: EventRecord; show: ShowRecord }> {
  const found = await findShow(deps.db, tenantId, { id: showPk });
  if (!found) throw new AppError('NOT_FOUND', `show ${showPk} does not exist`);
  return found;
}

/**
 * Everything the buy page shows, in a fixed number of reads: the event with its shows and rules,
 * the show's listings on sale with their tickets, and for a sale URL the ticket's listing.
 */
export async function loadBuyPage(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  tenantId: string,
  showPk: string,
  q: { ticketOptionId?: string | undefined; ticketId?: string | undefined; lang: Lang },
): Promise<BuyPageData> {
  const now = deps.clock.now();
  const { event, show } = await showOf(deps, tenantId, showPk);
  const resale = resaleStatus(event, show, now);
  // A closed market shows no listings: nobody can buy them, whatever their rows say.
  const onSale = resale.open ? await showListingsOnSale(deps.db, tenantId, show.id, now) : [];
  const zones = event.seating?.zones ?? [];
  const zoneOf = (zoneId: string | null) => {
    const z = zoneId === null ? undefined : zones.find((x) => x.zoneId === zoneId);
    return z ? { zoneId: z.zoneId, name: z.name ?? z.zoneId } : null;
  };
  const options: OptionMarket[] = show.ticketOptions.map((o) => ({
    ticketOptionId: o.ticketId,
    title: o.title,
    faceValueMinor: o.priceMinor,
    zone: zoneOf(o.zoneId),
    listings: onSale.filter((l) => l.ticketOptionId === o.ticketId),
  }));
  const cheapest = (o: OptionMarket) => o.listings[0]?.totalMinor ?? Number.MAX_SAFE_INTEGER;
  options.sort((a, b) => cheapest(a) - cheapest(b));
  const filter = q.ticketOptionId !== undefined && options.some((o) => o.ticketOptionId === q.ticketOptionId) ? q.ticketOptionId : null;

  let sale: BuyPageData['sale'] = null;
  if (q.ticketId !== undefined && q.ticketId !== '' && !q.ticketId.includes('\u0000')) {
    const url = hostedPageUrl(deps.config.publicUrl, ticketSalePage(show.id, q.ticketId), { lang: q.lang });
    const ref = await findListingForTicket(deps.db, tenantId, q.ticketId);
    const [listing] = ref && resale.open ? await buyerListings(deps.db, tenantId, [ref.listingId], now) : [];
    const onSaleHere = listing !== undefined && listing.status === 'ACTIVE' && listing.showPk === show.id;
    sale = { ticketId: q.ticketId, listing: onSaleHere ? listing : null, url };
  }
  const map = event.seating?.mapImageUrl
    ? { image: event.seating.mapImageUrl, zones: zones.map((z) => ({ zoneId: z.zoneId, name: z.name ?? z.zoneId, ticketOptionIds: z.ticketOptionIds ?? [] })) }
    : null;
  return { tenantId, event, show, timeZone: event.timeZone ?? 'UTC', venue: event.venueName, resale, options, filter, sale, map };
}

export type BuyOutcome = { kind: 'reserved'; checkoutUrl: string } | { kind: 'taken' } | { kind: 'closed' };

/**
 * The page's "Buy": the listing is held through the checkout URL's own reservation (one mechanism,
 * the same hold, intention and checkout page as the API) and the fan is sent to its checkout. An
 * offer of identical listings tries them in order, so a fan who clicked a row that was just taken
 * gets its twin; when none is left (or none is of this show) it is `taken`. A closed market is
 * `closed` (the page then says why).
 */
export async function buyFromPage(deps: BuyingDeps, tenantId: string, showPk: string, listingIds: readonly string[], lang: Lang): Promise<BuyOutcome> {
  const now = deps.clock.now();
  const { event, show } = await showOf(deps, tenantId, showPk);
  if (!resaleStatus(event, show, now).open) return { kind: 'closed' };
  const ofShow = (await buyerListings(deps.db, tenantId, [...new Set(listingIds)], now)).filter((l) => l.showPk === show.id);
  // Free ones first: a held twin is tried (and its refusal recorded, ADR 0017) only when no free one is left.
  ofShow.sort((x, y) => Number(x.status !== 'ACTIVE') - Number(y.status !== 'ACTIVE'));
  for (const listing of ofShow) {
    try {
      return { kind: 'reserved', checkoutUrl: await createCheckoutUrl(deps, pageActor(tenantId), { listingIds: [listing.listingId], lang }) };
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'LISTING_UNAVAILABLE')) throw err;
    }
  }
  return { kind: 'taken' };
}

/**
 * The page's "Notify me": a WISHLIST lead of the show (of the option the page is filtered to, if
 * any) through the leads service, upserted on the fan's email exactly as the API does (a second
 * request of the same fan updates the first lead). A lead may be mailed later (wishlist alerts), so
 * one address may send only `perHour` of them to one organiser an hour.
 */
export async function notifyFromPage(
  deps: Pick<Deps, 'db' | 'clock'>,
  tenantId: string,
  showPk: string,
  input: { email: string; ticketOptionId?: string | undefined; ip: string; perHour: number },
): Promise<{ ok: true; status: 'created' | 'updated' } | { ok: false; retryAfterSeconds: number }> {
  const { event, show } = await showOf(deps, tenantId, showPk);
  const rate = await consume(deps, tenantId, `notify-me:ip:${input.ip}`, input.perHour, HOUR_MS);
  if (!rate.allowed) return { ok: false, retryAfterSeconds: rate.resetSeconds };
  const option = input.ticketOptionId !== undefined && show.ticketOptions.some((o) => o.ticketId === input.ticketOptionId) ? input.ticketOptionId : undefined;
  const { status } = await upsertLead(deps, pageActor(tenantId), {
    type: 'WISHLIST',
    externalReferenceEventId: event.externalReferenceId,
    showId: show.showId,
    buyer: { email: input.email },
    ...(option !== undefined ? { ticketOptionId: option } : {}),
  });
  return { ok: true, status };
}
