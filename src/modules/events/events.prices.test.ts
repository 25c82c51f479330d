import { describe, expect, it } from 'vitest';
import { faceValueMinor } from './events.prices.js';

describe('faceValueMinor', () => {
  const show = {
    ticketOptions: [{ ticketId: 'ga', title: 'General', priceMinor: 3000, currency: 'EUR', capacity: null, zoneId: null }],
    priceTypes: [
      { priceTypeId: 'child', title: 'Child', priceMinor: 1500 },
      { priceTypeId: 'senior', title: 'Senior', priceMinor: null },
      { priceTypeId: 'vip', title: 'VIP pack', priceMinor: 9000 },
    ],
    combinations: [{ ticketOptionId: 'ga', priceTypeId: 'vip', priceMinor: 9999 }],
  };
  it('prefers the combination, then the price type, then the option', () => {
    expect(faceValueMinor(show, 'ga', 'vip')).toBe(9999);
    expect(faceValueMinor(show, 'ga', 'child')).toBe(1500);
    expect(faceValueMinor(show, 'ga', 'senior')).toBe(3000);
    expect(faceValueMinor(show, 'ga', 'unknown')).toBe(3000);
    expect(faceValueMinor(show, 'ga', null)).toBe(3000);
    expect(faceValueMinor(show, 'nope', null)).toBeUndefined();
  });
});
