import { endListingsOfTickets } from '../modules/listings/index.js';
import { onTicketsLeaveMarket } from '../modules/tickets/index.js';
import { BUY_INTENTIONS_EXPIRE, LISTING_HOLDS_RELEASE, MINUTE_SWEEPS, PAYMENTS_RECONCILE, PAYOUTS_RELEASE, runSweeps, type Sweep, type SweepDeps } from './sweeps.js';

const MARKETPLACE_SWEEPS = new Set<Sweep>([PAYMENTS_RECONCILE, BUY_INTENTIONS_EXPIRE, LISTING_HOLDS_RELEASE, PAYOUTS_RELEASE]);

/**
 * The resale marketplace's part of the minute sweeps (flows/sweeps.ts), run on its own in the same
 * order: stuck payments, then intentions, holds and payouts. Returns how many of each it handled.
 */
export async function sweepMarketplace(deps: SweepDeps): Promise<{ payments: number; intentions: number; holds: number; payouts: number }> {
  const run = await runSweeps(deps, MINUTE_SWEEPS.filter((s) => MARKETPLACE_SWEEPS.has(s)));
  // runSweeps throws unless every sweep ran, so each has a result.
  return {
    payments: run.resultOf(PAYMENTS_RECONCILE)!,
    intentions: run.resultOf(BUY_INTENTIONS_EXPIRE)!,
    holds: run.resultOf(LISTING_HOLDS_RELEASE)!,
    payouts: run.resultOf(PAYOUTS_RELEASE)!,
  };
}

/**
 * Tickets that leave the market (deleted, admitted, given away by PUT) end their listings, in the
 * ticket's transaction. The same function each time: once per process, however many runtimes.
 */
export function registerMarketExitHook(): void {
  onTicketsLeaveMarket(endListingsOfTickets);
}
