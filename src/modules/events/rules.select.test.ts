import { describe, expect, it } from 'vitest';
import { mostSpecificRule, type RuleScope } from './rules.select.js';

type R = RuleScope & { name: string };
const r = (name: string, scope: Partial<RuleScope> = {}): R => ({
  name,
  ruleType: 'RESALE',
  showId: null,
  ticketOptionId: null,
  priceTypeId: null,
  ...scope,
});

describe('mostSpecificRule', () => {
  const rules: R[] = [
    r('event'),
    r('show', { showId: 's1' }),
    r('option', { ticketOptionId: 'ga' }),
    r('type', { priceTypeId: 'adult' }),
    r('show+option', { showId: 's1', ticketOptionId: 'ga' }),
    r('show+type', { showId: 's1', priceTypeId: 'adult' }),
    r('option+type', { ticketOptionId: 'ga', priceTypeId: 'adult' }),
    r('all', { showId: 's1', ticketOptionId: 'ga', priceTypeId: 'adult' }),
    r('transfer-everything', { ruleType: 'TRANSFER' }),
  ];
  const pick = (target: Parameters<typeof mostSpecificRule>[1], list: R[] = rules) => mostSpecificRule(list, target, 'RESALE')?.name;

  it('prefers the rule with more scope fields set', () => {
    expect(pick({ showId: 's1', ticketOptionId: 'ga', priceTypeId: 'adult' })).toBe('all');
    expect(pick({ showId: 's2', ticketOptionId: 'ga', priceTypeId: 'adult' })).toBe('option+type');
    expect(pick({ showId: 's1', ticketOptionId: 'vip' })).toBe('show');
    expect(pick({ showId: 's2', ticketOptionId: 'vip', priceTypeId: 'child' })).toBe('event');
  });

  it('breaks ties show > ticket option > price type', () => {
    const noAll = rules.filter((x) => x.name !== 'all');
    expect(pick({ showId: 's1', ticketOptionId: 'ga', priceTypeId: 'adult' }, noAll)).toBe('show+option');
    expect(pick({ showId: 's1', ticketOptionId: 'ga', priceTypeId: 'adult' }, noAll.filter((x) => x.name !== 'show+option'))).toBe('show+type');
    const singles = rules.filter((x) => ['event', 'show', 'option', 'type'].includes(x.name));
    expect(pick({ showId: 's1', ticketOptionId: 'ga', priceTypeId: 'adult' }, singles)).toBe('show');
    expect(pick({ showId: 's2', ticketOptionId: 'ga', priceTypeId: 'adult' }, singles)).toBe('option');
    expect(pick({ ticketOptionId: 'vip', priceTypeId: 'adult' }, singles)).toBe('type');
    // The order of the input does not matter.
    expect(pick({ showId: 's1', ticketOptionId: 'ga', priceTypeId: 'adult' }, [...singles].reverse())).toBe('show');
  });

  it('never applies a scoped rule to a target that lacks that scope', () => {
    expect(pick({})).toBe('event');
    expect(pick({ ticketOptionId: 'ga' })).toBe('option');
    expect(pick({ showId: null, priceTypeId: 'adult' })).toBe('type');
  });

  it('only considers the requested rule type, and returns undefined when nothing matches', () => {
    expect(mostSpecificRule(rules, { showId: 's1' }, 'TRANSFER')?.name).toBe('transfer-everything');
    expect(mostSpecificRule(rules, { showId: 's1' }, 'FEES')).toBeUndefined();
    expect(mostSpecificRule([r('only-s2', { showId: 's2' })], { showId: 's1' }, 'RESALE')).toBeUndefined();
    expect(mostSpecificRule([], {}, 'RESALE')).toBeUndefined();
  });
});
