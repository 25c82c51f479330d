import type { Deps } from '../app/deps.js';
import { withTx, type Tx } from '../db/tx.js';
import type { Actor } from '../modules/audit/index.js';
import { lockCompletedOrdersOfShows, lockOpenIntentionsOfShows, markOrderRefundPending, moveIntention } from '../modules/orders/index.js';
import { cancelEventInTx, type EventView } from '../modules/events/index.js';
import { endListingsOfShows, releaseListingsOf } from '../modules/listings/index.js';
import { requestRefund } from '../modules/payments/index.js';
import { cancelPayoutsOfOrders } from '../modules/payouts/index.js';
import { cancelTicketsOfShowsInTx, lockEventTicketsForCancellation } from '../modules/tickets/index.js';

/**
 * Cancelling an event or one show (SPEC §2), across modules in ONE transaction: the catalogue
 * change (events), the cancellation of the affected tickets (tickets), and the marketplace's
 * consequences: open listings end, open buy intentions are cancelled (a payment in flight is then
 * refunded when it confirms), paid resale orders go to REFUND_PENDING with a refund job, and their
 * scheduled seller payouts are cancelled. Everything commits together or not at all.
 *
 * Lock order: the event's ticket-writers lock (exclusive) first, then the event row (inside
 * cancelEventInTx), then intentions, listings, orders and payouts, then tickets. Ticket writers take
 * the same writers lock in shared mode before reading the catalogue, so every ticket either was
 * written before this cancellation (and is cancelled by it) or is written after it commits (and is
 * refused: its show is cancelled). A purchase confirming at the same moment locks intention →
 * listings → tickets, the same order, so the two serialise instead of deadlocking: whichever takes
 * the intention first decides (paid then refunded, or cancelled then refunded when it confirms).
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
    const reason = showId === undefined ? 'EVENT_CANCELLED' : 'SHOW_CANCELLED';
    // The marketplace first, then the tickets: a purchase confirming at the same moment locks its
    // intention, then listings, then tickets, and this transaction takes them in that order too.
    await unwindResale(tx, deps, actor, outcome.cancelledShowIds, reason);
    await cancelTicketsOfShowsInTx(tx, deps, actor, outcome.cancelledShowIds, reason);
    return outcome.event;
  });
}

async function unwindResale(tx: Tx, deps: Pick<Deps, 'db' | 'clock' | 'queue'>, actor: Actor, showPks: readonly string[], reason: string): Promise<void> {
  if (showPks.length === 0) return;
  const now = deps.clock.now();
  for (const intention of await lockOpenIntentionsOfShows(tx, actor.tenantId, showPks)) {
    await moveIntention(tx, deps, actor, intention, 'CANCELLED', now);
    await releaseListingsOf(tx, deps, actor.tenantId, intention.id, now);
  }
  await endListingsOfShows(tx, deps, actor, showPks, reason, now);
  const orders = await lockCompletedOrdersOfShows(tx, actor.tenantId, showPks);
  for (const order of orders) {
    await markOrderRefundPending(tx, deps, actor, order, reason, 'REFUNDED_SHOW_CANCELLED', now);
    await requestRefund(tx, deps, actor.tenantId, order.payment_id);
  }
  await cancelPayoutsOfOrders(tx, deps, actor, orders.map((o) => o.id), reason, now);
}
