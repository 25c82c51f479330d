import { toMajor } from '../../lib/money.js';
import type { ListingRow, ListingTicketRow } from './listings.repository.js';
import type { ListedTicketView, ListingView } from './listings.schemas.js';
import { effectiveStatus } from './listings.states.js';
import { totalsFor } from './listings.money.js';

type Seat = ListingView['seats'][number];

export function seatOf(t: ListingTicketRow): Seat {
  const s = (t.seat ?? {}) as Record<string, unknown>;
  const out: Seat = { ticketId: t.ticket_id };
  for (const k of ['row', 'seat', 'section', 'door'] as const) if (typeof s[k] === 'string') out[k] = s[k];
  return out;
}

export function listingView(l: ListingRow, tickets: readonly ListingTicketRow[], now: Date): ListingView {
  const m = (minor: number) => toMajor(minor, l.currency);
  const status = effectiveStatus(l.status, l.hold_expires_at, now);
  const totals = totalsFor({ priceMinor: l.price_minor, buyerFeeMinor: l.buyer_fee_minor, sellerFeeMinor: l.seller_fee_minor }, l.quantity);
  return {
    listingId: l.id,
    type: l.type,
    status,
    quantity: l.quantity,
    ticketIds: tickets.map((t) => t.ticket_id),
    price: m(l.price_minor),
    fees: { buyer: m(l.buyer_fee_minor), seller: m(l.seller_fee_minor) },
    total: m(l.price_minor + l.buyer_fee_minor),
    currency: l.currency,
    amounts: { subtotal: m(totals.subtotalMinor), buyerFees: m(totals.buyerFeeMinor), total: m(totals.totalMinor), sellerFees: m(totals.sellerFeeMinor), payout: m(totals.payoutMinor) },
    seller: { email: l.seller_email },
    externalReferenceEventId: l.external_event_id,
    showId: l.external_show_id,
    ticketOptionId: l.ticket_option_id,
    priceTypeId: l.price_type_id,
    seats: tickets.map(seatOf),
    orderId: l.order_id,
    reservedUntil: status === 'RESERVED' && l.hold_expires_at ? l.hold_expires_at.toISOString() : null,
    endedReason: l.end_reason,
    createdAt: l.created_at.toISOString(),
    updatedAt: l.updated_at.toISOString(),
  };
}

export function listedTicketView(l: ListingRow, tickets: readonly ListingTicketRow[], titles: { option: string | null; priceType: string | null }): ListedTicketView {
  const m = (minor: number) => toMajor(minor, l.currency);
  return {
    listingId: l.id,
    type: l.type,
    quantity: l.quantity,
    ticketIds: tickets.map((t) => t.ticket_id),
    price: m(l.price_minor),
    fees: m(l.buyer_fee_minor),
    total: m(l.price_minor + l.buyer_fee_minor),
    currency: l.currency,
    showId: l.external_show_id,
    ticketOption: { ticketOptionId: l.ticket_option_id, title: titles.option },
    priceType: l.price_type_id === null ? null : { priceTypeId: l.price_type_id, title: titles.priceType },
    seats: tickets.map(seatOf),
  };
}

export function groupTickets(rows: readonly ListingTicketRow[]): Map<string, ListingTicketRow[]> {
  const out = new Map<string, ListingTicketRow[]>();
  for (const r of rows) {
    const list = out.get(r.listing_id);
    if (list) list.push(r);
    else out.set(r.listing_id, [r]);
  }
  return out;
}
