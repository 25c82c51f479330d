import type { Deps } from '../app/deps.js';
import { withTx } from '../db/tx.js';
import type { Actor } from '../modules/audit/index.js';
import {
  announceNewIntent,
  buildCart,
  insertIntentInTx,
  insertIntentLines,
  resolveShow,
  resolveStrategy,
  ticketsToIssue,
  type CreateIntentBody,
  type IntentView,
} from '../modules/purchase-intents/index.js';
import { issueTicketsForIntent } from '../modules/tickets/index.js';
import { checkAtCommit, refusalOf } from './purchase-intent-availability.js';

/**
 * `POST /api/purchaseintents` (SPEC §7), one transaction: the show it names (events), the cart priced
 * against it and, when the strategy checks availability, a first look at the options' capacity
 * counters (refusing at once what they cannot cover); the intent with its seats, its audit row and
 * `purchaseIntent.created` (purchase-intents); its tickets when the strategy issues them at once
 * (tickets); its lines. The places the tickets and lines take reach the counters at COMMIT, where
 * they are checked under the counters' row locks (flows/purchase-intent-availability.ts): other
 * creates of an option wait for this one only while it commits.
 */
export async function createIntent(deps: Pick<Deps, 'db' | 'clock' | 'queue'>, actor: Actor, body: CreateIntentBody): Promise<IntentView> {
  let wanted: Map<string, { amount: number; index: number }> | undefined;
  try {
    return await withTx(deps.db, async (tx) => {
      const now = deps.clock.now();
      const { event, show } = await resolveShow(tx, actor.tenantId, body.eventId);
      const strategy = await resolveStrategy(tx, actor.tenantId, body, event);
      const cart = buildCart(show, event.currency, body, now);
      const { checkAvailability: checked, createTickets, createValidTickets } = strategy.availabilityStrategy;
      if (checked) {
        wanted = cart.wanted;
        await checkAtCommit(tx, actor.tenantId, show.id, cart.wanted, now);
      }
      const row = await insertIntentInTx(tx, actor, { body, event, show, strategy, cart, now });
      const view = await announceNewIntent(tx, deps, actor, row, now);
      if (createTickets) {
        const intent = { id: row.id, currency: event.currency, customerId: body.customerId ?? null };
        await issueTicketsForIntent(tx, actor, ticketsToIssue(intent, event, show.id, createValidTickets, cart.tickets), now);
      }
      await insertIntentLines(tx, row, cart);
      return view;
    });
  } catch (err) {
    throw (wanted && refusalOf(err, wanted)) ?? err;
  }
}
