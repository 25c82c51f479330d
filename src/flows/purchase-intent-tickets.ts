import type { Deps } from '../app/deps.js';
import type { Actor } from '../modules/audit/index.js';
import { cartTickets, changeIntent, requireTicketsToCreate, showOf, strategyOf, ticketsCreatedChange, ticketsToIssue, type IntentView } from '../modules/purchase-intents/index.js';
import { issueTicketsForIntent } from '../modules/tickets/index.js';

/**
 * `POST /api/purchaseintents/:id/create-tickets` (SPEC §7): issues the real tickets (tickets module)
 * of an intent whose strategy did not (RESERVED, VALID with the strategy's `createValidTickets`), in
 * the intent's change transaction. Once only. The places were already counted through the intent's
 * lines; from now on its tickets count instead.
 */
export async function createTicketsOfIntent(deps: Pick<Deps, 'db' | 'clock' | 'queue'>, actor: Actor, id: string): Promise<IntentView> {
  return changeIntent(deps, actor, id, async (row, now, tx) => {
    requireTicketsToCreate(row, now);
    const { event, show } = await showOf(tx, row);
    const strategy = await strategyOf(tx, row);
    const intent = { id: row.id, currency: row.currency, customerId: row.customer_id };
    const ids = await issueTicketsForIntent(tx, actor, ticketsToIssue(intent, event, show.id, strategy.availabilityStrategy.createValidTickets, cartTickets(row)), now);
    return ticketsCreatedChange(actor, now, ids.length);
  });
}
