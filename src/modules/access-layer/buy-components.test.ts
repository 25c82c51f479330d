import { describe, expect, it } from 'vitest';
import { buyComponents, isSoldOut, type BuyInput } from './buy-components.js';

/** Every row of the buy-mode decision table (buy-components.ts), in both languages. */
const base: BuyInput = {
  lang: 'en',
  colors: { background: '#ffffff', text: '#111111', accent: '#ff0066' },
  logoUrl: null,
  resale: { open: true },
  soldOut: false,
  currency: 'EUR',
  options: [
    { ticketOptionId: 'ga', title: 'General', faceValue: 30, listingsCount: 0, minTotal: null, maxTotal: null, url: 'https://e.test/ga' },
    { ticketOptionId: 'vip', title: 'VIP', faceValue: 90, listingsCount: 0, minTotal: null, maxTotal: null, url: 'https://e.test/vip' },
  ],
  map: null,
  buyUrl: 'https://e.test/buy',
  notifyUrl: 'https://e.test/notify',
  details: true,
};
const withListings: BuyInput = {
  ...base,
  options: [
    { ...base.options[0]!, listingsCount: 3, minTotal: 33, maxTotal: 41.8 },
    { ...base.options[1]!, listingsCount: 1, minTotal: 99, maxTotal: 99 },
  ],
};
const shape = (cs: ReturnType<typeof buyComponents>) => cs.map((c) => `${c.type}:${c.id}:${c.visible ? 'shown' : 'hidden'}`);

describe('buy-mode decision table', () => {
  it('resale closed or not open: one hidden banner saying why (and from when)', () => {
    for (const reason of ['RESALE_DISABLED', 'WINDOW_CLOSED', 'EVENT_CANCELLED'] as const) {
      const cs = buyComponents({ ...withListings, resale: { open: false, reason } });
      expect(shape(cs)).toEqual(['banner:resale-closed:hidden']);
      expect(cs[0]).toMatchObject({ class: 'buy', reason, colors: base.colors });
    }
    const notOpen = buyComponents({ ...base, lang: 'es', resale: { open: false, reason: 'WINDOW_NOT_OPEN', availableFrom: new Date('2027-05-01T10:00:00Z') } });
    expect(notOpen[0]).toMatchObject({ reason: 'WINDOW_NOT_OPEN', availableFrom: '2027-05-01T10:00:00.000Z' });
    expect(notOpen[0]!.description).toMatch(/^La reventa abre el 1 de mayo de 2027/);
  });

  it('open, no listings, not sold out: a Notify me button to the notify page', () => {
    const cs = buyComponents(base);
    expect(shape(cs)).toEqual(['button:notify-me:shown']);
    expect(cs[0]).toMatchObject({ title: 'Notify me', cta: { label: 'Notify me', url: 'https://e.test/notify' } });
  });

  it('open, no listings, sold out: the sold-out banner, then Notify me', () => {
    expect(shape(buyComponents({ ...base, soldOut: true }))).toEqual(['banner:sold-out:shown', 'button:notify-me:shown']);
  });

  it('open with listings: "Resale from" button with its badge, its modal, and the list per option', () => {
    const cs = buyComponents(withListings);
    expect(shape(cs)).toEqual(['button:resale-button:shown', 'modal:resale-modal:hidden', 'list:resale-list:shown']);
    expect(cs[0]).toMatchObject({ title: 'Resale from €33.00', badge: 'from €33.00', cta: { url: 'https://e.test/buy' } });
    expect(cs[1]).toMatchObject({ trigger: 'resale-button' });
    expect(cs[1]!.body).toContain('4 tickets from €33.00 to €99.00');
    expect(cs[2]!.items).toEqual([
      { ticketOptionId: 'ga', title: 'General', listingsCount: 3, minPrice: 33, maxPrice: 41.8, currency: 'EUR', faceValue: 30, url: 'https://e.test/ga' },
      { ticketOptionId: 'vip', title: 'VIP', listingsCount: 1, minPrice: 99, maxPrice: 99, currency: 'EUR', faceValue: 90, url: 'https://e.test/vip' },
    ]);
    expect(cs.map((c) => c.order)).toEqual([1, 2, 3]);
  });

  it('the list breaks an option down by price type when its listings carry one, each with the face value of that price type', () => {
    const byType: BuyInput = {
      ...withListings,
      options: [
        {
          ...withListings.options[0]!,
          byPriceType: [
            { priceTypeId: 'adult', title: 'General · Adult', faceValue: 30, listingsCount: 2, minTotal: 33, maxTotal: 41.8 },
            { priceTypeId: 'child', title: 'General · Child', faceValue: 15, listingsCount: 1, minTotal: 35, maxTotal: 35 },
          ],
        },
        { ...withListings.options[1]!, byPriceType: [{ priceTypeId: null, title: 'VIP', faceValue: 90, listingsCount: 1, minTotal: 99, maxTotal: 99 }] },
      ],
    };
    expect(buyComponents(byType)[2]!.items).toEqual([
      { ticketOptionId: 'ga', priceTypeId: 'adult', title: 'General · Adult', listingsCount: 2, minPrice: 33, maxPrice: 41.8, currency: 'EUR', faceValue: 30, url: 'https://e.test/ga' },
      { ticketOptionId: 'ga', priceTypeId: 'child', title: 'General · Child', listingsCount: 1, minPrice: 35, maxPrice: 35, currency: 'EUR', faceValue: 15, url: 'https://e.test/ga' },
      { ticketOptionId: 'vip', title: 'VIP', listingsCount: 1, minPrice: 99, maxPrice: 99, currency: 'EUR', faceValue: 90, url: 'https://e.test/vip' },
    ]);
  });

  it('with listings and sold out: the banner first; with a seating map: a map of zones; the bulk form keeps buttons, banners and modals', () => {
    const map = { image: 'https://e.test/map.png', zones: [{ zoneId: 'floor', name: 'Floor', ticketOptionIds: ['ga'] }, { zoneId: 'box', name: 'Box', ticketOptionIds: ['box'] }] };
    const cs = buyComponents({ ...withListings, soldOut: true, map, lang: 'es' });
    expect(shape(cs)).toEqual(['banner:sold-out:shown', 'button:resale-button:shown', 'modal:resale-modal:hidden', 'list:resale-list:shown', 'map:resale-map:shown']);
    expect(cs[0]!.title).toBe('Agotado — reventa oficial');
    expect(cs[4]).toMatchObject({ image: 'https://e.test/map.png', zones: [{ zoneId: 'floor', listingsCount: 3, minPrice: 33, url: 'https://e.test/ga' }, { zoneId: 'box', listingsCount: 0, minPrice: null }] });
    expect(shape(buyComponents({ ...withListings, soldOut: true, map, details: false }))).toEqual(['banner:sold-out:shown', 'button:resale-button:shown', 'modal:resale-modal:hidden']);
  });

  it('sold out means soldOut, or 90 % sold and more', () => {
    expect(isSoldOut(undefined)).toBe(false);
    expect(isSoldOut({ soldOut: true, soldPercentage: null })).toBe(true);
    expect(isSoldOut({ soldOut: false, soldPercentage: 90 })).toBe(true);
    expect(isSoldOut({ soldOut: null, soldPercentage: 89.9 })).toBe(false);
  });
});
