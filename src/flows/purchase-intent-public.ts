import type { Deps } from '../app/deps.js';
import { AppError } from '../lib/app-error.js';
import { findShow } from '../modules/events/index.js';
import { paymentInFlight } from '../modules/payments/index.js';
import { assertCustomerMayCancel, cancelIntent, findBySecret, publicActor, publicTicketsView, type IntentView } from '../modules/purchase-intents/index.js';
import { ticketsIssuedByIntent } from '../modules/tickets/index.js';

/**
 * The public, secret-guarded purchase-intent calls that need other modules (SPEC §7, ADR 0011): the
 * intent's tickets (tickets, and the show's option names from events) and the customer's cancel
 * (refused while a payment is in flight: the payments module knows).
 */

/** GET …/:id/tickets: the tickets the intent issued, as the reference shapes them. */
export async function getPublicIntentTickets(deps: Pick<Deps, 'db'>, id: string, secret: string | undefined): Promise<Record<string, unknown>[]> {
  const row = await findBySecret(deps.db, id, secret);
  const tickets = await ticketsIssuedByIntent(deps.db, row.tenant_id, row.id);
  if (tickets.length === 0) return [];
  const found = await findShow(deps.db, row.tenant_id, { id: row.show_pk });
  const options = new Map((found?.show.ticketOptions ?? []).map((o) => [o.ticketId, { title: o.title, priceMinor: o.priceMinor }]));
  return publicTicketsView(row, tickets, options);
}

/** POST …/:id/cancel: the admin cancel (capacity, seats, tickets), refused when the strategy forbids it. */
export async function cancelPublicIntent(deps: Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>, id: string, secret: string | undefined): Promise<IntentView> {
  const row = await findBySecret(deps.db, id, secret);
  assertCustomerMayCancel(row);
  const inflight = await paymentInFlight(deps.db, row.tenant_id, 'PURCHASE_INTENTS', [row.id]);
  if (inflight !== undefined) throw new AppError('PURCHASE_INTENT_NOT_PAYABLE', `purchase intent ${id} cannot be canceled: a payment for it is in progress`);
  return cancelIntent(deps, publicActor(row.tenant_id), id);
}
