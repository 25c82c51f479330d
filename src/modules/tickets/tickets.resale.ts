import { inLockOrder, setLockTimeout } from '../../db/locks.js';
import type { Executor, Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { transition } from '../../lib/state-machine.js';
import type { Actor } from '../audit/index.js';
import { recordTicketHistoryMany } from './tickets.history.js';
import { resaleRepository as repo, type ResaleRow } from './resale.repository.js';
import { TICKET_STATES } from './tickets.states.js';
import type { TicketStatus } from './tickets.tables.js';

/**
 * The tickets module's side of the resale marketplace (SPEC §3, §4): what the listings module and
 * the resale flow read of a ticket, and the status changes the market makes (listed, unlisted; a
 * sale changes the owner through tickets.ownership.ts, shared with the fan-to-fan transfer). Every
 * function runs in the caller's transaction; the caller locks first (lockTicketsForResale), so the
 * guards below read rows nobody else can change.
 */

export interface ResaleTicket {
  ticketId: string;
  eventId: string;
  showPk: string;
  ticketOptionId: string;
  priceTypeId: string | null;
  status: TicketStatus;
  buyerEmail: string | null;
  priceMinor: number | null;
  currency: string;
  orderId: string | null;
  seat: { row?: string; seat?: string; section?: string; door?: string } | null;
  accessReissuePending: boolean;
}

const ticketNotFound = (ticketId: string): AppError => new AppError('TICKET_NOT_FOUND', `ticket ${ticketId} does not exist`);

// PostgreSQL text cannot hold NUL: such an id names no ticket (and would be a 22021 error).
export const storable = (id: string): boolean => !id.includes('\u0000');

/** Distinct, storable, sorted: the lock order every writer of several tickets follows. */
export function idsOf(ticketIds: readonly string[]): string[] {
  return inLockOrder(ticketIds).filter(storable);
}

function seatOf(props: unknown): ResaleTicket['seat'] {
  const seating = (props as { seating?: unknown } | null)?.seating;
  if (!seating || typeof seating !== 'object') return null;
  const s = seating as Record<string, unknown>;
  const seat: NonNullable<ResaleTicket['seat']> = {};
  for (const key of ['row', 'seat', 'section', 'door'] as const) {
    const v = s[key];
    if (typeof v === 'string') seat[key] = v;
    else if (typeof v === 'number') seat[key] = String(v);
  }
  return seat;
}

function toResale(r: ResaleRow): ResaleTicket {
  return {
    ticketId: r.ticket_id,
    eventId: r.event_id,
    showPk: r.show_pk,
    ticketOptionId: r.ticket_option_id,
    priceTypeId: r.price_type_id,
    status: r.status,
    buyerEmail: r.buyer_email,
    priceMinor: r.price_minor === null ? null : Number(r.price_minor),
    currency: r.currency,
    orderId: r.order_id,
    seat: seatOf(r.props),
    accessReissuePending: r.access_reissue_pending,
  };
}

/** The named tickets and every ticket of the named orders (a fan's "my tickets"), read without locking. */
export async function findTicketsForSeller(ex: Executor, tenantId: string, ticketIds: readonly string[], orderIds: readonly string[]): Promise<ResaleTicket[]> {
  return (await repo.findByIdsOrOrders(ex, tenantId, idsOf(ticketIds), idsOf(orderIds))).map(toResale);
}

/**
 * Row-locks the named tickets of the tenant (FOR UPDATE, in ticket_id order so two writers over the
 * same tickets queue instead of deadlocking, under a lock timeout); missing ids are simply absent.
 */
export async function lockTicketsForResale(tx: Tx, tenantId: string, ticketIds: readonly string[]): Promise<ResaleTicket[]> {
  const ids = idsOf(ticketIds);
  if (ids.length === 0) return [];
  // A writer stuck behind another fails fast (lock timeout) instead of piling up.
  await setLockTimeout(tx);
  return (await repo.lockForResale(tx, tenantId, ids)).map(toResale);
}

/** The tickets of an integrator order (`order_id`), without locks, in ticket_id order. */
export async function findTicketsOfOrder(ex: Executor, tenantId: string, orderId: string): Promise<ResaleTicket[]> {
  if (!storable(orderId)) return [];
  return (await repo.findOfOrder(ex, tenantId, orderId)).map(toResale);
}

/**
 * VALID → LISTED for every named ticket, all or nothing: a missing ticket is TICKET_NOT_FOUND, one the
 * state machine does not let become LISTED is INVALID_STATE_TRANSITION. History LISTED {listingId}.
 */
export async function markTicketsListed(tx: Tx, actor: Actor, tenantId: string, ticketIds: readonly string[], listingId: string, now: Date): Promise<void> {
  const requested = [...new Set(ticketIds)].sort();
  if (requested.length === 0) return;
  const ids = requested.filter(storable);
  const rows = ids.length === 0 ? [] : await repo.lockStatuses(tx, tenantId, ids);
  const found = new Map(rows.map((r) => [r.ticket_id, r.status]));
  for (const id of requested) {
    const status = found.get(id);
    if (status === undefined) throw ticketNotFound(id);
    transition(TICKET_STATES, `ticket ${id}`, status, 'LISTED');
  }
  await repo.setStatus(tx, tenantId, ids, 'LISTED', now);
  await recordTicketHistoryMany(
    tx,
    ids.map((ticketId) => ({ tenantId, ticketId, kind: 'LISTED' as const, actor, data: { listingId }, at: now })),
  );
}

/** LISTED → VALID for the named tickets still LISTED (others untouched, no error), history UNLISTED {listingId, reason}. */
export async function markTicketsUnlisted(
  tx: Tx,
  actor: Actor,
  tenantId: string,
  ticketIds: readonly string[],
  listingId: string,
  reason: string,
  now: Date,
): Promise<void> {
  const ids = idsOf(ticketIds);
  if (ids.length === 0) return;
  const to = transition(TICKET_STATES, 'a listed ticket', 'LISTED', 'VALID');
  const unlisted = await repo.changeStatus(tx, tenantId, ids, 'LISTED', to, now);
  if (unlisted.length === 0) return;
  await recordTicketHistoryMany(
    tx,
    unlisted
      .sort()
      .map((ticketId) => ({ tenantId, ticketId, kind: 'UNLISTED' as const, actor, data: { listingId, reason }, at: now })),
  );
}
