import type { Executor } from '../../db/tx.js';
import { ticketsRepository as repo } from './tickets.repository.js';

/** The tickets a purchase intent issued, in issue order (its public `GET …/tickets`). */
export async function ticketsIssuedByIntent(ex: Executor, tenantId: string, intentId: string) {
  return repo.ticketsIssuedByIntent(ex, tenantId, intentId);
}
