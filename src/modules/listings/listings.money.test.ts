import { describe, expect, it } from 'vitest';
import { feesFor, percentOf, totalsFor } from './listings.money.js';

const fees = (buyerFeePercent: number, buyerFeeFixedMinor: number, sellerFeePercent: number, sellerFeeFixedMinor: number) => ({
  buyerFeePercent,
  buyerFeeFixedMinor,
  sellerFeePercent,
  sellerFeeFixedMinor,
});

describe('percentOf', () => {
  it.each([
    [1000, 10, 100],
    [3500, 5, 175],
    [0, 10, 0],
    [1234, 0, 0],
    [1005, 5, 50], // 50.25 → 50
    [1010, 5, 51], // 50.5 → 51: half up
    [1030, 5, 52], // 51.5 → 52: half up (not half even)
    [999, 10, 100], // 99.9 → 100
    [3333, 12.5, 417], // 416.625 → 417
    [10_000, 12.3456, 1235], // 1234.56 → 1235
    [1, 50, 1], // 0.5 → 1
    [1, 49.99, 0],
    [100_000_000, 7.5, 7_500_000],
    [12_345, 100, 12_345],
  ])('%i × %d %% = %i', (amount, percent, expected) => {
    expect(percentOf(amount, percent)).toBe(expected);
  });

  it('is exact for percentages that are not exact binary fractions', () => {
    // 0.1 and 0.7 are not representable in binary; basis points make them exact.
    expect(percentOf(1_000_000, 0.1)).toBe(1000);
    expect(percentOf(5, 70)).toBe(4); // 3.5 → 4
    expect(percentOf(115, 10)).toBe(12); // 11.5 → 12
  });
});

describe('feesFor', () => {
  it('applies the tenant defaults (buyer 10 %, seller 5 %, no fixed part)', () => {
    expect(feesFor(3500, fees(10, 0, 5, 0))).toEqual({ priceMinor: 3500, buyerFeeMinor: 350, sellerFeeMinor: 175 });
    expect(feesFor(3333, fees(10, 0, 5, 0))).toEqual({ priceMinor: 3333, buyerFeeMinor: 333, sellerFeeMinor: 167 }); // 333.3 → 333, 166.65 → 167
  });

  it('adds the fixed parts after rounding the percent', () => {
    // 7.5 % of 19.99 = 1.49925 → 1.50, + 0.99; 3 % = 0.5997 → 0.60, + 0.50
    expect(feesFor(1999, fees(7.5, 99, 3, 50))).toEqual({ priceMinor: 1999, buyerFeeMinor: 249, sellerFeeMinor: 110 });
  });

  it('never lets the seller fee exceed the price (no negative payout)', () => {
    expect(feesFor(100, fees(10, 0, 50, 500))).toEqual({ priceMinor: 100, buyerFeeMinor: 10, sellerFeeMinor: 100 });
    expect(feesFor(0, fees(10, 150, 5, 100))).toEqual({ priceMinor: 0, buyerFeeMinor: 150, sellerFeeMinor: 0 });
  });
});

describe('totalsFor', () => {
  it('multiplies the stored per-ticket figures (no recomputation, no drift)', () => {
    expect(totalsFor({ priceMinor: 3333, buyerFeeMinor: 333, sellerFeeMinor: 167 }, 3)).toEqual({
      subtotalMinor: 9999,
      buyerFeeMinor: 999,
      totalMinor: 10_998,
      sellerFeeMinor: 501,
      payoutMinor: 9498,
    });
  });
});
