import type { Executor, Tx } from '../../db/tx.js';
import { hasShieldRules, shieldUnlockAt } from '../events/index.js';
import { accessShieldRepository as repo, type DueCell, type ShieldCell } from './access-shield.repository.js';
import type { Resolved } from './tickets.catalogue.js';
import type { NormalizedTicket } from './tickets.normalize.js';
import { ticketsRepository } from './tickets.repository.js';

/**
 * The tickets module's side of TICKET_SHIELD (ADR 0009): the write-time override used by every
 * ticket writer, and the bulk lock/unlock statements the ticket-shield module drives.
 */

export type { DueCell, ShieldCell };

/**
 * Per batch of written tickets: forces LOCKED (and records when it opens) on tickets an enabled
 * shield still holds at `now`. The event's rules come with the catalogue the batch already loaded,
 * and the verdict is memoised per (show, option, price type), so a batch of any size costs no
 * query and a few map look-ups per ticket. The content hash was computed before, on what the
 * integrator sent, so an identical re-send stays UNCHANGED whether or not the shield holds.
 */
export class AccessShield {
  private readonly verdicts = new Map<string, Date | null>();
  private readonly shielded = new Map<string, boolean>();

  constructor(private readonly now: Date) {}

  apply(ticket: NormalizedTicket, { event, show }: Resolved): void {
    // A code the integrator itself sent LOCKED stays theirs to open: the shield never marks it.
    if (ticket.accessStatus !== 'UNLOCKED') return;
    let any = this.shielded.get(event.id);
    if (any === undefined) this.shielded.set(event.id, (any = hasShieldRules(event.rules)));
    if (!any) return;
    const key = `${show.id}\u0000${ticket.ticketOptionId}\u0000${ticket.priceTypeId ?? '\u0001'}`;
    let unlockAt = this.verdicts.get(key);
    if (unlockAt === undefined) this.verdicts.set(key, (unlockAt = shieldUnlockAt(event.rules, show, ticket.ticketOptionId, ticket.priceTypeId)));
    if (unlockAt !== null && this.now < unlockAt) {
      ticket.accessStatus = 'LOCKED';
      ticket.accessUnlockAt = unlockAt;
    }
  }
}

/**
 * Waits for ticket writes in flight on these events and keeps new ones out until commit (the
 * exclusive side of the writers' lock, in sorted order): a rule change then sees every ticket a
 * writer committed, and every later writer sees the new rules.
 */
export async function lockTicketWritersOfEvents(tx: Tx, tenantId: string, externalReferenceIds: readonly string[]): Promise<void> {
  for (const ref of [...new Set(externalReferenceIds)].sort()) await ticketsRepository.lockEventExclusive(tx, tenantId, ref);
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
