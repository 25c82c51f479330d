import { describe, expect, it } from 'vitest';
import { ctaLabel, orderDecision, sellDecision, type SellFacts } from './sell-status.js';

/** Every row of the sell-mode decision tables (sell-status.ts). */
const until = new Date('2027-06-01T18:00:00Z');
const from = new Date('2027-05-01T10:00:00Z');
const owner: Extract<SellFacts, { kind: 'owner' }> = {
  kind: 'owner',
  ticket: 'VALID',
  eventCancelled: false,
  hasOpenListing: false,
  window: { open: true, availableUntil: until },
  listingLimitReached: false,
  transferOpen: false,
};

describe('sell status decision table', () => {
  it('row 1: a ticket the fan neither owns nor sold (or one that does not exist) is NOT_OWNER, with nothing else', () => {
    expect(sellDecision({ kind: 'not-owner' })).toEqual({ status: 'NOT_SELLABLE', reason: 'NOT_OWNER', showListing: false, ctas: [] });
  });

  it('row 2: a ticket the fan sold is SOLD with DETAILS, and PENDING_PAYOUT_INFO until payout details exist', () => {
    expect(sellDecision({ kind: 'sold-by-fan', hasPayoutAccount: false })).toEqual({ status: 'SOLD', showListing: true, ctas: ['DETAILS', 'PENDING_PAYOUT_INFO'] });
    expect(sellDecision({ kind: 'sold-by-fan', hasPayoutAccount: true })).toEqual({ status: 'SOLD', showListing: true, ctas: ['DETAILS'] });
  });

  it('row 3: a cancelled event or show wins over the ticket status, and never offers a transfer', () => {
    expect(sellDecision({ ...owner, eventCancelled: true, ticket: 'CANCELLED', transferOpen: true })).toMatchObject({ status: 'NOT_SELLABLE', reason: 'EVENT_CANCELLED', ctas: [] });
  });

  it('row 4: CANCELLED, DELETED and INVALID tickets are TICKET_CANCELLED', () => {
    for (const ticket of ['CANCELLED', 'DELETED', 'INVALID'] as const) {
      expect(sellDecision({ ...owner, ticket, transferOpen: true })).toMatchObject({ status: 'NOT_SELLABLE', reason: 'TICKET_CANCELLED', ctas: [] });
    }
  });

  it('row 5: an admitted ticket is TICKET_USED', () => {
    expect(sellDecision({ ...owner, ticket: 'USED', transferOpen: true })).toMatchObject({ status: 'NOT_SELLABLE', reason: 'TICKET_USED', ctas: [] });
  });

  it('row 6: a listed ticket is FOR_SALE with EDIT and DETAILS and its listing', () => {
    expect(sellDecision({ ...owner, ticket: 'LISTED', hasOpenListing: true, transferOpen: true })).toEqual({ status: 'FOR_SALE', showListing: true, ctas: ['EDIT', 'DETAILS'] });
  });

  it('row 7: a RESERVED ticket (its purchase intent unpaid), or LISTED without an open listing, is TICKET_LOCKED', () => {
    expect(sellDecision({ ...owner, ticket: 'RESERVED', transferOpen: true })).toMatchObject({ status: 'NOT_SELLABLE', reason: 'TICKET_LOCKED', ctas: [] });
    expect(sellDecision({ ...owner, ticket: 'LISTED', hasOpenListing: false })).toMatchObject({ status: 'NOT_SELLABLE', reason: 'TICKET_LOCKED', ctas: [] });
  });

  it('row 8: resale disabled, with P2P only when the TRANSFER rule allows it', () => {
    expect(sellDecision({ ...owner, window: { open: false, reason: 'RESALE_DISABLED' } })).toEqual({ status: 'NOT_SELLABLE', reason: 'RESALE_DISABLED', showListing: false, ctas: [] });
    expect(sellDecision({ ...owner, window: { open: false, reason: 'RESALE_DISABLED' }, transferOpen: true }).ctas).toEqual(['P2P']);
  });

  it('row 9: resale not open yet carries availableFrom', () => {
    expect(sellDecision({ ...owner, window: { open: false, reason: 'WINDOW_NOT_OPEN', availableFrom: from } })).toEqual({
      status: 'NOT_SELLABLE',
      reason: 'WINDOW_NOT_OPEN',
      availableFrom: from,
      showListing: false,
      ctas: [],
    });
  });

  it('row 10: resale closed carries availableUntil (when it closed)', () => {
    expect(sellDecision({ ...owner, window: { open: false, reason: 'WINDOW_CLOSED', closedAt: until }, transferOpen: true })).toEqual({
      status: 'NOT_SELLABLE',
      reason: 'WINDOW_CLOSED',
      availableUntil: until,
      showListing: false,
      ctas: ['P2P'],
    });
  });

  it('row 11: the fan reached the listing cap of the show', () => {
    expect(sellDecision({ ...owner, listingLimitReached: true })).toMatchObject({ status: 'NOT_SELLABLE', reason: 'LISTING_LIMIT', ctas: [] });
  });

  it('row 12: otherwise SELLABLE until the window closes, with SELL (+ P2P)', () => {
    expect(sellDecision(owner)).toEqual({ status: 'SELLABLE', availableUntil: until, showListing: false, ctas: ['SELL'] });
    expect(sellDecision({ ...owner, transferOpen: true }).ctas).toEqual(['SELL', 'P2P']);
  });
});

describe('order aggregation', () => {
  const t = (status: 'SELLABLE' | 'FOR_SALE' | 'SOLD' | 'NOT_SELLABLE', pending = false) => ({ status, ctas: pending ? (['DETAILS', 'PENDING_PAYOUT_INFO'] as const).slice() : [] });

  it('SELLABLE when any ticket is, with SELL, and MANAGE when another is on sale', () => {
    expect(orderDecision([t('NOT_SELLABLE'), t('SELLABLE'), t('FOR_SALE')])).toEqual({ status: 'SELLABLE', counts: { sellable: 1, forSale: 1, sold: 0, notSellable: 1 }, ctas: ['SELL', 'MANAGE'] });
  });
  it('FOR_SALE when none is sellable and any is on sale, with MANAGE', () => {
    expect(orderDecision([t('SOLD'), t('FOR_SALE')])).toEqual({ status: 'FOR_SALE', counts: { sellable: 0, forSale: 1, sold: 1, notSellable: 0 }, ctas: ['MANAGE'] });
  });
  it('SOLD when all are, with MANAGE and PENDING_PAYOUT_INFO while a payout waits for details', () => {
    expect(orderDecision([t('SOLD', true), t('SOLD')])).toEqual({ status: 'SOLD', counts: { sellable: 0, forSale: 0, sold: 2, notSellable: 0 }, ctas: ['MANAGE', 'PENDING_PAYOUT_INFO'] });
  });
  it('NOT_SELLABLE when some are sold and the rest are not sellable (MANAGE stays for the sold ones)', () => {
    expect(orderDecision([t('SOLD'), t('NOT_SELLABLE')])).toEqual({ status: 'NOT_SELLABLE', counts: { sellable: 0, forSale: 0, sold: 1, notSellable: 1 }, ctas: ['MANAGE'] });
  });
  it('NOT_SELLABLE with no CTA when nothing can be done, and for an order without tickets', () => {
    expect(orderDecision([t('NOT_SELLABLE')])).toEqual({ status: 'NOT_SELLABLE', counts: { sellable: 0, forSale: 0, sold: 0, notSellable: 1 }, ctas: [] });
    expect(orderDecision([])).toEqual({ status: 'NOT_SELLABLE', counts: { sellable: 0, forSale: 0, sold: 0, notSellable: 0 }, ctas: [] });
  });
});

describe('CTA labels', () => {
  it('has a label for every CTA in both languages', () => {
    for (const type of ['SELL', 'P2P', 'EDIT', 'DETAILS', 'PENDING_PAYOUT_INFO', 'MANAGE'] as const) {
      expect(ctaLabel(type, 'es')).not.toBe(ctaLabel(type, 'en'));
    }
  });
});
