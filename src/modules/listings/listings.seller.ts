import type { Executor } from '../../db/tx.js';
import { toMajor } from '../../lib/money.js';
import { listingsRepository as repo } from './listings.repository.js';
import { effectiveStatus } from './listings.states.js';
import type { ListingStatus } from './listings.tables.js';

/** A listing as a seller's view of one of its tickets shows it: price per ticket, before fees. */
export interface SellerListing {
  listingId: string;
  price: number;
  currency: string;
  status: ListingStatus;
  sellerEmail: string;
}

export interface SellerListingsOfTickets {
  /** Each ticket's open listing (ACTIVE or RESERVED), whoever listed it. */
  open: Map<string, SellerListing>;
  /** Each ticket's newest SOLD listing by the seller asked about. */
  soldBySeller: Map<string, SellerListing>;
  /** Tickets the seller has on sale, per show (Encore show id). */
  listedPerShow: Map<string, number>;
}

/**
 * What the listings module knows of a seller's tickets, in two reads whatever their number (the
 * Smart Access Layer's sell mode and the listing limit): open listings, what the seller sold, and
 * how many tickets the seller has on sale per show.
 */
export async function sellerListingsOfTickets(
  ex: Executor,
  tenantId: string,
  input: { ticketIds: readonly string[]; sellerEmail: string; showPks: readonly string[]; now: Date },
): Promise<SellerListingsOfTickets> {
  const [rows, listed] = await Promise.all([
    repo.sellerListingsOfTickets(ex, tenantId, input.ticketIds, input.sellerEmail),
    repo.listedTicketsOfSeller(ex, tenantId, input.sellerEmail, input.showPks),
  ]);
  const open = new Map<string, SellerListing>();
  const soldBySeller = new Map<string, SellerListing>();
  for (const r of rows) {
    const view: SellerListing = {
      listingId: r.id,
      price: toMajor(Number(r.price_minor), r.currency),
      currency: r.currency,
      status: effectiveStatus(r.status, r.hold_expires_at, input.now),
      sellerEmail: r.seller_email,
    };
    if (r.open && (r.status === 'ACTIVE' || r.status === 'RESERVED')) {
      if (!open.has(r.ticket_id)) open.set(r.ticket_id, view);
    } else if (r.status === 'SOLD' && r.seller_email === input.sellerEmail && !soldBySeller.has(r.ticket_id)) {
      soldBySeller.set(r.ticket_id, view);
    }
  }
  return { open, soldBySeller, listedPerShow: new Map(listed.map((l) => [l.show_pk, Number(l.tickets)])) };
}
