import type { Deps } from '../app/deps.js';
import { withTx } from '../db/tx.js';
import type { Actor } from '../modules/audit/index.js';
import { cancelEventInTx, type EventView } from '../modules/events/index.js';
import { cancelTicketsOfShowsInTx, lockEventTicketsForCancellation } from '../modules/tickets/index.js';

/**
 * Cancelling an event or one show (SPEC §2), across modules in ONE transaction: the catalogue
 * change (events) and the cancellation of the affected tickets (tickets) commit together or not
 * at all. Later steps (ending listings, refunding orders, cancelling payouts) join here as those
 * modules arrive.
 *
 * Lock order: the event's ticket-writers lock (exclusive) first, then the event row (inside
 * cancelEventInTx). Ticket writers take the same writers lock in shared mode before reading the
 * catalogue, so every ticket either was written before this cancellation (and is cancelled by it)
 * or is written after it commits (and is refused: its show is cancelled).
 */
export async function cancelEventWithTickets(
  deps: Pick<Deps, 'db' | 'clock' | 'queue'>,
  actor: Actor,
  externalReferenceId: string,
  showId?: string,
): Promise<EventView> {
  return withTx(deps.db, async (tx) => {
    await lockEventTicketsForCancellation(tx, actor.tenantId, externalReferenceId);
    const outcome = await cancelEventInTx(tx, deps, actor, externalReferenceId, showId);
    // A named show is a show cancellation even when it was the event's last live one.
    await cancelTicketsOfShowsInTx(tx, deps, actor, outcome.cancelledShowIds, showId === undefined ? 'EVENT_CANCELLED' : 'SHOW_CANCELLED');
    return outcome.event;
  });
}
