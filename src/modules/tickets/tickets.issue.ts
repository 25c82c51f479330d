import { randomBytes } from 'node:crypto';
import type { Tx } from '../../db/tx.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { issueRepository } from './issue.repository.js';
import { recordTicketHistoryMany } from './tickets.history.js';
import { TICKET_STATES } from './tickets.states.js';

/** One cart line of a purchase intent to issue as `amount` tickets. */
export interface IntentTicketLine {
  ticketOptionId: string;
  amount: number;
  priceMinor: number;
  /** A seat (`_type` 6) becomes the ticket's `props.seating`. */
  seat?: { row?: string | null; seat?: string | null; section?: string | null; door?: string | null };
}

export interface IssueForIntent {
  intentId: string;
  eventId: string;
  externalReferenceId: string;
  showPk: string;
  currency: string;
  /** The customer's id when the intent names one; else the intent stands in as the buyer. */
  customerId: string | null;
  valid: boolean;
  lines: IntentTicketLine[];
}

/**
 * Issues the real tickets of a purchase intent (SPEC §3, §7), in the caller's transaction: ids
 * `${intentId}-${n}`, RESERVED (or VALID with `createValidTickets`), grouped by `orderId` = the intent
 * id and tagged `purchaseIntent:<id>`, so they appear in every `/v1` ticket read. The access code is
 * generated here and stays LOCKED while the tickets are only reserved. Takes the event's shared
 * ticket-writer lock, like ingestion, so event cancellation never misses them.
 */
export async function issueTicketsForIntent(tx: Tx, actor: Actor, input: IssueForIntent, at: Date): Promise<string[]> {
  const rows = [];
  let n = 0;
  for (const line of input.lines) {
    for (let k = 0; k < line.amount; k++) {
      n += 1;
      const ticketId = `${input.intentId}-${n}`;
      const seating = line.seat ? Object.fromEntries(Object.entries(line.seat).filter(([, v]) => typeof v === 'string' && v !== '')) : undefined;
      rows.push({
        tenant_id: actor.tenantId,
        ticket_id: ticketId,
        event_id: input.eventId,
        show_pk: input.showPk,
        ticket_option_id: line.ticketOptionId,
        price_type_id: null,
        status: input.valid ? ('VALID' as const) : ('RESERVED' as const),
        status_reason: null,
        buyer: { id: input.customerId ?? input.intentId },
        buyer_email: null,
        buyer_email_external: null,
        price_minor: line.priceMinor,
        currency: input.currency,
        access_type: 'OTHER' as const,
        access_locator: `pi-${randomBytes(12).toString('base64url')}`,
        access_status: input.valid ? ('UNLOCKED' as const) : ('LOCKED' as const),
        access_unlock_at: null,
        primary_sale_buyer_data: null,
        nominal_ticket: null,
        props: seating && Object.keys(seating).length > 0 ? { seating } : null,
        primary_sales_fee: null,
        order_id: input.intentId,
        tags: [`purchaseIntent:${input.intentId}`],
        content_hash: `purchaseIntent:${input.intentId}:${n}`,
        created_at: at,
        updated_at: at,
      });
    }
  }
  if (rows.length === 0) return [];
  await issueRepository.insertWithHistory(tx, {
    tenantId: actor.tenantId,
    lockRef: input.externalReferenceId,
    rows,
    history: { actor: actor.label, data: { purchaseIntentId: input.intentId, status: input.valid ? 'VALID' : 'RESERVED' }, at },
  });
  const ids = rows.map((r) => r.ticket_id);
  await recordAudit(tx, actor, { action: 'tickets.issued', entityType: 'purchaseIntent', entityId: input.intentId, after: { count: ids.length, valid: input.valid } }, at);
  return ids;
}

/**
 * The tickets of a purchase intent that died (canceled or expired) stop taking a place: RESERVED
 * ones become INVALID, VALID ones (createValidTickets) CANCELLED — the transitions the ticket
 * lifecycle allows. Tickets already used, listed or deleted are left as they are. Returns the count.
 */
export async function invalidateTicketsOfIntent(tx: Tx, actor: Actor, intentId: string, reason: string, at: Date, only?: readonly string[]): Promise<number> {
  if (only !== undefined && only.length === 0) return 0;
  let changed = 0;
  for (const [from, to] of [['RESERVED', 'INVALID'], ['VALID', 'CANCELLED']] as const) {
    if (!TICKET_STATES[from].includes(to)) continue;
    // Some of the intent's tickets (PATCH items with $invalidateTicketRanges), or all of them.
    const ids = await issueRepository.changeStatusOfIntent(tx, { tenantId: actor.tenantId, intentId, from, to, set: { status_reason: reason }, at, ...(only !== undefined ? { only } : {}) });
    changed += ids.length;
    await recordTicketHistoryMany(
      tx,
      ids.map((ticketId) => ({ tenantId: actor.tenantId, ticketId, kind: 'CANCELLED' as const, actor, data: { purchaseIntentId: intentId, status: to, reason }, at })),
    );
  }
  return changed;
}

/**
 * A purchase intent was paid (SPEC §7): its RESERVED tickets become VALID and their access code is
 * UNLOCKED. Tickets in any other state are left as they are. Returns the count.
 */
export async function validateTicketsOfIntent(tx: Tx, actor: Actor, intentId: string, at: Date): Promise<number> {
  if (!TICKET_STATES.RESERVED.includes('VALID')) return 0;
  const ids = await issueRepository.changeStatusOfIntent(tx, {
    tenantId: actor.tenantId,
    intentId,
    from: 'RESERVED',
    to: 'VALID',
    set: { status_reason: null, access_status: 'UNLOCKED' },
    at,
  });
  await recordTicketHistoryMany(
    tx,
    ids.map((ticketId) => ({ tenantId: actor.tenantId, ticketId, kind: 'UPDATED' as const, actor, data: { purchaseIntentId: intentId, status: 'VALID', reason: 'purchaseIntent.completed' }, at })),
  );
  return ids.length;
}

/** The tickets issued for an intent, row-locked, in issue order (`${intentId}-1`, `-2`, …). */
export async function lockIssuedTicketsOfIntent(tx: Tx, tenantId: string, intentId: string): Promise<{ ticket_id: string; ticket_option_id: string; status: string; price_minor: number | null }[]> {
  const rows = await issueRepository.lockOfIntent(tx, tenantId, intentId);
  const n = (t: { ticket_id: string }): number => Number(t.ticket_id.slice(intentId.length + 1));
  return rows.sort((a, b) => n(a) - n(b));
}
