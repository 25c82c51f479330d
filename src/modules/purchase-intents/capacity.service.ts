import type { Executor } from '../../db/tx.js';
import { capacityRepository as repo, type CapacityCounter } from './capacity.repository.js';

/**
 * The capacity counters of purchase intents (migration 0029), for the availability check
 * (flows/purchase-intent-availability.ts): what the counter says, under its lock or not, and the
 * release of expired holds.
 */
export type { CapacityCounter };

/**
 * A checking create's first look at its options' counters (one statement): the options the committed
 * counters cannot cover (after releasing expired holds), with the places left. When every option is
 * covered, the rest of the transaction's counter changes wait for its commit, where they are applied
 * and checked against the capacity in one step (a refusal fails the commit: see `capacityRefusalOf`),
 * so the counters' row locks are held only while it commits.
 */
export async function precheckCapacity(
  ex: Executor,
  tenantId: string,
  showPk: string,
  wanted: readonly { optionId: string; amount: number }[],
  now: Date,
  lockTimeoutMs: number,
): Promise<{ ticketOptionId: string; available: number }[]> {
  const rows = await repo.precheck(ex, tenantId, showPk, wanted, now, lockTimeoutMs);
  return rows.map((r) => ({ ticketOptionId: r.ticket_option_id, available: r.available }));
}

/** The option and places available when `err` is the commit refused by the capacity check. */
export function capacityRefusalOf(err: unknown): { ticketOptionId: string; available: number } | undefined {
  const e = err as { code?: string; message?: string; detail?: string } | null;
  if (e?.code !== 'P0001' || e.message !== 'purchase_intent_capacity' || typeof e.detail !== 'string') return undefined;
  const d = JSON.parse(e.detail) as { ticketOptionId: string; available: number };
  return { ticketOptionId: d.ticketOptionId, available: d.available };
}

/** The committed counter of a (show, option), without a lock; undefined when it has none. */
export async function capacityCounter(ex: Executor, tenantId: string, showPk: string, ticketOptionId: string): Promise<CapacityCounter | undefined> {
  return repo.read(ex, tenantId, showPk, ticketOptionId);
}

/** The counter under its row lock: exact for the rest of the transaction. */
export async function lockCapacityCounter(ex: Executor, tenantId: string, showPk: string, ticketOptionId: string): Promise<CapacityCounter | undefined> {
  return repo.lock(ex, tenantId, showPk, ticketOptionId);
}

/** Lines of intents past their `expiresAt` (not swept yet) stop holding places of the option; returns how many. */
export async function releaseExpiredHolds(ex: Executor, tenantId: string, showPk: string, ticketOptionId: string, now: Date): Promise<number> {
  return repo.releaseExpiredHolds(ex, tenantId, showPk, ticketOptionId, now);
}
