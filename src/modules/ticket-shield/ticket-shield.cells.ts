import type { EventRecord, ShowRecord } from '../events/index.js';
import { governingShield } from './ticket-shield.rules.js';

/**
 * The shield's verdicts per (show, ticket option, price type) "cell" — the unit the tickets module
 * locks and opens in bulk (tickets.access.ts). Pure: the flows read the events and the due tickets,
 * these functions decide.
 */

/** A (show, ticket option, price type) cell of a show, with the shield's verdict for it. */
export interface ShieldCell {
  showPk: string;
  ticketOptionId: string;
  priceTypeId: string | null;
  /** When the access opens. In the future: the cell is locked until then; otherwise it is due now. */
  unlockAt: Date;
}

/** Due shield-locked tickets, one row per (tenant, show, option, price type, unlock time). */
export interface DueCell {
  tenantId: string;
  showPk: string;
  ticketOptionId: string;
  priceTypeId: string | null;
  unlockAt: Date;
  count: number;
}

/** What one `event.unlock` announces: a show, the governing rule's scope in it, and the unlock time. */
export interface UnlockScope {
  tenantId: string;
  eventId: string;
  showPk: string;
  ticketOptionId: string | null;
  priceTypeId: string | null;
  ruleId: string | null;
  unlockAt: Date;
}

export interface ScopeGroup {
  scope: UnlockScope;
  cells: { ticketOptionId: string; priceTypeId: string | null }[];
}

/** Every (show, ticket option, price type) cell of the event's live shows, with the shield's verdict at `now`. */
export function shieldCellsOf(event: EventRecord, now: Date): { holding: ShieldCell[]; released: ShieldCell[] } {
  const holding: ShieldCell[] = [];
  const released: ShieldCell[] = [];
  for (const show of event.shows) {
    if (show.status !== 'LIVE') continue;
    const priceTypes = [null, ...show.priceTypes.map((p) => p.priceTypeId)];
    for (const option of show.ticketOptions) {
      for (const priceTypeId of priceTypes) {
        const shield = governingShield(event.rules, show, option.ticketId, priceTypeId);
        const cell = { showPk: show.id, ticketOptionId: option.ticketId, priceTypeId };
        if (shield?.rule.settings.enabled && now < shield.unlockAt) holding.push({ ...cell, unlockAt: shield.unlockAt });
        // Disabled, removed or already past: due now (or at the past unlock time) for the sweep to open.
        else released.push({ ...cell, unlockAt: shield?.rule.settings.enabled ? shield.unlockAt : now });
      }
    }
  }
  return { holding, released };
}

/** Due cells of one show grouped by the scope of the rule governing them now (the announced unit). */
export function groupByScope(event: EventRecord, show: ShowRecord, cells: readonly DueCell[]): ScopeGroup[] {
  const groups = new Map<string, ScopeGroup>();
  for (const cell of cells) {
    const rule = governingShield(event.rules, show, cell.ticketOptionId, cell.priceTypeId)?.rule;
    const scope: UnlockScope = {
      tenantId: cell.tenantId,
      eventId: event.id,
      showPk: show.id,
      ticketOptionId: rule?.ticketOptionId ?? null,
      priceTypeId: rule?.priceTypeId ?? null,
      ruleId: rule?.id ?? null,
      unlockAt: cell.unlockAt,
    };
    const key = JSON.stringify([scope.ticketOptionId, scope.priceTypeId, scope.unlockAt.getTime()]);
    const group = groups.get(key) ?? { scope, cells: [] };
    group.cells.push({ ticketOptionId: cell.ticketOptionId, priceTypeId: cell.priceTypeId });
    groups.set(key, group);
  }
  return [...groups.values()];
}
