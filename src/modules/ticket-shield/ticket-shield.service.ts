import type { Deps } from '../../app/deps.js';
import { withTx, type Tx } from '../../db/tx.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { findShow, getEventForTenant, governingShield, type EventRecord, type ShowRecord } from '../events/index.js';
import { findDueShieldCells, shieldTicketsInTx, unlockDueShieldedTickets, type DueCell, type ShieldCell } from '../tickets/index.js';
import { emitWebhook } from '../webhooks/index.js';
import { ticketShieldRepository as repo, type UnlockScope } from './ticket-shield.repository.js';

/**
 * TICKET_SHIELD (SPEC §2, ADR 0009): a ticket's access code stays LOCKED until
 * `show.date − unlockHoursBeforeShow`, then this module opens it and sends `event.unlock`.
 * Ticket writers lock at write time (tickets' AccessShield); this file re-applies the rules to
 * existing tickets when they change, and runs the unlock sweep.
 */

type ShieldDeps = Pick<Deps, 'db' | 'clock' | 'queue'>;

export const UNLOCK_JOB = 'ticket-shield.unlock';
/** Cells read per sweep page; a run pages on while pages come back full, up to MAX_PAGES. */
const PAGE = 500;
const MAX_PAGES = 20;
/** Above this many tickets an `event.unlock` carries the count only (the history has every id). */
const MAX_IDS_IN_WEBHOOK = 1000;

/** Every (show, ticket option, price type) cell of the event's live shows, with the shield's verdict at `now`. */
function cellsOf(event: EventRecord, now: Date): { holding: ShieldCell[]; released: ShieldCell[] } {
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
    const result = await shieldTicketsInTx(tx, actor.tenantId, cellsOf(event, now), actor.label, now);
    if (result.lockedTicketIds.length === 0 && result.released === 0) continue;
    await recordAudit(
      tx,
      actor,
      {
        action: 'tickets.access_shielded',
        entityType: 'event',
        entityId: event.id,
        after: { externalReferenceId: ref, locked: result.lockedTicketIds.length, ticketIds: result.lockedTicketIds.slice(0, MAX_IDS_IN_WEBHOOK), releasedToUnlock: result.released },
      },
      now,
    );
  }
}

interface ScopeGroup {
  scope: UnlockScope;
  cells: { ticketOptionId: string; priceTypeId: string | null }[];
}

/** Due cells of one show grouped by the scope of the rule governing them now (the announced unit). */
function groupByScope(event: EventRecord, show: ShowRecord, cells: readonly DueCell[]): ScopeGroup[] {
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

/** One (show, scope, unlock time) in its own transaction: claim the record, open, announce once. */
async function openScope(deps: ShieldDeps, event: EventRecord, show: ShowRecord, group: ScopeGroup, now: Date): Promise<number> {
  const { scope } = group;
  const actor: Actor = { tenantId: scope.tenantId, label: `job:${UNLOCK_JOB}` };
  return withTx(deps.db, async (tx) => {
    const claim = await repo.claim(tx, scope, now);
    const opened = await unlockDueShieldedTickets(tx, scope.tenantId, show.id, group.cells, now, actor.label, { reason: 'TICKET_SHIELD', unlockId: claim.id });
    if (opened.length === 0) return 0;
    // A straggler (a ticket shielded by a write that committed just after the opening) is opened
    // and counted, but the scope is announced once.
    const announce = !claim.announced;
    await repo.recordOpened(tx, scope.tenantId, claim.id, opened.length, announce);
    const data = {
      externalReferenceId: event.externalReferenceId,
      showId: show.showId,
      ...(scope.ticketOptionId !== null ? { ticketOptionId: scope.ticketOptionId } : {}),
      ...(scope.priceTypeId !== null ? { priceTypeId: scope.priceTypeId } : {}),
      unlockAt: scope.unlockAt.toISOString(),
      unlockedAt: now.toISOString(),
      count: opened.length,
      ...(opened.length <= MAX_IDS_IN_WEBHOOK ? { ticketIds: opened } : {}),
    };
    await recordAudit(tx, actor, { action: 'tickets.access_unlocked', entityType: 'ticket_shield_unlock', entityId: claim.id, after: { ...data, announced: announce } }, now);
    if (announce) await emitWebhook(tx, deps, scope.tenantId, { family: 'event', action: 'unlock', data });
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

export function registerTicketShieldJobs(deps: Deps): void {
  deps.queue.register(UNLOCK_JOB, async () => {
    await unlockDueShields(deps);
  }, { retryLimit: 2 });
  deps.queue.schedule(UNLOCK_JOB, '* * * * *');
}
