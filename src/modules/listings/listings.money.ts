import type { FeesSettings } from '../events/index.js';

/** A listing's money per ticket, in minor units: what the seller asks, the fees, and what the buyer pays. */
export interface TicketMoney {
  priceMinor: number;
  buyerFeeMinor: number;
  sellerFeeMinor: number;
}

/**
 * `percent` of `amountMinor`, rounded half up, in integer arithmetic. Percentages are kept to
 * four decimals (12.3456 %), so scaling by 10,000 makes the product exact for any realistic price.
 */
export function percentOf(amountMinor: number, percent: number): number {
  const basisPoints = Math.round(percent * 10_000);
  return Math.floor((amountMinor * basisPoints + 500_000) / 1_000_000);
}

/**
 * Fees of one ticket at `priceMinor`. Computed once, when the price is set, and stored with the
 * listing: every later figure (browse, reservation, order, payout) is a sum of these, never a
 * recomputation, so rounding cannot drift between what the buyer saw and what the seller is paid.
 * The seller fee never exceeds the price (a payout is never negative).
 */
export function feesFor(priceMinor: number, fees: FeesSettings): TicketMoney {
  const buyerFeeMinor = percentOf(priceMinor, fees.buyerFeePercent) + fees.buyerFeeFixedMinor;
  const sellerFeeMinor = Math.min(priceMinor, percentOf(priceMinor, fees.sellerFeePercent) + fees.sellerFeeFixedMinor);
  return { priceMinor, buyerFeeMinor, sellerFeeMinor };
}

/** Totals of `quantity` tickets at the same per-ticket money. */
export function totalsFor(money: TicketMoney, quantity: number): { subtotalMinor: number; buyerFeeMinor: number; totalMinor: number; sellerFeeMinor: number; payoutMinor: number } {
  const subtotalMinor = money.priceMinor * quantity;
  const buyerFeeMinor = money.buyerFeeMinor * quantity;
  const sellerFeeMinor = money.sellerFeeMinor * quantity;
  return { subtotalMinor, buyerFeeMinor, totalMinor: subtotalMinor + buyerFeeMinor, sellerFeeMinor, payoutMinor: subtotalMinor - sellerFeeMinor };
}
