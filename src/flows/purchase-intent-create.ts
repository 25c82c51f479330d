import type { Deps } from '../app/deps.js';
import { withTx } from '../db/tx.js';
import type { Actor } from '../modules/audit/index.js';
import {
  announceNewIntent,
  buildCart,
  insertIntentInTx,
  resolveShow,
  resolveStrategy,
  ticketsToIssue,
  type CreateIntentBody,
  type IntentView,
} from '../modules/purchase-intents/index.js';
import { issueTicketsForIntent } from '../modules/tickets/index.js';
import { checkAvailability } from './purchase-intent-availability.js';

/**
 * `POST /api/purchaseintents` (SPEC §7), one transaction: the show it names (events), the cart priced
 * against it and, when the strategy checks availability, the capacity check under the ticket-option
 * locks; the intent with its lines and seats (purchase-intents); its tickets when the strategy issues
 * them at once (tickets); then the audit row and `purchaseIntent.created`.
 */
export async function createIntent(deps: Pick<Deps, 'db' | 'clock' | 'queue'>, actor: Actor, body: CreateIntentBody): Promise<IntentView> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const { event, show } = await resolveShow(tx, actor.tenantId, body.eventId);
    const strategy = await resolveStrategy(tx, actor.tenantId, body, event);
    const cart = buildCart(show, event.currency, body, now);
    const { checkAvailability: checked, createTickets, createValidTickets } = strategy.availabilityStrategy;
    if (checked) await checkAvailability(tx, actor.tenantId, show.id, cart.wanted, now);
    const row = await insertIntentInTx(tx, actor, { body, event, show, strategy, cart, now });
    if (createTickets) {
      const intent = { id: row.id, currency: event.currency, customerId: body.customerId ?? null };
      await issueTicketsForIntent(tx, actor, ticketsToIssue(intent, event, show.id, createValidTickets, cart.tickets), now);
    }
    return announceNewIntent(tx, deps, actor, row, now);
  });
}
