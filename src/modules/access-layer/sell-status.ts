import type { Lang } from '../../lib/urls.js';

/**
 * The Smart Access Layer's sell mode (SPEC §6) as three pure decision tables: a ticket's status for
 * one fan, its call-to-actions, and an order's aggregate. The flow (flows/access-layer-sell.ts)
 * reads the facts; these functions decide, so the API and the hosted "my tickets" page show the
 * same thing.
 *
 * Ticket status, first matching row wins:
 *
 * | # | facts                                              | status       | reason            | dates                      |
 * |---|----------------------------------------------------|--------------|-------------------|----------------------------|
 * | 1 | fan does not own it and did not sell it (or unknown)| NOT_SELLABLE | NOT_OWNER         |                            |
 * | 2 | fan does not own it, sold it                        | SOLD         |                   |                            |
 * | 3 | event or show cancelled                             | NOT_SELLABLE | EVENT_CANCELLED   |                            |
 * | 4 | ticket CANCELLED, DELETED or INVALID                | NOT_SELLABLE | TICKET_CANCELLED  |                            |
 * | 5 | ticket USED (admitted)                              | NOT_SELLABLE | TICKET_USED       |                            |
 * | 6 | ticket LISTED with its open listing                 | FOR_SALE     |                   |                            |
 * | 7 | ticket RESERVED (purchase intent unpaid), or LISTED without an open listing | NOT_SELLABLE | TICKET_LOCKED |  |
 * | 8 | RESALE rule disabled                                | NOT_SELLABLE | RESALE_DISABLED   |                            |
 * | 9 | resale window not open yet                          | NOT_SELLABLE | WINDOW_NOT_OPEN   | availableFrom              |
 * |10 | resale window closed                                | NOT_SELLABLE | WINDOW_CLOSED     | availableUntil (closed at) |
 * |11 | fan's tickets of the show on sale ≥ the rule's cap  | NOT_SELLABLE | LISTING_LIMIT     |                            |
 * |12 | otherwise                                           | SELLABLE     |                   | availableUntil             |
 *
 * CTAs: SELLABLE → SELL (+ P2P); FOR_SALE → EDIT, DETAILS; SOLD → DETAILS (+ PENDING_PAYOUT_INFO while
 * the fan has no payout details); NOT_SELLABLE → P2P when the fan owns a VALID ticket and the
 * TRANSFER rule allows it (rows 8–11), else none. P2P never appears for rows 1–7.
 *
 * Order: SELLABLE if any ticket is, else FOR_SALE if any is, else SOLD if all are, else
 * NOT_SELLABLE. CTAs: SELL when any is SELLABLE; MANAGE when any is FOR_SALE or SOLD;
 * PENDING_PAYOUT_INFO when any SOLD ticket waits for payout details.
 */

export type SellStatus = 'SELLABLE' | 'NOT_SELLABLE' | 'FOR_SALE' | 'SOLD';
export type SellReason =
  | 'RESALE_DISABLED'
  | 'WINDOW_NOT_OPEN'
  | 'WINDOW_CLOSED'
  | 'TICKET_USED'
  | 'TICKET_CANCELLED'
  | 'EVENT_CANCELLED'
  | 'NOT_OWNER'
  | 'TICKET_LOCKED'
  | 'LISTING_LIMIT';
export type TicketCtaType = 'SELL' | 'P2P' | 'EDIT' | 'DETAILS' | 'PENDING_PAYOUT_INFO';
export type OrderCtaType = 'SELL' | 'MANAGE' | 'PENDING_PAYOUT_INFO';

export type TicketState = 'VALID' | 'LISTED' | 'RESERVED' | 'USED' | 'CANCELLED' | 'DELETED' | 'INVALID';

/** The resale window as the flow computed it from the RESALE rule (listings' resaleWindow). */
export type SellWindow =
  | { open: true; availableUntil: Date }
  | { open: false; reason: 'RESALE_DISABLED' }
  | { open: false; reason: 'WINDOW_NOT_OPEN'; availableFrom: Date }
  | { open: false; reason: 'WINDOW_CLOSED'; closedAt: Date };

/** Everything the table reads of one ticket, for one fan. */
export type SellFacts =
  | { kind: 'not-owner' }
  | { kind: 'sold-by-fan'; hasPayoutAccount: boolean }
  | {
      kind: 'owner';
      ticket: TicketState;
      eventCancelled: boolean;
      hasOpenListing: boolean;
      window: SellWindow;
      /** The fan's tickets of the show on sale reached the RESALE rule's `maxListedTicketsPerSeller`. */
      listingLimitReached: boolean;
      /** The TRANSFER rule allows giving this ticket away now. */
      transferOpen: boolean;
    };

export interface SellDecision {
  status: SellStatus;
  reason?: SellReason;
  availableFrom?: Date;
  availableUntil?: Date;
  /** Whether the answer carries the ticket's listing (FOR_SALE: the open one; SOLD: the fan's sale). */
  showListing: boolean;
  ctas: TicketCtaType[];
}

const notSellable = (reason: SellReason, p2p = false, dates: Pick<SellDecision, 'availableFrom' | 'availableUntil'> = {}): SellDecision => ({
  status: 'NOT_SELLABLE',
  reason,
  ...dates,
  showListing: false,
  ctas: p2p ? ['P2P'] : [],
});

export function sellDecision(f: SellFacts): SellDecision {
  if (f.kind === 'not-owner') return notSellable('NOT_OWNER');
  if (f.kind === 'sold-by-fan') return { status: 'SOLD', showListing: true, ctas: f.hasPayoutAccount ? ['DETAILS'] : ['DETAILS', 'PENDING_PAYOUT_INFO'] };
  if (f.eventCancelled) return notSellable('EVENT_CANCELLED');
  switch (f.ticket) {
    case 'CANCELLED':
    case 'DELETED':
    case 'INVALID':
      return notSellable('TICKET_CANCELLED');
    case 'USED':
      return notSellable('TICKET_USED');
    case 'LISTED':
      return f.hasOpenListing ? { status: 'FOR_SALE', showListing: true, ctas: ['EDIT', 'DETAILS'] } : notSellable('TICKET_LOCKED');
    case 'RESERVED':
      return notSellable('TICKET_LOCKED');
    case 'VALID':
      break;
  }
  const p2p = f.transferOpen;
  const w = f.window;
  if (!w.open) {
    if (w.reason === 'WINDOW_NOT_OPEN') return notSellable(w.reason, p2p, { availableFrom: w.availableFrom });
    if (w.reason === 'WINDOW_CLOSED') return notSellable(w.reason, p2p, { availableUntil: w.closedAt });
    return notSellable(w.reason, p2p);
  }
  if (f.listingLimitReached) return notSellable('LISTING_LIMIT', p2p);
  return { status: 'SELLABLE', availableUntil: w.availableUntil, showListing: false, ctas: p2p ? ['SELL', 'P2P'] : ['SELL'] };
}

export interface OrderDecision {
  status: SellStatus;
  counts: { sellable: number; forSale: number; sold: number; notSellable: number };
  ctas: OrderCtaType[];
}

export function orderDecision(tickets: readonly Pick<SellDecision, 'status' | 'ctas'>[]): OrderDecision {
  const counts = { sellable: 0, forSale: 0, sold: 0, notSellable: 0 };
  for (const t of tickets) {
    if (t.status === 'SELLABLE') counts.sellable++;
    else if (t.status === 'FOR_SALE') counts.forSale++;
    else if (t.status === 'SOLD') counts.sold++;
    else counts.notSellable++;
  }
  const status: SellStatus =
    counts.sellable > 0 ? 'SELLABLE' : counts.forSale > 0 ? 'FOR_SALE' : tickets.length > 0 && counts.sold === tickets.length ? 'SOLD' : 'NOT_SELLABLE';
  const ctas: OrderCtaType[] = [];
  if (counts.sellable > 0) ctas.push('SELL');
  if (counts.forSale + counts.sold > 0) ctas.push('MANAGE');
  if (tickets.some((t) => t.ctas.includes('PENDING_PAYOUT_INFO'))) ctas.push('PENDING_PAYOUT_INFO');
  return { status, counts, ctas };
}

const LABELS: Record<Lang, Record<TicketCtaType | OrderCtaType, string>> = {
  es: { SELL: 'Vender', P2P: 'Transferir', EDIT: 'Editar precio', DETAILS: 'Ver detalles', PENDING_PAYOUT_INFO: 'Añade tus datos de cobro', MANAGE: 'Gestionar venta' },
  en: { SELL: 'Sell', P2P: 'Transfer', EDIT: 'Edit price', DETAILS: 'View details', PENDING_PAYOUT_INFO: 'Add your payout details', MANAGE: 'Manage sale' },
};

export function ctaLabel(type: TicketCtaType | OrderCtaType, lang: Lang): string {
  return LABELS[lang][type];
}
