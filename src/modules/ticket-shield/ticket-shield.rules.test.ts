import { describe, expect, it } from 'vitest';
import type { RuleRecord } from '../events/index.js';
import { governingShield, hasShieldRules, shieldUnlockAt } from './ticket-shield.rules.js';

const show = { showId: 's1', startsAt: new Date('2027-06-01T19:00:00Z') };
const rule = (id: string, settings: { enabled: boolean; unlockHoursBeforeShow: number }, scope: Partial<Pick<RuleRecord, 'showId' | 'ticketOptionId' | 'priceTypeId'>> = {}): RuleRecord => ({
  id,
  eventId: 'evt_1',
  showId: null,
  ticketOptionId: null,
  priceTypeId: null,
  priceMinor: null,
  ruleType: 'TICKET_SHIELD',
  settings,
  ...scope,
});

describe('TICKET_SHIELD evaluation', () => {
  const rules: RuleRecord[] = [
    rule('event', { enabled: true, unlockHoursBeforeShow: 24 }),
    rule('vip', { enabled: true, unlockHoursBeforeShow: 1.5 }, { ticketOptionId: 'vip' }),
    rule('vip-child-off', { enabled: false, unlockHoursBeforeShow: 48 }, { showId: 's1', ticketOptionId: 'vip', priceTypeId: 'child' }),
    { id: 'resale', eventId: 'evt_1', showId: null, ticketOptionId: null, priceTypeId: null, priceMinor: null, ruleType: 'RESALE', settings: { enabled: true } },
  ];

  it('opens at show date − unlockHoursBeforeShow of the most specific rule (fractional hours to the millisecond)', () => {
    expect(shieldUnlockAt(rules, show, 'ga', null)).toEqual(new Date('2027-05-31T19:00:00Z'));
    expect(shieldUnlockAt(rules, show, 'vip', 'adult')).toEqual(new Date('2027-06-01T17:30:00Z'));
  });

  it('a disabled governing rule means no shield, though it still names the scope and time', () => {
    expect(shieldUnlockAt(rules, show, 'vip', 'child')).toBeNull();
    expect(governingShield(rules, show, 'vip', 'child')).toMatchObject({ rule: { id: 'vip-child-off' }, unlockAt: new Date('2027-05-30T19:00:00Z') });
  });

  it('ignores other rule types', () => {
    const resaleOnly = rules.filter((r) => r.ruleType === 'RESALE');
    expect(hasShieldRules(resaleOnly)).toBe(false);
    expect(hasShieldRules(rules)).toBe(true);
    expect(shieldUnlockAt(resaleOnly, show, 'ga', null)).toBeNull();
  });
});
