import type { TransferSettings } from '../events/index.js';

/**
 * Whether the TRANSFER rule (SPEC §2) lets a fan give a ticket away now: only with a rule that
 * enables it (a free transfer is the integrator's opt-in, unlike resale, which is open without a
 * rule), and only until `closesHoursBeforeShow` before the show (the show's start without it).
 * One answer for the Smart Access Layer's P2P action and for the transfer itself.
 */
export function transferWindowOpen(settings: TransferSettings | undefined, showStartsAt: Date, now: Date): boolean {
  if (!settings?.enabled) return false;
  const closesAt = showStartsAt.getTime() - (settings.closesHoursBeforeShow ?? 0) * 3_600_000;
  return now.getTime() < closesAt;
}
