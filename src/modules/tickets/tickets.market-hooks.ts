import type { Deps } from '../../app/deps.js';
import type { Tx } from '../../db/tx.js';
import type { Actor } from '../audit/index.js';

/**
 * Tickets leaving the resale market. The listings module depends on the tickets module, never the
 * reverse, so the tickets module cannot end a listing itself: the listings module registers its
 * "end the listings of these tickets" here at start-up, and the tickets module calls every hook,
 * inside its own transaction (the listing ends with the change or not at all), whenever a LISTED
 * ticket is deleted, admitted, or changes owner by PUT.
 *
 * Hooks are plain functions that take the caller's `deps`, never closures over a runtime's: a
 * process registers each once, however many runtimes it opens (tests open many), and a hook can
 * never act with a runtime that has been closed.
 */

export type MarketExitReason = 'TICKET_DELETED' | 'TICKET_ADMITTED' | 'OWNER_CHANGED';
export type MarketExitDeps = Pick<Deps, 'db' | 'clock' | 'queue'>;
export type MarketExitHook = (tx: Tx, deps: MarketExitDeps, actor: Actor, tenantId: string, ticketIds: readonly string[], reason: MarketExitReason, now: Date) => Promise<void>;

// A Set of module-level functions: registering the same one again adds nothing.
const hooks = new Set<MarketExitHook>();

export function onTicketsLeaveMarket(hook: MarketExitHook): void {
  hooks.add(hook);
}

/** Calls every registered hook, one after the other, in the caller's transaction. */
export async function ticketsLeftMarket(
  tx: Tx,
  deps: MarketExitDeps,
  actor: Actor,
  tenantId: string,
  ticketIds: readonly string[],
  reason: MarketExitReason,
  now: Date,
): Promise<void> {
  if (ticketIds.length === 0) return;
  for (const hook of hooks) await hook(tx, deps, actor, tenantId, ticketIds, reason, now);
}

/** How many hooks are registered (one per behaviour, whatever the number of runtimes). */
export function marketExitHookCount(): number {
  return hooks.size;
}
