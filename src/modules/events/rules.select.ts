import type { RuleType } from './rules.settings.js';

/** What a rule applies to: null scope fields are wildcards. */
export interface RuleScope {
  ruleType: RuleType;
  showId: string | null;
  ticketOptionId: string | null;
  priceTypeId: string | null;
}

export interface ScopeTarget {
  showId?: string | null;
  ticketOptionId?: string | null;
  priceTypeId?: string | null;
}

function matches(field: string | null, target: string | null | undefined): boolean {
  return field === null || field === target;
}

/**
 * Ranks a matching rule: more scope fields set is more specific; between equally specific rules,
 * show outranks ticket option, which outranks price type (a show-wide rule beats an option-wide one
 * because the show is what the integrator sells and cancels as a unit). The bit weights 4/2/1 make
 * that tie-break a plain numeric comparison.
 */
function specificity(rule: RuleScope): number {
  const show = rule.showId !== null ? 1 : 0;
  const option = rule.ticketOptionId !== null ? 1 : 0;
  const type = rule.priceTypeId !== null ? 1 : 0;
  return (show + option + type) * 8 + show * 4 + option * 2 + type;
}

/**
 * The rule of `ruleType` that governs `target`: among rules whose every set scope field equals the
 * target's, the most specific one. A rule scoped to a show never applies to a target without a show.
 */
export function mostSpecificRule<R extends RuleScope>(rules: readonly R[], target: ScopeTarget, ruleType: RuleType): R | undefined {
  let best: R | undefined;
  let bestScore = -1;
  for (const rule of rules) {
    if (rule.ruleType !== ruleType) continue;
    if (!matches(rule.showId, target.showId) || !matches(rule.ticketOptionId, target.ticketOptionId) || !matches(rule.priceTypeId, target.priceTypeId)) {
      continue;
    }
    const score = specificity(rule);
    if (score > bestScore) {
      best = rule;
      bestScore = score;
    }
  }
  return best;
}
