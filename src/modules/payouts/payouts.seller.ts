import type { Executor } from '../../db/tx.js';
import { payoutView, type PayoutView } from './payouts.service.js';
import { sellerPayoutsRepository as repo } from './seller-payouts.repository.js';

/** A payout as its seller's pages show it: the API's view plus the amount in minor units, for formatting. */
export type SellerPayout = PayoutView & { amountMinor: number };

const toSeller = (p: Parameters<typeof payoutView>[0]): SellerPayout => ({ ...payoutView(p), amountMinor: p.amount_minor });

/** The payout of a sold listing (one per listing; none before it sells). */
export async function payoutsOfListing(ex: Executor, tenantId: string, listingId: string): Promise<SellerPayout[]> {
  return (await repo.ofListing(ex, tenantId, listingId)).map(toSeller);
}

/** What the seller is still to be paid (SCHEDULED payouts), soonest release first. */
export async function scheduledPayoutsOfSeller(ex: Executor, tenantId: string, sellerEmail: string, limit = 100): Promise<SellerPayout[]> {
  return (await repo.scheduledOfSeller(ex, tenantId, sellerEmail.trim().toLowerCase(), limit)).map(toSeller);
}
