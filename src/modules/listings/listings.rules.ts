import { AppError, type ErrorCode } from '../../lib/app-error.js';
import { toMajor } from '../../lib/money.js';
import type { ResaleSettings } from '../events/index.js';

export interface ResaleCheck {
  /** The governing RESALE rule, or undefined when the integrator set none (resale is then open). */
  rule: { id: string; settings: ResaleSettings } | undefined;
  priceMinor: number;
  currency: string;
  /** Face value of each ticket in the listing (minor units); null when the ticket has no price. */
  faceValuesMinor: readonly (number | null)[];
  quantity: number;
  now: Date;
  showStartsAt: Date;
}

function refuse(code: ErrorCode, message: string, setting: string, limit: unknown, ruleId: string | undefined, field = 'price'): never {
  throw new AppError(code, message, { field, details: { ruleType: 'RESALE', setting, limit, ...(ruleId ? { ruleId } : {}) } });
}

/**
 * The RESALE rule (SPEC §2) applied to a listing, on creation and on every price change. Each refusal
 * is a 422 naming the setting and its limit. Without a rule, resale is allowed without limits: the
 * integrator opts out with `enabled: false` (an event-wide rule), which is how pretix and vivenu
 * treat a resale channel that was never configured as open to their own policies.
 */
export function checkResaleRule(c: ResaleCheck): void {
  const s = c.rule?.settings;
  const id = c.rule?.id;
  const major = (minor: number) => toMajor(minor, c.currency);
  if (c.now.getTime() >= c.showStartsAt.getTime()) {
    refuse('RESALE_CLOSED', 'resale is closed: the show has started', 'closesHoursBeforeShow', 0, id, 'ticketIds');
  }
  if (!s) return;
  if (!s.enabled) refuse('RESALE_DISABLED', 'resale is disabled for these tickets', 'enabled', false, id, 'ticketIds');
  if (s.opensAt !== undefined && c.now.getTime() < new Date(s.opensAt).getTime()) {
    refuse('RESALE_NOT_OPEN', `resale opens at ${s.opensAt}`, 'opensAt', s.opensAt, id, 'ticketIds');
  }
  if (s.closesHoursBeforeShow !== undefined && c.now.getTime() >= c.showStartsAt.getTime() - s.closesHoursBeforeShow * 3_600_000) {
    refuse('RESALE_CLOSED', `resale closes ${s.closesHoursBeforeShow} hours before the show`, 'closesHoursBeforeShow', s.closesHoursBeforeShow, id, 'ticketIds');
  }
  if (s.maxTicketsPerListing !== undefined && c.quantity > s.maxTicketsPerListing) {
    refuse('TOO_MANY_TICKETS_IN_LISTING', `at most ${s.maxTicketsPerListing} tickets per listing`, 'maxTicketsPerListing', s.maxTicketsPerListing, id, 'ticketIds');
  }
  if (s.minPriceMinor !== undefined && c.priceMinor < s.minPriceMinor) {
    refuse('PRICE_BELOW_MINIMUM', `price must be at least ${major(s.minPriceMinor)} ${c.currency}`, 'minPrice', major(s.minPriceMinor), id);
  }
  if (s.maxPriceMinor !== undefined && c.priceMinor > s.maxPriceMinor) {
    refuse('PRICE_ABOVE_MAXIMUM', `price must be at most ${major(s.maxPriceMinor)} ${c.currency}`, 'maxPrice', major(s.maxPriceMinor), id);
  }
  if (s.maxMarkupPercent !== undefined) {
    for (const face of c.faceValuesMinor) {
      if (face === null) continue;
      // Integer comparison: price ≤ face × (100 + markup) / 100, without rounding the cap.
      const capScaled = face * Math.round((100 + s.maxMarkupPercent) * 10_000);
      if (c.priceMinor * 1_000_000 > capScaled) {
        const cap = Math.floor(capScaled / 1_000_000);
        refuse('PRICE_ABOVE_MARKUP_CAP', `price must be at most ${major(cap)} ${c.currency} (${s.maxMarkupPercent}% over the face value ${major(face)})`, 'maxMarkupPercent', s.maxMarkupPercent, id);
      }
    }
  }
}
