import type { Executor } from '../../db/tx.js';

/** The listings table as the hosted seller pages read it (listings.seller-pages.ts). */
export const sellerPagesRepository = {
  /** Listing ids are unique across tenants (index listings_id). */
  async tenantOfListing(ex: Executor, listingId: string): Promise<string | undefined> {
    const row = await ex.selectFrom('listings').select('tenant_id').where('id', '=', listingId).executeTakeFirst();
    return row?.tenant_id;
  },

  /** Tickets `sellerEmail` sold through a listing, newest sale first, at most `limit`. */
  async ticketIdsSoldBy(ex: Executor, tenantId: string, sellerEmail: string, limit: number): Promise<string[]> {
    const rows = await ex
      .selectFrom('listing_tickets as lt')
      .innerJoin('listings as l', (j) => j.onRef('l.tenant_id', '=', 'lt.tenant_id').onRef('l.id', '=', 'lt.listing_id'))
      .select('lt.ticket_id')
      .where('l.tenant_id', '=', tenantId)
      .where('l.seller_email', '=', sellerEmail)
      .where('l.status', '=', 'SOLD')
      .groupBy('lt.ticket_id')
      .orderBy((eb) => eb.fn.max('l.updated_at'), 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => r.ticket_id);
  },
};
