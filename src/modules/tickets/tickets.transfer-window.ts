import { mostSpecificRule, type RuleRecord, type ScopeTarget, type TransferSettings } from '../events/index.js';
import type { TicketStatus } from './tickets.tables.js';

/**
 * The TRANSFER rule that governs a ticket (its show, ticket option and price type): the most
 * specific one, as for every rule type. The one reading of the rule for the Smart Access Layer's
 * P2P action and for the transfer.
 */
export function transferSettingsFor(rules: readonly RuleRecord[], scope: ScopeTarget): TransferSettings | undefined {
  const rule = mostSpecificRule(rules, scope, 'TRANSFER');
  return rule?.ruleType === 'TRANSFER' ? rule.settings : undefined;
}

/** When the TRANSFER rule stops a fan giving a ticket away: `closesHoursBeforeShow` before the show (its start without it). */
export function transferClosesAt(settings: TransferSettings | undefined, showStartsAt: Date): Date {
  return new Date(showStartsAt.getTime() - (settings?.closesHoursBeforeShow ?? 0) * 3_600_000);
}

/**
 * Whether the TRANSFER rule (SPEC §2) lets a fan give a ticket away now: only with a rule that
 * enables it (a free transfer is the integrator's opt-in, unlike resale, which is open without a
 * rule), and only until `closesHoursBeforeShow` before the show (the show's start without it).
 * One answer for the Smart Access Layer's P2P action and for the transfer itself.
 */
export function transferWindowOpen(settings: TransferSettings | undefined, showStartsAt: Date, now: Date): boolean {
  if (!settings?.enabled) return false;
  return now.getTime() < transferClosesAt(settings, showStartsAt).getTime();
}

/**
 * Why a ticket cannot be given away; each is the AppError code the transfer refuses with, so the
 * page that asks first (transferEligibility) and the transfer itself say the same thing.
 */
export type TransferRefusal =
  | 'TICKET_NOT_FOUND'
  | 'EVENT_CANCELLED'
  | 'SHOW_CANCELLED'
  | 'TICKET_USED'
  | 'TICKET_CANCELLED'
  | 'TICKET_DELETED'
  | 'TICKET_INVALID'
  | 'TICKET_RESERVED'
  | 'TICKET_ALREADY_LISTED'
  | 'TRANSFER_DISABLED'
  | 'TRANSFER_CLOSED';

/** What the decision reads of one ticket, for the fan asking. */
export type TransferFacts =
  /** Unknown, another tenant's, another show's, or another fan's: one answer for all, so nothing leaks. */
  | { kind: 'not-owner' }
  | {
      kind: 'owner';
      ticket: TicketStatus;
      eventCancelled: boolean;
      showCancelled: boolean;
      /** The most specific TRANSFER rule's settings for the ticket (none: transfer is off). */
      transfer: TransferSettings | undefined;
      showStartsAt: Date;
    };

export type TransferDecision =
  | { ok: true; availableUntil: Date }
  /** `availableUntil`: when the transfer window closed (TRANSFER_CLOSED only). */
  | { ok: false; reason: TransferRefusal; availableUntil?: Date };

/**
 * The transfer's decision table (SPEC §4.1 item 8), first matching row wins — the order of the
 * Smart Access Layer's sell table (modules/access-layer/sell-status.ts), whose P2P action is offered
 * exactly when this answers ok (a test holds them together):
 *
 * | # | facts                                       | refusal               |
 * |---|---------------------------------------------|-----------------------|
 * | 1 | not the fan's ticket (or unknown)           | TICKET_NOT_FOUND      |
 * | 2 | event cancelled / show cancelled            | EVENT_CANCELLED / SHOW_CANCELLED |
 * | 3 | ticket USED (admitted)                      | TICKET_USED           |
 * | 4 | ticket CANCELLED, DELETED, INVALID          | TICKET_CANCELLED / TICKET_DELETED / TICKET_INVALID |
 * | 5 | ticket RESERVED (purchase intent unpaid)    | TICKET_RESERVED       |
 * | 6 | ticket LISTED (on resale: delist it first)  | TICKET_ALREADY_LISTED |
 * | 7 | no TRANSFER rule, or it is disabled         | TRANSFER_DISABLED     |
 * | 8 | the rule's window has closed                | TRANSFER_CLOSED (+ availableUntil) |
 * | 9 | otherwise                                   | ok (+ availableUntil) |
 *
 * The TRANSFER rule has no opening time, so a refusal never carries an `availableFrom`.
 */
export function transferDecision(f: TransferFacts, now: Date): TransferDecision {
  if (f.kind === 'not-owner') return { ok: false, reason: 'TICKET_NOT_FOUND' };
  if (f.eventCancelled) return { ok: false, reason: 'EVENT_CANCELLED' };
  if (f.showCancelled) return { ok: false, reason: 'SHOW_CANCELLED' };
  switch (f.ticket) {
    case 'USED':
      return { ok: false, reason: 'TICKET_USED' };
    case 'CANCELLED':
      return { ok: false, reason: 'TICKET_CANCELLED' };
    case 'DELETED':
      return { ok: false, reason: 'TICKET_DELETED' };
    case 'INVALID':
      return { ok: false, reason: 'TICKET_INVALID' };
    case 'RESERVED':
      return { ok: false, reason: 'TICKET_RESERVED' };
    case 'LISTED':
      return { ok: false, reason: 'TICKET_ALREADY_LISTED' };
    case 'VALID':
      break;
  }
  if (!f.transfer?.enabled) return { ok: false, reason: 'TRANSFER_DISABLED' };
  const availableUntil = transferClosesAt(f.transfer, f.showStartsAt);
  if (!transferWindowOpen(f.transfer, f.showStartsAt, now)) return { ok: false, reason: 'TRANSFER_CLOSED', availableUntil };
  return { ok: true, availableUntil };
}
