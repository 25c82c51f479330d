import type { Tx } from '../../db/tx.js';
import type { Actor } from '../audit/index.js';

/**
 * Tickets leaving the resale market. The listings module depends on the tickets module, never the
 * reverse, so the tickets module cannot end a listing itself: the listings module registers its
 * "end the listings of these tickets" here at start-up, and the tickets module calls every hook,
 * inside its own transaction (the listing ends with the change or not at all), whenever a LISTED
 * ticket is deleted, admitted, or changes owner by PUT.
 */

export type MarketExitReason = 'TICKET_DELETED' | 'TICKET_ADMITTED' | 'OWNER_CHANGED';
export type MarketExitHook = (tx: Tx, actor: Actor, tenantId: string, ticketIds: readonly string[], reason: MarketExitReason, now: Date) => Promise<void>;

// A Set: registering the same function again is harmless (tests build many runtimes in one process).
const hooks = new Set<MarketExitHook>();

export function onTicketsLeaveMarket(hook: MarketExitHook): void {
  hooks.add(hook);
}

/** Calls every registered hook, one after the other, in the caller's transaction. */
export async function ticketsLeftMarket(tx: Tx, actor: Actor, tenantId: string, ticketIds: readonly string[], reason: MarketExitReason, now: Date): Promise<void> {
  if (ticketIds.length === 0) return;
  for (const hook of hooks) await hook(tx, actor, tenantId, ticketIds, reason, now);
}
