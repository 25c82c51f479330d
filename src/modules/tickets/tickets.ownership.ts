import type { Deps } from '../../app/deps.js';
import type { Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { emitWebhooks, type WebhookMessage } from '../webhooks/index.js';
import { ownershipRepository as repo } from './ownership.repository.js';
import { recordTicketHistoryMany } from './tickets.history.js';
import { idsOf, storable } from './tickets.resale.js';
import type { TicketStatus } from './tickets.tables.js';

/**
 * A ticket changes hands (SPEC §3, §4, §4.1 item 8): the one write shared by the resale settlement
 * and the fan-to-fan transfer, so a sold ticket and a given one end up alike. For every ticket, in
 * the caller's transaction:
 *  - the owner becomes the new one (`buyer` = {email, firstName?, lastName?}, `buyer_email` lower-cased);
 *  - the access code is rotated: the old one joins `superseded_locators` (admission refuses it as
 *    ACCESS_CODE_SUPERSEDED), and the ticket waits LOCKED, without a code, until the integrator
 *    re-issues it by PUT (the integrator owns the codes; Encore never invents one);
 *  - a history row (SOLD for a resale, TRANSFERRED for a transfer) and an audit row;
 *  - one `ticket.updated` webhook per ticket, saying why: a resale sends exactly what it always sent
 *    (`{id, newOwnerEmail, previousOwnerEmail, orderId}`, no type); a transfer is typed
 *    `USER_TRANSFER` on the envelope, as menta's webhooks name the variant of an event.
 * All or nothing: a ticket missing or not in a status the reason allows rolls the whole call back.
 */

export type OwnershipChangeReason =
  /** A paid resale order: from LISTED (sold through its listing) or VALID (its listing already ended). */
  | { type: 'RESALE'; orderId: string; listingId: string }
  /** A fan gave the ticket away (the TRANSFER rule allowed it): only from VALID. */
  | { type: 'USER_TRANSFER'; transferId: string };

export interface NewOwner {
  email: string;
  /** The new owner's full name in one string, when known (a transfer's receiver may give one). */
  name?: string | undefined;
  /** Or the name in the reference's two parts (a checkout's holder fields); these win over `name`. */
  firstName?: string | undefined;
  lastName?: string | undefined;
}

export interface OwnershipChange {
  ticketId: string;
  previousOwnerEmail: string | null;
  newOwnerEmail: string;
}

/**
 * The statuses each reason may change an owner from. A resale takes LISTED or VALID (the buyer paid
 * just as the listing ended; the state machine allows LISTED → VALID); a transfer only a VALID
 * ticket: a listed one must leave the market first (the transfer flow says so before calling).
 */
const CHANGE_FROM: Record<OwnershipChangeReason['type'], readonly TicketStatus[]> = {
  RESALE: ['LISTED', 'VALID'],
  USER_TRANSFER: ['VALID'],
};

const HISTORY_KIND = { RESALE: 'SOLD', USER_TRANSFER: 'TRANSFERRED' } as const;

/**
 * The reference's buyer has `firstName` and `lastName`. Given in two parts they are kept as given; a
 * name typed in one field is split at its first space ("Ana María López" → "Ana", "María López").
 * The full name, as the history and the transfer webhook carry it: the parts joined, or as typed.
 */
function namesOf(owner: NewOwner): { firstName?: string; lastName?: string; full?: string } {
  const first = owner.firstName?.trim() || undefined;
  const last = owner.lastName?.trim() || undefined;
  if (first !== undefined || last !== undefined) {
    return { ...(first ? { firstName: first } : {}), ...(last ? { lastName: last } : {}), full: [first, last].filter(Boolean).join(' ') };
  }
  const name = owner.name?.trim();
  if (!name) return {};
  const at = name.search(/\s/);
  return at < 0 ? { firstName: name, full: name } : { firstName: name.slice(0, at), lastName: name.slice(at).trim(), full: name };
}

/** What the reason adds to the history, the audit and the webhook. */
function reasonData(reason: OwnershipChangeReason): Record<string, string> {
  return reason.type === 'RESALE' ? { orderId: reason.orderId, listingId: reason.listingId } : { transferId: reason.transferId };
}

/** Gives the tickets to `newOwner` for `reason`, all or none (see above); answers each change, in ticketId order. */
export async function changeTicketOwners(
  tx: Tx,
  deps: Pick<Deps, 'clock' | 'queue'>,
  actor: Actor,
  input: { tenantId: string; ticketIds: readonly string[]; newOwner: NewOwner; reason: OwnershipChangeReason; now: Date },
): Promise<OwnershipChange[]> {
  const { tenantId, reason, now } = input;
  const ids = idsOf(input.ticketIds);
  const requested = [...new Set(input.ticketIds)].sort();
  if (requested.length === 0) return [];
  const newOwnerEmail = input.newOwner.email.toLowerCase();
  const { full: name, ...parts } = namesOf(input.newOwner);
  const buyer = { email: input.newOwner.email, ...parts };
  const from = CHANGE_FROM[reason.type];
  // Only tickets in `from` are touched; the old owner comes back from the same statement.
  const rows = await repo.changeOwner(tx, { tenantId, ids, from, buyer, newOwnerEmail, now });
  if (rows.length !== requested.length) {
    // Rolled back by the throw: report the first ticket that could not change hands.
    const done = new Set(rows.map((r) => r.ticket_id));
    const failed = requested.find((id) => !done.has(id))!;
    const row = storable(failed) ? await repo.findStatus(tx, tenantId, failed) : undefined;
    if (!row) throw new AppError('TICKET_NOT_FOUND', `ticket ${failed} does not exist`);
    const what = reason.type === 'RESALE' ? 'resold' : 'transferred';
    throw new AppError('INVALID_STATE_TRANSITION', `ticket ${failed} is ${row.status} and cannot be ${what}`, {
      details: { ticketId: failed, from: row.status, to: 'VALID' },
    });
  }
  const result = rows
    .map((r) => ({ ticketId: r.ticket_id, previousOwnerEmail: r.previous_owner_email, newOwnerEmail }))
    .sort((a, b) => (a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : 0));
  const why = reasonData(reason);
  await recordTicketHistoryMany(
    tx,
    result.map((r) => ({
      tenantId,
      ticketId: r.ticketId,
      kind: HISTORY_KIND[reason.type],
      actor,
      data: { ...why, previousOwnerEmail: r.previousOwnerEmail, newOwnerEmail, ...(name && reason.type === 'USER_TRANSFER' ? { newOwnerName: name } : {}) },
      at: now,
    })),
  );
  for (const r of result) {
    await recordAudit(
      tx,
      actor,
      {
        action: 'ticket.owner_changed',
        entityType: 'ticket',
        entityId: r.ticketId,
        before: { ownerEmail: r.previousOwnerEmail },
        after: { ownerEmail: newOwnerEmail, reason: reason.type, ...why },
      },
      now,
    );
  }
  // One subscriber lookup for all of them (a PACK is several tickets), the same rows as one by one.
  await emitWebhooks(
    tx,
    deps,
    tenantId,
    result.map((r): WebhookMessage => {
      const data = { id: r.ticketId, newOwnerEmail, previousOwnerEmail: r.previousOwnerEmail };
      return reason.type === 'RESALE'
        ? { family: 'ticket', action: 'updated', data: { ...data, orderId: reason.orderId } }
        : { family: 'ticket', action: 'updated', type: 'USER_TRANSFER', data: { ...data, transferId: reason.transferId, ...(name ? { newOwnerName: name } : {}) } };
    }),
  );
  return result;
}
