import { inLockOrder, isLockTimeout, LOCK_TIMEOUT_MS, setLockTimeout, withLockTimeout } from '../db/locks.js';
import type { Tx } from '../db/tx.js';
import { AppError } from '../lib/app-error.js';
import { lockTicketOptionCapacity } from '../modules/events/index.js';
import { reportedOptionCapacity } from '../modules/market-data/index.js';
import {
  capacityCounter,
  capacityRefusalOf,
  lockCapacityCounter,
  placesHeldByOpenIntents,
  precheckCapacity,
  releaseExpiredHolds,
  type CapacityCounter,
} from '../modules/purchase-intents/index.js';
import { countLiveTicketsOfOption } from '../modules/tickets/index.js';

/**
 * The capacity check of SPEC §7 (issue 13, item 3): capacity (the integrator's reported inventory of
 * the option, else the catalogue's) − live tickets − places held by open intents must cover the cart.
 * Both numbers are one counter row per (show, option), kept by triggers (migration 0029), so the
 * check is never a count, and its row lock is held only at the end of the writing transaction:
 *
 * 1. Before any write and without a lock: a cart the committed counter cannot cover is refused at
 *    once (what every buyer after the last place meets, cheaply).
 * 2. A create (`checkAtCommit`, one statement for 1 and 2) then defers its counter changes to its
 *    commit: the counters are changed, locked and checked in the COMMIT itself, and a cart past the
 *    capacity fails the commit (`refusalOf` turns that into the 400). Other creates of the option
 *    wait only for a commit. A cart replacement (`checkAvailability`) instead writes its lines and
 *    confirms under the counters' row locks (`confirmAvailability`).
 *
 * Expired holds the sweeper has not cancelled yet stop holding when a check would otherwise refuse.
 * An option without a counter row (none is expected: rows follow every ticket option) falls back to
 * the former check: the option's row lock and counting.
 */

type Wanted = Map<string, { amount: number; index: number }>;
export type OptionCapacities = ReadonlyMap<string, number | null>;

function busy(optionId: string): AppError {
  return new AppError('SERVICE_UNAVAILABLE', `ticket type ${optionId} is busy with other reservations; retry shortly`);
}

function shortage(optionId: string, index: number, left: number, amount: number): AppError {
  return new AppError('NOT_ENOUGH_AVAILABILITY', `only ${left} of ticket type ${optionId} left; the cart asks for ${amount}`, {
    field: `tickets[${index}].amount`,
    details: { ticketTypeId: optionId, available: left, requested: amount },
  });
}

const taken = (c: CapacityCounter): number => c.held + c.tickets;

/** The capacity of each wanted option: the integrator's reported one, else the catalogue's (null = unlimited). */
async function capacitiesOf(tx: Tx, tenantId: string, showPk: string, wanted: Wanted, catalogue: OptionCapacities): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  for (const optionId of wanted.keys()) out.set(optionId, (await reportedOptionCapacity(tx, tenantId, showPk, optionId)) ?? catalogue.get(optionId) ?? null);
  return out;
}

/**
 * Step 1, before the intent's writes: refuses a cart the committed counters cannot cover (after
 * releasing expired holds). Returns the capacities for `confirmAvailability`.
 */
export async function checkAvailability(tx: Tx, tenantId: string, showPk: string, wanted: Wanted, catalogue: OptionCapacities, now: Date): Promise<Map<string, number | null>> {
  const capacities = await capacitiesOf(tx, tenantId, showPk, wanted, catalogue);
  await setLockTimeout(tx);
  for (const optionId of inLockOrder(wanted.keys())) {
    const capacity = capacities.get(optionId) ?? null;
    if (capacity === null) continue;
    const { amount, index } = wanted.get(optionId)!;
    const counter = await capacityCounter(tx, tenantId, showPk, optionId);
    if (counter === undefined) {
      await legacyCheck(tx, tenantId, showPk, optionId, capacity, amount, index, now);
      continue;
    }
    if (capacity - taken(counter) >= amount) continue;
    // Releasing may have waited for another create that released the same holds first: read again.
    await withLockTimeout(() => releaseExpiredHolds(tx, tenantId, showPk, optionId, now), () => busy(optionId));
    const fresh = await capacityCounter(tx, tenantId, showPk, optionId);
    const left = Math.max(0, capacity - (fresh === undefined ? 0 : taken(fresh)));
    if (left < amount) throw shortage(optionId, index, left, amount);
  }
  return capacities;
}

/**
 * Steps 1 and 2 of a create, one statement: refuses a cart the committed counters cannot cover (after
 * releasing expired holds); otherwise the transaction's counter changes are checked at its commit.
 */
export async function checkAtCommit(tx: Tx, tenantId: string, showPk: string, wanted: Wanted, now: Date): Promise<void> {
  const list = inLockOrder(wanted.keys()).map((optionId) => ({ optionId, amount: wanted.get(optionId)!.amount }));
  const short = await withLockTimeout(() => precheckCapacity(tx, tenantId, showPk, list, now, LOCK_TIMEOUT_MS), () => busy(list.map((w) => w.optionId).join(', ')));
  const first = short[0];
  if (first) throw shortage(first.ticketOptionId, wanted.get(first.ticketOptionId)?.index ?? 0, first.available, wanted.get(first.ticketOptionId)?.amount ?? 0);
}

/** The 400 (or 503) for a create whose commit the capacity check refused; else undefined. */
export function refusalOf(err: unknown, wanted: Wanted): AppError | undefined {
  const refused = capacityRefusalOf(err);
  if (refused) {
    const w = wanted.get(refused.ticketOptionId);
    return shortage(refused.ticketOptionId, w?.index ?? 0, refused.available, w?.amount ?? 0);
  }
  if (isLockTimeout(err)) return busy([...wanted.keys()].join(', '));
  return undefined;
}

/**
 * Step 3 of a cart replacement, after the intent's lines and tickets are written (each option's places are in its counter,
 * whose row lock this transaction holds): refuses the whole transaction past the capacity.
 */
export async function confirmAvailability(tx: Tx, tenantId: string, showPk: string, wanted: Wanted, capacities: ReadonlyMap<string, number | null>, now: Date): Promise<void> {
  for (const optionId of inLockOrder(wanted.keys())) {
    const capacity = capacities.get(optionId) ?? null;
    if (capacity === null) continue;
    const { amount, index } = wanted.get(optionId)!;
    let counter = await withLockTimeout(() => lockCapacityCounter(tx, tenantId, showPk, optionId), () => busy(optionId));
    // No counter: checked by the fallback under the option's row lock in step 1.
    if (counter === undefined || taken(counter) <= capacity) continue;
    if ((await releaseExpiredHolds(tx, tenantId, showPk, optionId, now)) > 0) counter = await lockCapacityCounter(tx, tenantId, showPk, optionId);
    if (counter !== undefined && taken(counter) > capacity) throw shortage(optionId, index, Math.max(0, capacity - taken(counter) + amount), amount);
  }
}

/** The former check: the option's row lock serialises the checking creates, which count under it. */
async function legacyCheck(tx: Tx, tenantId: string, showPk: string, optionId: string, capacity: number, amount: number, index: number, now: Date): Promise<void> {
  const locked = await withLockTimeout(() => lockTicketOptionCapacity(tx, tenantId, showPk, optionId), () => busy(optionId));
  if (!locked) return;
  const issued = await countLiveTicketsOfOption(tx, tenantId, showPk, optionId);
  const held = await placesHeldByOpenIntents(tx, tenantId, showPk, optionId, now);
  const left = Math.max(0, capacity - issued - held);
  if (left < amount) throw shortage(optionId, index, left, amount);
}
