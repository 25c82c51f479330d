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
/** Whether resale is open now under a RESALE rule (or none), and if not why and until when. */
export type ResaleWindow =
  | { open: true; availableUntil: Date }
  | { open: false; reason: 'RESALE_DISABLED'; message: string }
  | { open: false; reason: 'WINDOW_NOT_OPEN'; availableFrom: Date; message: string }
  | { open: false; reason: 'WINDOW_CLOSED'; closedAt: Date; message: string };

/**
 * The window of the RESALE rule (SPEC §2): closed once the show has started, disabled, not open yet
 * (`opensAt`), closed `closesHoursBeforeShow` before the show, else open until then. One function for
 * the listing checks below and for the Smart Access Layer's components.
 */
export function resaleWindow(settings: ResaleSettings | undefined, showStartsAt: Date, now: Date): ResaleWindow {
  const closesAt = new Date(showStartsAt.getTime() - (settings?.closesHoursBeforeShow ?? 0) * 3_600_000);
  if (now.getTime() >= showStartsAt.getTime()) return { open: false, reason: 'WINDOW_CLOSED', closedAt: showStartsAt, message: 'resale is closed: the show has started' };
  if (!settings) return { open: true, availableUntil: closesAt };
  if (!settings.enabled) return { open: false, reason: 'RESALE_DISABLED', message: 'resale is disabled for these tickets' };
  if (settings.opensAt !== undefined && now.getTime() < new Date(settings.opensAt).getTime()) {
    return { open: false, reason: 'WINDOW_NOT_OPEN', availableFrom: new Date(settings.opensAt), message: `resale opens at ${settings.opensAt}` };
  }
  if (settings.closesHoursBeforeShow !== undefined && now.getTime() >= closesAt.getTime()) {
    return { open: false, reason: 'WINDOW_CLOSED', closedAt: closesAt, message: `resale closes ${settings.closesHoursBeforeShow} hours before the show` };
  }
  return { open: true, availableUntil: closesAt };
}

export function checkResaleRule(c: ResaleCheck): void {
  const s = c.rule?.settings;
  const id = c.rule?.id;
  const major = (minor: number) => toMajor(minor, c.currency);
  const window = resaleWindow(s, c.showStartsAt, c.now);
  if (!window.open) {
    if (window.reason === 'RESALE_DISABLED') refuse('RESALE_DISABLED', window.message, 'enabled', false, id, 'ticketIds');
    if (window.reason === 'WINDOW_NOT_OPEN') refuse('RESALE_NOT_OPEN', window.message, 'opensAt', s?.opensAt, id, 'ticketIds');
    const started = c.now.getTime() >= c.showStartsAt.getTime();
    refuse('RESALE_CLOSED', window.message, 'closesHoursBeforeShow', started ? 0 : s?.closesHoursBeforeShow, id, 'ticketIds');
  }
  if (!s) return;
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
