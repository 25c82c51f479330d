import type { Deps } from '../app/deps.js';
import { withTx } from '../db/tx.js';
import { negotiateLang, type Lang } from '../lib/urls.js';
import {
  ctaLabel,
  orderDecision,
  sellDecision,
  type OrderCtaType,
  type SellFacts,
  type SellReason,
  type SellStatus,
  type TicketCtaType,
} from '../modules/access-layer/index.js';
import type { Actor } from '../modules/audit/index.js';
import { issueOneTimeTokensInTx } from '../modules/auth-tokens/index.js';
import { getEventsByIds, mostSpecificRule, type EventRecord, type ShowRecord } from '../modules/events/index.js';
import { resaleWindow, sellerListingsOfTickets, type SellerListing } from '../modules/listings/index.js';
import {
  hostedPageUrl,
  listingEditPage,
  listingPage,
  myTicketsPage,
  payoutDetailsPage,
  sellOrderPage,
  sellTicketPage,
  transferPage,
  type HostedPage,
} from '../modules/marketplace-urls/index.js';
import { sellersWithPayoutAccount } from '../modules/payouts/index.js';
import { getMarketSettings } from '../modules/tenants/index.js';
import { findTicketsForSeller, transferSettingsFor, transferWindowOpen, type ResaleTicket } from '../modules/tickets/index.js';

/**
 * Sell mode of the Smart Access Layer (SPEC §6): a fan's tickets, or orders, with what the fan can
 * do with each. The facts are read with a fixed number of queries whatever the number of tickets —
 * the tickets (1), the tenant's settings (1), their events with shows and rules (3), the listings
 * (2), the fan's payout account (1) — and the decision is the pure table of
 * modules/access-layer/sell-status.ts. Every CTA URL carries its own one-time token for the fan
 * (single use), all issued with one insert and one audit row.
 *
 * Ownership is the ticket's buyer e-mail. A ticket the fan neither owns nor sold, or that does not
 * exist, is NOT_OWNER with nothing else: the answer never tells another fan's listing or price.
 */

export interface SellCta {
  type: TicketCtaType | OrderCtaType;
  label: string;
  url: string;
}

export interface SellTicketAnswer {
  ticketId: string;
  status: SellStatus;
  reason?: SellReason;
  availableFrom?: string;
  availableUntil?: string;
  listing?: { listingId: string; price: number; currency: string; status: SellerListing['status'] };
  ctas: SellCta[];
}

export interface SellOrderAnswer {
  orderId: string;
  status: SellStatus;
  reason?: 'NOT_OWNER';
  counts: { sellable: number; forSale: number; sold: number; notSellable: number };
  ctas: SellCta[];
  tickets: SellTicketAnswer[];
}

export type SellRequest = { user: string; lang?: string | undefined } & ({ tickets: readonly { ticketId: string }[] } | { orders: readonly { orderId: string }[] });

type SellDeps = Pick<Deps, 'db' | 'clock' | 'config'>;

/** A CTA before its URL is signed: the page it opens. */
export interface PendingCta {
  type: TicketCtaType | OrderCtaType;
  page: HostedPage;
}

/**
 * One ticket evaluated for one fan, before any URL is signed: sellMode signs the CTAs' URLs for the
 * API, the hosted seller pages link them (the same statuses, reasons and actions on both).
 */
export interface SellEvaluation {
  answer: Omit<SellTicketAnswer, 'ctas'>;
  ctas: PendingCta[];
  relation: 'owner' | 'seller' | 'none';
  /** The ticket, its event and show: only when the fan owns it or sold it (never for `none`). */
  ticket?: ResaleTicket;
  event?: EventRecord;
  show?: ShowRecord;
}

type Evaluated = SellEvaluation;

export interface SellEvaluator {
  /** The asked tickets that exist and every ticket of the asked orders, whoever holds them. */
  tickets: ResaleTicket[];
  /** Whether the fan has given payout details. */
  hasPayoutAccount: boolean;
  evaluate: (ticketId: string) => SellEvaluation;
}

/**
 * Reads the facts of sell mode for the fan's view of these tickets and orders (a fixed number of
 * queries, see above) and answers the evaluator: the one place that says whether a ticket can be
 * sold, and why not.
 */
export async function evaluateSell(
  deps: Pick<Deps, 'db' | 'clock'>,
  tenantId: string,
  fan: string,
  asked: { ticketIds: readonly string[]; orderIds: readonly string[] },
): Promise<SellEvaluator> {
  const now = deps.clock.now();
  const user = fan.trim().toLowerCase();
  const tickets = await findTicketsForSeller(deps.db, tenantId, asked.ticketIds, asked.orderIds);
  const showPks = [...new Set(tickets.map((t) => t.showPk))];
  const [events, listings, withAccount] = await Promise.all([
    getEventsByIds(deps.db, tenantId, [...new Set(tickets.map((t) => t.eventId))]),
    sellerListingsOfTickets(deps.db, tenantId, { ticketIds: tickets.map((t) => t.ticketId), sellerEmail: user, showPks, now }),
    sellersWithPayoutAccount(deps.db, tenantId, [user]),
  ]);
  const eventsById = new Map(events.map((e) => [e.id, e]));
  const byTicketId = new Map(tickets.map((t) => [t.ticketId, t]));

  const evaluate = (ticketId: string): Evaluated => {
    const t = byTicketId.get(ticketId);
    const event = t && eventsById.get(t.eventId);
    const show = event?.shows.find((s) => s.id === t!.showPk);
    const sold = listings.soldBySeller.get(ticketId);
    const open = listings.open.get(ticketId);
    let facts: SellFacts;
    if (!t || !event || !show || t.buyerEmail !== user) {
      facts = sold && t ? { kind: 'sold-by-fan', hasPayoutAccount: withAccount.has(user) } : { kind: 'not-owner' };
    } else {
      const scope = { showId: show.showId, ticketOptionId: t.ticketOptionId, priceTypeId: t.priceTypeId };
      const resale = mostSpecificRule(event.rules, scope, 'RESALE');
      const resaleSettings = resale?.ruleType === 'RESALE' ? resale.settings : undefined;
      const cap = resaleSettings?.maxListedTicketsPerSeller;
      facts = {
        kind: 'owner',
        ticket: t.status,
        eventCancelled: event.status === 'CANCELLED' || show.status === 'CANCELLED',
        hasOpenListing: open !== undefined,
        // The listings module's window is the table's (its refusals carry a message the table ignores).
        window: resaleWindow(resaleSettings, show.startsAt, now),
        listingLimitReached: cap !== undefined && (listings.listedPerShow.get(show.id) ?? 0) >= cap,
        transferOpen: transferWindowOpen(transferSettingsFor(event.rules, scope), show.startsAt, now),
      };
    }
    const d = sellDecision(facts);
    const listing = facts.kind === 'sold-by-fan' ? sold : facts.kind === 'owner' ? open : undefined;
    const answer: Evaluated['answer'] = { ticketId, status: d.status };
    if (d.reason) answer.reason = d.reason;
    if (d.availableFrom) answer.availableFrom = d.availableFrom.toISOString();
    if (d.availableUntil) answer.availableUntil = d.availableUntil.toISOString();
    if (d.showListing && listing) answer.listing = { listingId: listing.listingId, price: listing.price, currency: listing.currency, status: listing.status };
    const ctas = d.ctas.map((type): PendingCta => {
      switch (type) {
        case 'SELL':
          return { type, page: sellTicketPage(t!.showPk, ticketId) };
        case 'P2P':
          return { type, page: transferPage(t!.showPk, ticketId) };
        case 'EDIT':
          return { type, page: listingEditPage(listing!.listingId) };
        case 'DETAILS':
          return { type, page: listingPage(listing!.listingId) };
        case 'PENDING_PAYOUT_INFO':
          return { type, page: payoutDetailsPage(tenantId) };
      }
    });
    const relation = facts.kind === 'owner' ? 'owner' : facts.kind === 'sold-by-fan' ? 'seller' : 'none';
    return relation === 'none' ? { answer, ctas, relation } : { answer, ctas, relation, ticket: t!, ...(event ? { event } : {}), ...(show ? { show } : {}) };
  };
  return { tickets, hasPayoutAccount: withAccount.has(user), evaluate };
}

export async function sellMode(deps: SellDeps, actor: Actor, input: SellRequest): Promise<{ tickets: SellTicketAnswer[] } | { orders: SellOrderAnswer[] }> {
  const user = input.user.trim().toLowerCase();
  const askedTickets = 'tickets' in input ? input.tickets.map((t) => t.ticketId) : [];
  const askedOrders = 'orders' in input ? input.orders.map((o) => o.orderId) : [];
  const tenantId = actor.tenantId;

  const [{ tickets, evaluate }, settings] = await Promise.all([
    evaluateSell(deps, tenantId, user, { ticketIds: askedTickets, orderIds: askedOrders }),
    getMarketSettings(deps.db, tenantId),
  ]);
  const lang: Lang = negotiateLang(input.lang, settings.defaultLanguage);

  // Evaluate everything first, then sign every URL with one batch of tokens.
  const ticketResults = askedTickets.map(evaluate);
  const orderResults = askedOrders.map((orderId) => {
    const mine = tickets.filter((t) => t.orderId === orderId).map((t) => evaluate(t.ticketId)).filter((e) => e.relation !== 'none');
    const d = orderDecision(mine.map((e) => ({ status: e.answer.status, ctas: e.ctas.map((c) => c.type as TicketCtaType) })));
    const ctas = d.ctas.map((type): PendingCta => {
      switch (type) {
        case 'SELL':
          return { type, page: sellOrderPage(tenantId, orderId) };
        case 'MANAGE':
          return { type, page: myTicketsPage(tenantId, orderId) };
        case 'PENDING_PAYOUT_INFO':
          return { type, page: payoutDetailsPage(tenantId) };
      }
    });
    return { orderId, decision: d, ctas, tickets: mine, none: mine.length === 0 };
  });

  const pending = [...ticketResults.flatMap((r) => r.ctas), ...orderResults.flatMap((o) => [...o.ctas, ...o.tickets.flatMap((t) => t.ctas)])];
  const tokens = pending.length === 0 ? [] : await withTx(deps.db, (tx) => issueOneTimeTokensInTx(tx, deps, actor, { user, method: 'email' }, pending.length));
  let next = 0;
  const sign = (ctas: PendingCta[]): SellCta[] =>
    ctas.map((c) => ({ type: c.type, label: ctaLabel(c.type, lang), url: hostedPageUrl(deps.config.publicUrl, c.page, { lang, oneTimeToken: tokens[next++] }) }));
  const ticketAnswer = (e: Evaluated): SellTicketAnswer => ({ ...e.answer, ctas: sign(e.ctas) });

  if ('tickets' in input) return { tickets: ticketResults.map(ticketAnswer) };
  return {
    orders: orderResults.map((o) => ({
      orderId: o.orderId,
      status: o.decision.status,
      ...(o.none ? { reason: 'NOT_OWNER' as const } : {}),
      counts: o.decision.counts,
      ctas: sign(o.ctas),
      tickets: o.tickets.map(ticketAnswer),
    })),
  };
}
