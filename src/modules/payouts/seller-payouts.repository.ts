import type { Executor } from '../../db/tx.js';
import type { PayoutRow } from './payouts.repository.js';

/** The payouts table as a seller's pages read it (payouts.seller.ts). */
export const sellerPayoutsRepository = {
  async ofListing(ex: Executor, tenantId: string, listingId: string): Promise<PayoutRow[]> {
    return ex.selectFrom('payouts').selectAll().where('tenant_id', '=', tenantId).where('listing_id', '=', listingId).orderBy('id').execute();
  },

  /** The seller's payouts still to come (SCHEDULED), soonest first, at most `limit`. */
  async scheduledOfSeller(ex: Executor, tenantId: string, sellerEmail: string, limit: number): Promise<PayoutRow[]> {
    return ex
      .selectFrom('payouts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('seller_email', '=', sellerEmail)
      .where('status', '=', 'SCHEDULED')
      .orderBy('release_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  },
};
