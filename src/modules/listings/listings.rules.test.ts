import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/app-error.js';
import type { ResaleSettings } from '../events/index.js';
import { checkResaleRule, type ResaleCheck } from './listings.rules.js';

const SHOW = new Date('2027-06-01T19:00:00Z');
const NOW = new Date('2027-05-01T12:00:00Z');

function check(settings: ResaleSettings | undefined, over: Partial<ResaleCheck> = {}): void {
  checkResaleRule({
    rule: settings ? { id: 'rul_1', settings } : undefined,
    priceMinor: 3000,
    currency: 'EUR',
    faceValuesMinor: [3000],
    quantity: 1,
    now: NOW,
    showStartsAt: SHOW,
    ...over,
  });
}

function refusal(settings: ResaleSettings | undefined, over: Partial<ResaleCheck> = {}): AppError {
  try {
    check(settings, over);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('checkResaleRule', () => {
  it('allows anything before the show when there is no rule', () => {
    expect(() => check(undefined, { priceMinor: 1_000_000, quantity: 50, faceValuesMinor: Array(50).fill(1) })).not.toThrow();
  });

  it('closes resale once the show has started, with or without a rule', () => {
    for (const now of [SHOW, new Date(SHOW.getTime() + 1)]) {
      const err = refusal(undefined, { now });
      expect(err).toMatchObject({ code: 'RESALE_CLOSED', field: 'ticketIds', details: { ruleType: 'RESALE', setting: 'closesHoursBeforeShow', limit: 0 } });
    }
    expect(() => check(undefined, { now: new Date(SHOW.getTime() - 1) })).not.toThrow();
  });

  it('refuses when disabled', () => {
    expect(refusal({ enabled: false })).toMatchObject({ code: 'RESALE_DISABLED', details: { ruleType: 'RESALE', setting: 'enabled', limit: false, ruleId: 'rul_1' } });
    expect(() => check({ enabled: true })).not.toThrow();
  });

  it('refuses before opensAt and allows from it', () => {
    const settings = { enabled: true, opensAt: '2027-05-02T00:00:00+02:00' };
    expect(refusal(settings)).toMatchObject({ code: 'RESALE_NOT_OPEN', details: { setting: 'opensAt', limit: '2027-05-02T00:00:00+02:00' } });
    expect(() => check(settings, { now: new Date('2027-05-01T22:00:00Z') })).not.toThrow();
    expect(refusal(settings, { now: new Date('2027-05-01T21:59:59.999Z') }).code).toBe('RESALE_NOT_OPEN');
  });

  it('closes closesHoursBeforeShow hours before the show (the boundary itself is closed)', () => {
    const settings = { enabled: true, closesHoursBeforeShow: 2 };
    expect(() => check(settings, { now: new Date('2027-06-01T16:59:59.999Z') })).not.toThrow();
    expect(refusal(settings, { now: new Date('2027-06-01T17:00:00Z') })).toMatchObject({ code: 'RESALE_CLOSED', details: { setting: 'closesHoursBeforeShow', limit: 2 } });
  });

  it('limits the tickets per listing', () => {
    const settings = { enabled: true, maxTicketsPerListing: 2 };
    expect(() => check(settings, { quantity: 2, faceValuesMinor: [3000, 3000] })).not.toThrow();
    expect(refusal(settings, { quantity: 3, faceValuesMinor: [3000, 3000, 3000] })).toMatchObject({
      code: 'TOO_MANY_TICKETS_IN_LISTING',
      field: 'ticketIds',
      details: { setting: 'maxTicketsPerListing', limit: 2 },
    });
  });

  it('enforces minPrice and maxPrice inclusively, naming the limit in major units', () => {
    const settings = { enabled: true, minPriceMinor: 1050, maxPriceMinor: 6050 };
    expect(() => check(settings, { priceMinor: 1050 })).not.toThrow();
    expect(() => check(settings, { priceMinor: 6050 })).not.toThrow();
    expect(refusal(settings, { priceMinor: 1049 })).toMatchObject({ code: 'PRICE_BELOW_MINIMUM', field: 'price', details: { ruleType: 'RESALE', setting: 'minPrice', limit: 10.5 } });
    expect(refusal(settings, { priceMinor: 6051 })).toMatchObject({ code: 'PRICE_ABOVE_MAXIMUM', field: 'price', details: { ruleType: 'RESALE', setting: 'maxPrice', limit: 60.5 } });
  });

  it('caps the markup over each ticket face value, exactly at the cap allowed', () => {
    const settings = { enabled: true, maxMarkupPercent: 20 };
    expect(() => check(settings, { priceMinor: 3600 })).not.toThrow();
    expect(refusal(settings, { priceMinor: 3601 })).toMatchObject({ code: 'PRICE_ABOVE_MARKUP_CAP', field: 'price', details: { setting: 'maxMarkupPercent', limit: 20 } });
    // Fractional cap (1001 × 1.125 = 1126.125): 1126 fits, 1127 does not.
    expect(() => check({ enabled: true, maxMarkupPercent: 12.5 }, { priceMinor: 1126, faceValuesMinor: [1001] })).not.toThrow();
    expect(refusal({ enabled: true, maxMarkupPercent: 12.5 }, { priceMinor: 1127, faceValuesMinor: [1001] }).code).toBe('PRICE_ABOVE_MARKUP_CAP');
    // The cheapest ticket of a pack governs; tickets without a face value are not capped.
    expect(refusal(settings, { priceMinor: 3500, quantity: 2, faceValuesMinor: [5000, 2500] }).code).toBe('PRICE_ABOVE_MARKUP_CAP');
    expect(() => check(settings, { priceMinor: 99_999, faceValuesMinor: [null] })).not.toThrow();
    // 0 % markup: at most the face value.
    expect(() => check({ enabled: true, maxMarkupPercent: 0 }, { priceMinor: 3000 })).not.toThrow();
    expect(refusal({ enabled: true, maxMarkupPercent: 0 }, { priceMinor: 3001 }).code).toBe('PRICE_ABOVE_MARKUP_CAP');
  });

  it('works in currencies without minor units', () => {
    const err = refusal({ enabled: true, maxPriceMinor: 5000 }, { currency: 'JPY', priceMinor: 5001 });
    expect(err.details).toMatchObject({ limit: 5000 });
  });
});
