import type { Deps } from '../app/deps.js';
import { withTx, type Tx } from '../db/tx.js';
import type { Actor } from '../modules/audit/index.js';
import { findShow, getEventForTenant, type EventRecord, type ShowRecord } from '../modules/events/index.js';
import { announceUnlock, claimUnlock, groupByScope, recordShieldApplied, shieldCellsOf, unlockHistoryData, type DueCell, type ScopeGroup } from '../modules/ticket-shield/index.js';
import { findDueShieldCells, shieldTicketsInTx, unlockDueShieldedTickets } from '../modules/tickets/index.js';

/**
 * TICKET_SHIELD's use cases that span modules (ADR 0009): the shield decides (modules/ticket-shield),
 * the events module has the rules and shows, the tickets module stores the locked codes. Two of them:
 * re-shielding existing tickets after a rule change (in the rule change's transaction, see
 * event-rules.ts) and the unlock sweep (every minute, one of flows/sweeps.ts).
 */

type ShieldDeps = Pick<Deps, 'db' | 'clock' | 'queue'>;

/** Who the unlocks are by in the audit log (the sweep's job name when it had a job of its own). */
const UNLOCK_ACTOR = 'job:ticket-shield.unlock';
/** Cells read per sweep page; a run pages on while pages come back full, up to MAX_PAGES. */
const PAGE = 500;
const MAX_PAGES = 20;

/**
 * After TICKET_SHIELD rules of these events changed, in the rule change's transaction (the
 * caller holds the events' ticket-writers lock exclusively, so no write in flight is missed):
 * live tickets an enabled shield now holds become LOCKED until it opens; shield-locked tickets no
 * shield holds any more become due, and the next sweep (within a minute) opens and announces them
 * through the same path as a scheduled opening.
 */
export async function applyShieldRulesInTx(tx: Tx, deps: Pick<Deps, 'clock'>, actor: Actor, externalReferenceIds: readonly string[]): Promise<void> {
  const now = deps.clock.now();
  for (const ref of [...new Set(externalReferenceIds)].sort()) {
    const event = await getEventForTenant(tx, actor.tenantId, ref);
    if (!event) continue;
    const result = await shieldTicketsInTx(tx, actor.tenantId, shieldCellsOf(event, now), actor.label, now);
    if (result.lockedTicketIds.length === 0 && result.released === 0) continue;
    await recordShieldApplied(tx, actor, { id: event.id, externalReferenceId: ref }, result, now);
  }
}

/** One (show, scope, unlock time) in its own transaction: claim the record, open, announce once. */
async function openScope(deps: ShieldDeps, event: EventRecord, show: ShowRecord, group: ScopeGroup, now: Date): Promise<number> {
  const { scope } = group;
  const actor: Actor = { tenantId: scope.tenantId, label: UNLOCK_ACTOR };
  return withTx(deps.db, async (tx) => {
    const claim = await claimUnlock(tx, scope, now);
    const opened = await unlockDueShieldedTickets(tx, scope.tenantId, show.id, group.cells, now, actor.label, unlockHistoryData(claim));
    if (opened.length === 0) return 0;
    await announceUnlock(tx, deps, actor, claim, { scope, externalReferenceId: event.externalReferenceId, showId: show.showId }, opened, now);
    return opened.length;
  });
}

export interface UnlockSummary {
  scopes: number;
  tickets: number;
}

/**
 * The unlock sweep (every minute, in any number of processes at once): every shield-locked ticket
 * whose time has passed is opened — except one waiting for a resale's new code, which stays LOCKED
 * — with a history row, an audit row and ONE `event.unlock` per (show, scope, unlock time).
 * Reads across tenants; every write is scoped to one tenant's show.
 */
export async function unlockDueShields(deps: ShieldDeps): Promise<UnlockSummary> {
  const now = deps.clock.now();
  const summary: UnlockSummary = { scopes: 0, tickets: 0 };
  for (let page = 0; page < MAX_PAGES; page++) {
    const cells = await findDueShieldCells(deps.db, now, PAGE);
    const byShow = new Map<string, DueCell[]>();
    for (const c of cells) {
      const key = `${c.tenantId}\u0000${c.showPk}`;
      byShow.set(key, [...(byShow.get(key) ?? []), c]);
    }
    for (const showCells of byShow.values()) {
      const first = showCells[0]!;
      const found = await findShow(deps.db, first.tenantId, { id: first.showPk });
      if (!found) continue;
      for (const group of groupByScope(found.event, found.show, showCells)) {
        const opened = await openScope(deps, found.event, found.show, group, now);
        summary.scopes += opened > 0 ? 1 : 0;
        summary.tickets += opened;
      }
    }
    if (cells.length < PAGE) break;
  }
  return summary;
}
