import type { Deps } from '../app/deps.js';
import { withTx } from '../db/tx.js';
import type { Actor } from '../modules/audit/index.js';
import { repriceListingInTx, type ListingView } from '../modules/listings/index.js';
import { getMarketSettings } from '../modules/tenants/index.js';
import { alertWishlists } from './wishlist-alerts.js';

/**
 * PATCH /v1/marketplace/listings/:listingId: a new price, checked against the RESALE rule again and
 * priced with the FEES rule, or without one the tenant's default fees (tenants module), in one
 * transaction.
 */
export async function changeListingPrice(deps: Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>, actor: Actor, listingId: string, price: number): Promise<ListingView> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const { defaultFees } = await getMarketSettings(tx, actor.tenantId);
    const view = await repriceListingInTx(tx, deps, actor, { listingId, price, now, defaultFees });
    // A new price may now be within what a waiting fan will pay.
    await alertWishlists(tx, deps, actor.tenantId, view);
    return view;
  });
}
