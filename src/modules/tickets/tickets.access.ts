import { inLockOrder } from '../../db/locks.js';
import type { Executor, Tx } from '../../db/tx.js';
import { AccessShield, type DueCell, type ShieldCell } from '../ticket-shield/index.js';
import { accessRepository as repo } from './tickets.access.repository.js';
import { ticketsRepository } from './tickets.repository.js';

/**
 * Locked access codes (TICKET_SHIELD, ADR 0009), the tickets module's side: with its repository,
 * the only place in this module that knows the ticket-shield module (ticket writers take the
 * override from here). The shield decides (rules, verdicts, announcements,
 * in modules/ticket-shield); this module stores its decisions on its own table:
 * - at write time every ticket writer passes each ticket through the shield's `AccessShield`
 *   (ticket-shield depends on events only, so tickets may import it without a cycle);
 * - in bulk, flows/ticket-shield.ts locks and opens whole (show, option, price type) cells through
 *   the statements below, after a rule change and in the unlock sweep.
 */

export { AccessShield };

/**
 * Waits for ticket writes in flight on these events and keeps new ones out until commit (the
 * exclusive side of the writers' lock, in the same lock order as the shared side): a rule change
 * then sees every ticket a writer committed, and every later writer sees the new rules.
 */
export async function lockTicketWritersOfEvents(tx: Tx, tenantId: string, externalReferenceIds: readonly string[]): Promise<void> {
  for (const ref of inLockOrder(externalReferenceIds)) await ticketsRepository.lockEventExclusive(tx, tenantId, ref);
}

/**
 * Brings existing tickets in line with the shield after a rule change, in the caller's
 * transaction: `holding` cells are locked until their time, `released` cells become due at theirs.
 */
export async function shieldTicketsInTx(
  tx: Tx,
  tenantId: string,
  cells: { holding: readonly ShieldCell[]; released: readonly ShieldCell[] },
  actor: string,
  now: Date,
): Promise<{ lockedTicketIds: string[]; released: number }> {
  const lockedTicketIds = await repo.lockCells(tx, tenantId, cells.holding, actor, now);
  const released = await repo.releaseCells(tx, tenantId, cells.released, now);
  return { lockedTicketIds, released };
}

/** Across tenants: the cells with shield-locked tickets due by `now` (the unlock job's sweep). */
export async function findDueShieldCells(ex: Executor, now: Date, limit: number): Promise<DueCell[]> {
  return repo.findDueCells(ex, now, limit);
}

/** Opens one show's due shield-locked tickets in the caller's transaction; returns the ids opened. */
export async function unlockDueShieldedTickets(
  tx: Tx,
  tenantId: string,
  showPk: string,
  cells: readonly { ticketOptionId: string; priceTypeId: string | null }[],
  now: Date,
  actor: string,
  historyData: unknown,
): Promise<string[]> {
  return repo.unlockDue(tx, tenantId, showPk, cells, now, actor, historyData);
}
