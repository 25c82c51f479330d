import type { Deps } from '../../app/deps.js';
import type { Tx } from '../../db/tx.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { emitWebhook } from '../webhooks/index.js';
import type { UnlockScope } from './ticket-shield.cells.js';
import { ticketShieldRepository as repo, type UnlockClaim } from './ticket-shield.repository.js';

/**
 * TICKET_SHIELD (SPEC §2, ADR 0009): a ticket's access code stays LOCKED until
 * `show.date − unlockHoursBeforeShow`, then the shield opens it and sends `event.unlock`.
 *
 * Where each part lives: the rule evaluation (ticket-shield.rules.ts), the write-time override
 * every ticket writer applies (ticket-shield.write.ts), the per-cell verdicts (ticket-shield.cells.ts),
 * and here the shield's own records: the exactly-once unlock claims, and what a rule change or an
 * opening announces. The use cases that read events and drive the tickets' bulk access statements —
 * re-shielding after a rule change, the unlock sweep (run every minute by flows/sweeps.ts) — are in
 * flows/ticket-shield.ts.
 */

/** Above this many tickets an audit row or `event.unlock` carries the count only (the history has every id). */
const MAX_IDS_IN_WEBHOOK = 1000;

/** The claim on one (show, scope, unlock time), taken before its tickets open (see the repository). */
export async function claimUnlock(tx: Tx, scope: UnlockScope, now: Date): Promise<UnlockClaim> {
  return repo.claim(tx, scope, now);
}

/** The `data` of the ACCESS_UNLOCKED history row of every ticket opened under `claim`. */
export function unlockHistoryData(claim: UnlockClaim): { reason: 'TICKET_SHIELD'; unlockId: string } {
  return { reason: 'TICKET_SHIELD', unlockId: claim.id };
}

/**
 * After `opened` tickets of a claimed scope opened (at least one), in the same transaction: counts
 * them on the claim, writes the audit row, and sends `event.unlock` — once per scope: a straggler
 * (a ticket shielded by a write that committed just after the opening) is opened and counted, but
 * the scope is announced once.
 */
export async function announceUnlock(
  tx: Tx,
  deps: Pick<Deps, 'clock' | 'queue'>,
  actor: Actor,
  claim: UnlockClaim,
  where: { scope: UnlockScope; externalReferenceId: string; showId: string },
  opened: readonly string[],
  now: Date,
): Promise<void> {
  const { scope } = where;
  const announce = !claim.announced;
  await repo.recordOpened(tx, scope.tenantId, claim.id, opened.length, announce);
  const data = {
    externalReferenceId: where.externalReferenceId,
    showId: where.showId,
    ...(scope.ticketOptionId !== null ? { ticketOptionId: scope.ticketOptionId } : {}),
    ...(scope.priceTypeId !== null ? { priceTypeId: scope.priceTypeId } : {}),
    unlockAt: scope.unlockAt.toISOString(),
    unlockedAt: now.toISOString(),
    count: opened.length,
    ...(opened.length <= MAX_IDS_IN_WEBHOOK ? { ticketIds: opened } : {}),
  };
  await recordAudit(tx, actor, { action: 'tickets.access_unlocked', entityType: 'ticket_shield_unlock', entityId: claim.id, after: { ...data, announced: announce } }, now);
  if (announce) await emitWebhook(tx, deps, scope.tenantId, { family: 'event', action: 'unlock', data });
}

/** The audit row of a rule change that locked or released tickets of one event (nothing is announced). */
export async function recordShieldApplied(
  tx: Tx,
  actor: Actor,
  event: { id: string; externalReferenceId: string },
  result: { lockedTicketIds: readonly string[]; released: number },
  now: Date,
): Promise<void> {
  await recordAudit(
    tx,
    actor,
    {
      action: 'tickets.access_shielded',
      entityType: 'event',
      entityId: event.id,
      after: {
        externalReferenceId: event.externalReferenceId,
        locked: result.lockedTicketIds.length,
        ticketIds: result.lockedTicketIds.slice(0, MAX_IDS_IN_WEBHOOK),
        releasedToUnlock: result.released,
      },
    },
    now,
  );
}
