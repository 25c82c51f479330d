import { mostSpecificRule, type RuleRecord, type ShowRecord } from '../events/index.js';

/**
 * TICKET_SHIELD evaluation (SPEC §2): which shield governs a ticket and when it opens. Pure, so the
 * write-time override (ticket-shield.write.ts) can call it per ticket on rules the batch already
 * loaded with its catalogue, and the unlock sweep and rule changes agree with it by construction.
 */

export type ShieldRule = Extract<RuleRecord, { ruleType: 'TICKET_SHIELD' }>;

export interface GoverningShield {
  rule: ShieldRule;
  /** show date − unlockHoursBeforeShow, whether or not the rule is enabled. */
  unlockAt: Date;
}

const HOUR_MS = 3_600_000;

/** The most specific TICKET_SHIELD rule for (show, ticket option, price type), if any. */
export function governingShield(
  rules: readonly RuleRecord[],
  show: Pick<ShowRecord, 'showId' | 'startsAt'>,
  ticketOptionId: string,
  priceTypeId: string | null,
): GoverningShield | undefined {
  const rule = mostSpecificRule(rules, { showId: show.showId, ticketOptionId, priceTypeId }, 'TICKET_SHIELD') as ShieldRule | undefined;
  if (!rule) return undefined;
  // Fractional hours are allowed by the settings schema; round to the millisecond.
  return { rule, unlockAt: new Date(show.startsAt.getTime() - Math.round(rule.settings.unlockHoursBeforeShow * HOUR_MS)) };
}

/** When an enabled shield opens the ticket's access, or null when no enabled shield governs it. */
export function shieldUnlockAt(
  rules: readonly RuleRecord[],
  show: Pick<ShowRecord, 'showId' | 'startsAt'>,
  ticketOptionId: string,
  priceTypeId: string | null,
): Date | null {
  const shield = governingShield(rules, show, ticketOptionId, priceTypeId);
  return shield?.rule.settings.enabled ? shield.unlockAt : null;
}

export const hasShieldRules = (rules: readonly RuleRecord[]): boolean => rules.some((r) => r.ruleType === 'TICKET_SHIELD');
