import { inLockOrder, withLockTimeout } from '../db/locks.js';
import type { Tx } from '../db/tx.js';
import { AppError } from '../lib/app-error.js';
import { lockTicketOptionCapacity } from '../modules/events/index.js';
import { reportedOptionCapacity } from '../modules/market-data/index.js';
import { placesHeldByOpenIntents } from '../modules/purchase-intents/index.js';
import { countLiveTicketsOfOption } from '../modules/tickets/index.js';

/**
 * Capacity check of SPEC §7 under the ticket options' row locks (sorted, so two carts never
 * deadlock): capacity (the integrator's reported inventory of the option, else the catalogue's) − live tickets (tickets) − places held by other open intents
 * (purchase-intents) must cover the cart. The lock serialises every checking create of an option;
 * READ COMMITTED gives each count a fresh snapshot taken after the previous holder committed, so
 * parallel intents never overshoot. In the caller's transaction (creating an intent, replacing its
 * items).
 */
export async function checkAvailability(tx: Tx, tenantId: string, showPk: string, wanted: Map<string, { amount: number; index: number }>, now: Date): Promise<void> {
  for (const optionId of inLockOrder(wanted.keys())) {
    const { amount, index } = wanted.get(optionId)!;
    // Waited past the lock timeout behind other reservations of this option: a retryable 503, not a 500.
    const locked = await withLockTimeout(
      () => lockTicketOptionCapacity(tx, tenantId, showPk, optionId),
      () => new AppError('SERVICE_UNAVAILABLE', `ticket type ${optionId} is busy with other reservations; retry shortly`),
    );
    if (!locked) continue;
    // The capacity the integrator reported for the option (inventory details) wins over the catalogue's.
    const capacity = (await reportedOptionCapacity(tx, tenantId, showPk, optionId)) ?? locked.capacity;
    if (capacity === null) continue;
    const issued = await countLiveTicketsOfOption(tx, tenantId, showPk, optionId);
    const held = await placesHeldByOpenIntents(tx, tenantId, showPk, optionId, now);
    const left = Math.max(0, capacity - issued - held);
    if (left < amount) {
      throw new AppError('NOT_ENOUGH_AVAILABILITY', `only ${left} of ticket type ${optionId} left; the cart asks for ${amount}`, {
        field: `tickets[${index}].amount`,
        details: { ticketTypeId: optionId, available: left, requested: amount },
      });
    }
  }
}
