import type { Deps } from '../../app/deps.js';
import type { Tx } from '../../db/tx.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { ticketsRepository as repo } from './tickets.repository.js';
import { statesLeadingTo, TICKET_STATES } from './tickets.states.js';

export type CancellationReason = 'EVENT_CANCELLED' | 'SHOW_CANCELLED';

/** The ticket states the lifecycle table lets go to CANCELLED (VALID, LISTED, RESERVED). */
const CANCELLABLE = statesLeadingTo(TICKET_STATES, 'CANCELLED');

/**
 * Taken by the event-cancellation flow before it cancels anything: waits for ticket writes in
 * flight on this event (they hold the shared side) and keeps new ones out until commit, so no
 * ticket is written into a show while its tickets are being cancelled.
 */
export async function lockEventTicketsForCancellation(tx: Tx, tenantId: string, externalReferenceId: string): Promise<void> {
  await repo.lockEventExclusive(tx, tenantId, externalReferenceId);
}

/**
 * Cancels every live ticket of the shows (Encore show ids), in the caller's transaction: one
 * UPDATE, the history rows in the same statement, one audit row. Returns how many were cancelled.
 */
export async function cancelTicketsOfShowsInTx(
  tx: Tx,
  deps: Pick<Deps, 'clock'>,
  actor: Actor,
  showPks: string[],
  reason: CancellationReason,
): Promise<number> {
  if (showPks.length === 0) return 0;
  const now = deps.clock.now();
  const count = await repo.cancelTicketsOfShows(tx, actor.tenantId, showPks, CANCELLABLE, reason, actor.label, now);
  if (count > 0) {
    await recordAudit(tx, actor, { action: 'tickets.cancelled', entityType: 'show', entityId: showPks.join(','), after: { reason, count, showPks } }, now);
  }
  return count;
}
