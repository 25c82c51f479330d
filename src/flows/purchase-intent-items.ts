import type { Deps } from '../app/deps.js';
import type { Actor } from '../modules/audit/index.js';
import {
  changeIntent,
  dropLines,
  itemsAmendedChange,
  itemsReplacedChange,
  pickTicketRanges,
  replacementCart,
  requireAmendable,
  showOf,
  shrinkCart,
  strategyOf,
  takeCart,
  type AmendItemsBody,
  type IntentView,
  type ReplaceItemsBody,
} from '../modules/purchase-intents/index.js';
import { invalidateTicketsOfIntent, lockIssuedTicketsOfIntent } from '../modules/tickets/index.js';
import { checkAvailability, confirmAvailability } from './purchase-intent-availability.js';

/**
 * The cart changes of an existing purchase intent that reach other modules (SPEC §7, issue 5), each
 * in the intent's change transaction (`changeIntent`: lock, history, `__v`, audit, webhook). The
 * split, which stays inside the purchase-intents module, is `splitIntent` there.
 */

type ItemsDeps = Pick<Deps, 'db' | 'clock' | 'queue'>;

/**
 * `PUT /api/purchaseintents/:id/items`: replaces the cart's `tickets` (and `products` when sent).
 * Availability is re-checked against the options' capacity counters when the strategy checks it,
 * counting only the other intents (this one's lines are dropped first); then the lines and seats
 * follow the new cart and the capacity is confirmed under the counters' row locks.
 */
export async function replaceItems(deps: ItemsDeps, actor: Actor, id: string, body: ReplaceItemsBody): Promise<IntentView> {
  return changeIntent(deps, actor, id, async (row, now, tx) => {
    const cart = await replacementCart(tx, row, body, now);
    const strategy = await strategyOf(tx, row);
    await dropLines(tx, row);
    const checked = strategy.availabilityStrategy.checkAvailability;
    const catalogue = checked ? new Map((await showOf(tx, row)).show.ticketOptions.map((o) => [o.ticketId, o.capacity])) : new Map<string, number | null>();
    const capacities = checked ? await checkAvailability(tx, row.tenant_id, row.show_pk, cart.wanted, catalogue, now) : undefined;
    await takeCart(tx, row, cart, now);
    if (capacities) await confirmAvailability(tx, row.tenant_id, row.show_pk, cart.wanted, capacities, now);
    return itemsReplacedChange(actor, row, cart, now);
  });
}

/**
 * `PATCH /api/purchaseintents/:id/items` with `$invalidateTicketRanges`: the ranged tickets of the
 * intent (locked in issue order by the tickets module) stop taking a place (RESERVED → INVALID;
 * VALID, from `createValidTickets`, → CANCELLED: the ticket lifecycle has no VALID → INVALID), and
 * the cart loses one place per ticket (of its ticket option), prices recomputed.
 */
export async function amendItems(deps: ItemsDeps, actor: Actor, id: string, body: AmendItemsBody): Promise<IntentView> {
  return changeIntent(deps, actor, id, async (row, now, tx) => {
    const ranges = requireAmendable(row, now, body);
    const chosen = pickTicketRanges(row, ranges, await lockIssuedTicketsOfIntent(tx, actor.tenantId, row.id));
    await invalidateTicketsOfIntent(tx, actor, row.id, 'purchaseIntent.itemsAmended', now, chosen.map((t) => t.ticket_id));
    const cart = await shrinkCart(tx, row, chosen, now);
    return itemsAmendedChange(actor, row, cart, chosen, now);
  });
}
