import type { Deps } from '../app/deps.js';
import { expireIntentions } from '../modules/orders/index.js';
import { endListingsOfTickets, releaseExpiredHolds } from '../modules/listings/index.js';
import { releaseDuePayouts } from '../modules/payouts/index.js';
import { onTicketsLeaveMarket } from '../modules/tickets/index.js';
import { reconcilePayments } from './payment-settlements.js';

export const MARKETPLACE_SWEEP_JOB = 'marketplace-sweep';

/**
 * The marketplace's background work: refunds (sent by the transactions that decide them) and one
 * sweep a minute that expires holds and intentions and releases payouts whose show is over.
 * Correctness never waits for the sweep (availability checks `hold_expires_at`); it tidies statuses
 * and sends the webhooks that say so.
 */
export async function sweepMarketplace(deps: Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>): Promise<{ payments: number; intentions: number; holds: number; payouts: number }> {
  // Stuck payments first: a reconciled success must claim its listings before their holds are swept.
  const payments = await reconcilePayments(deps);
  const intentions = await expireIntentions(deps);
  const holds = await releaseExpiredHolds(deps);
  const payouts = await releaseDuePayouts(deps);
  return { payments, intentions, holds, payouts };
}

export function registerMarketplaceJobs(deps: Deps): void {
  // Tickets that leave the market (deleted, admitted, given away by PUT) end their listings, in the
  // ticket's transaction. The same function each time: once per process, however many runtimes.
  onTicketsLeaveMarket(endListingsOfTickets);
  deps.queue.register(MARKETPLACE_SWEEP_JOB, async () => {
    await sweepMarketplace(deps);
  }, { retryLimit: 0 });
  deps.queue.schedule(MARKETPLACE_SWEEP_JOB, '* * * * *');
}
