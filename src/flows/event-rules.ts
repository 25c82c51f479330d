import type { Deps } from '../app/deps.js';
import { withTx } from '../db/tx.js';
import type { Actor } from '../modules/audit/index.js';
import { upsertRulesInTx, type RuleItemBody, type RuleView } from '../modules/events/index.js';
import { lockTicketWritersOfEvents } from '../modules/tickets/index.js';
import { applyShieldRulesInTx } from './ticket-shield.js';

/**
 * POST /v1/events/rules across modules in ONE transaction: the rules (events) and, when the batch
 * touches TICKET_SHIELD, the access status of the events' existing tickets (ticket-shield.ts) commit
 * together.
 *
 * Lock order as in event cancellation: the events' ticket-writers lock (exclusive) first, then the
 * event rows (inside upsertRulesInTx), then ticket rows. Ticket writers hold the shared side while
 * they read the rules and insert, so each ticket is either written before this change (and
 * re-shielded by it) or after it commits (and shielded at write time by the new rules).
 */
export async function upsertRulesWithShield(deps: Pick<Deps, 'db' | 'clock' | 'queue'>, actor: Actor, items: RuleItemBody[]): Promise<RuleView[]> {
  const shielded = items.filter((it) => it.ruleType === 'TICKET_SHIELD').map((it) => it.externalReferenceEventId);
  return withTx(deps.db, async (tx) => {
    await lockTicketWritersOfEvents(tx, actor.tenantId, shielded);
    const views = await upsertRulesInTx(tx, deps, actor, items);
    if (shielded.length > 0) await applyShieldRulesInTx(tx, deps, actor, shielded);
    return views;
  });
}
