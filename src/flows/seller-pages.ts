import type { Deps } from '../app/deps.js';
import type { Executor } from '../db/tx.js';
import type { Actor } from '../modules/audit/index.js';
import { faceValueMinor, mostSpecificRule, type EventRecord, type ResaleSettings, type ShowRecord } from '../modules/events/index.js';
import { listingDepth, previewListingPrice, resalePriceBounds, type PriceBounds, type PricePreview, type PricePreviewInput } from '../modules/listings/index.js';
import { getMarketSettings } from '../modules/tenants/index.js';
import type { ResaleTicket } from '../modules/tickets/index.js';

/**
 * What the hosted seller pages (SPEC §4.1 items 3–7: sell a ticket, sell an order, listing details,
 * my tickets, payout details) share: who acts, how a ticket is described, the RESALE rule's bounds,
 * the market beside the price field, and the price preview. Every page is for one signed-in fan of
 * one tenant and shows only what that fan holds or sold; anything else reads as unknown.
 */

export type SellerDeps = Pick<Deps, 'db' | 'clock' | 'queue' | 'config' | 'secrets'>;

/** The signed-in fan (the page's session), always of the page's tenant. */
export interface SellerFan {
  tenantId: string;
  /** Lower-cased: the owner identity of tickets and the seller identity of listings. */
  email: string;
}

/** Who the audit log says acted: the fan on a hosted page (the fan's email is in the rows themselves). */
export const sellerActor = (tenantId: string): Actor => ({ tenantId, label: 'web:seller' });

/** A ticket as a seller page describes it. Dates are shown in `timeZone`, the event's. */
export interface TicketSummary {
  ticketId: string;
  showPk: string;
  eventTitle: string;
  showTitle: string | null;
  startsAt: Date;
  timeZone: string;
  ticketOptionId: string;
  optionTitle: string;
  priceTypeId: string | null;
  priceTypeTitle: string | null;
  seat: ResaleTicket['seat'];
  /** What the fan paid (the ticket's price), else the show's price for its option and price type. */
  faceValueMinor: number | null;
  currency: string;
  orderId: string | null;
}

export function ticketSummary(event: EventRecord, show: ShowRecord, t: ResaleTicket): TicketSummary {
  return {
    ticketId: t.ticketId,
    showPk: show.id,
    eventTitle: event.title,
    showTitle: show.title,
    startsAt: show.startsAt,
    timeZone: event.timeZone ?? 'UTC',
    ticketOptionId: t.ticketOptionId,
    optionTitle: show.ticketOptions.find((o) => o.ticketId === t.ticketOptionId)?.title ?? t.ticketOptionId,
    priceTypeId: t.priceTypeId,
    priceTypeTitle: t.priceTypeId === null ? null : (show.priceTypes.find((p) => p.priceTypeId === t.priceTypeId)?.title ?? t.priceTypeId),
    seat: t.seat,
    faceValueMinor: t.priceMinor ?? faceValueMinor(show, t.ticketOptionId, t.priceTypeId) ?? null,
    currency: event.currency,
    orderId: t.orderId,
  };
}

/** The RESALE rule that governs a ticket (the most specific for its show, option and price type). */
export function resaleSettingsOf(event: EventRecord, show: ShowRecord, scope: { ticketOptionId: string; priceTypeId: string | null }): ResaleSettings | undefined {
  const rule = mostSpecificRule(event.rules, { showId: show.showId, ticketOptionId: scope.ticketOptionId, priceTypeId: scope.priceTypeId }, 'RESALE');
  return rule?.ruleType === 'RESALE' ? rule.settings : undefined;
}

/** The price range the rule allows for these tickets (what checkResaleRule enforces). */
export function boundsOf(event: EventRecord, show: ShowRecord, t: Pick<ResaleTicket, 'ticketOptionId' | 'priceTypeId'>, faceValuesMinor: readonly (number | null)[]): PriceBounds {
  return resalePriceBounds(resaleSettingsOf(event, show, t), faceValuesMinor);
}

/**
 * The price a seller is offered first: the face value, brought inside the rule's bounds; null when
 * there is nothing to go by (no face value and no bounds).
 */
export function suggestedPriceMinor(faceMinor: number | null, bounds: PriceBounds): number | null {
  let p = faceMinor ?? bounds.minMinor ?? bounds.maxMinor ?? null;
  if (p === null) return null;
  if (bounds.maxMinor !== undefined && p > bounds.maxMinor) p = bounds.maxMinor;
  if (bounds.minMinor !== undefined && p < bounds.minMinor) p = bounds.minMinor;
  return p;
}

/** What other sellers ask now for one ticket option (per ticket, before fees; minor units). */
export interface OptionAsks {
  listings: number;
  lowestMinor: number | null;
  /** The median ask. */
  typicalMinor: number | null;
}

const NO_ASKS: OptionAsks = { listings: 0, lowestMinor: null, typicalMinor: null };

/**
 * The asks of these shows per (show, option), from the market-depth read (one grouped query): what a
 * seller compares a price with. Listings held past their hold count, as they do for buyers.
 */
export async function asksOf(ex: Executor, tenantId: string, showPks: readonly string[], now: Date): Promise<(showPk: string, ticketOptionId: string) => OptionAsks> {
  const rows = await listingDepth(ex, tenantId, [...new Set(showPks)], now);
  return (showPk, ticketOptionId) => {
    const r = rows.find((x) => x.show_pk === showPk && x.ticket_option_id === ticketOptionId);
    if (!r || r.listings === 0) return NO_ASKS;
    const n = (v: number | string | null) => (v === null ? null : Math.round(Number(v)));
    return { listings: r.listings, lowestMinor: n(r.min_ask), typicalMinor: n(r.median_ask) };
  };
}

/** The preview of a price, the numbers of the listing that price would create (or the refusal). */
export async function previewPrice(deps: Pick<Deps, 'db' | 'clock'>, tenantId: string, input: Omit<PricePreviewInput, 'now' | 'defaultFees'>): Promise<PricePreview> {
  const { defaultFees } = await getMarketSettings(deps.db, tenantId);
  return previewListingPrice(deps.db, tenantId, { ...input, now: deps.clock.now(), defaultFees });
}
