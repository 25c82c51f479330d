import type { Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { newId } from '../../lib/ids.js';
import type { Actor } from '../audit/index.js';
import { findShow, type EventRecord, type ShowRecord } from '../events/index.js';
import { issueTicketsForIntent } from '../tickets/index.js';
import type { IntentRow, StoredItem } from './intents.model.js';
import { intentsRepository as repo } from './intents.repository.js';
import { changeIntent, historyItem, requireNew, ticketLine, type IntentDeps, type IntentView } from './intents.service.js';
import { DEFAULT_STRATEGY, type StrategyRecord } from './intents.strategy.js';
import { getStrategyForTenant as findStrategy } from './strategies.service.js';

/** Operations on an existing purchase intent (SPEC §7, issue 5): history, mail, tickets; cart changes (items, split) in intents.items.ts. */

export interface HistoryEntryBody {
  type: 'purchaseIntent.commented';
  data: { comment: string };
}

export interface ReservationMailBody {
  email?: string;
}

export const RESERVATION_MAIL_TEMPLATE = 'purchaseIntent.reservation';

/** An intent past its `expiresAt` is dead for every change, even before the expiry job sweeps it. */
export function requireOpen(row: IntentRow, now: Date, what: string): void {
  requireNew(row, what);
  if (row.expires_at !== null && row.expires_at <= now) {
    throw new AppError('INVALID_STATE_TRANSITION', `cannot ${what}: purchase intent ${row.id} expired at ${row.expires_at.toISOString()}`, {
      details: { expiresAt: row.expires_at.toISOString() },
    });
  }
}

export async function showOf(tx: Tx, row: IntentRow): Promise<{ event: EventRecord; show: ShowRecord }> {
  const found = await findShow(tx, row.tenant_id, { id: row.show_pk });
  if (!found) throw new AppError('UNKNOWN_REFERENCE', `the show ${row.show_pk} of purchase intent ${row.id} no longer exists`, { field: 'eventId' });
  return found;
}

export async function strategyOf(tx: Tx, row: IntentRow): Promise<StrategyRecord> {
  if (row.strategy_id === null) return DEFAULT_STRATEGY;
  return (await findStrategy(tx, row.tenant_id, row.strategy_id)) ?? DEFAULT_STRATEGY;
}

/** `POST /api/purchaseintents/:id/history`: a comment in the history; any status (a note changes no state). */
export async function addHistoryEntry(deps: IntentDeps, actor: Actor, id: string, body: HistoryEntryBody): Promise<IntentView> {
  const comment = body.data.comment.trim();
  if (comment === '') throw new AppError('VALIDATION_ERROR', 'data.comment must not be empty', { field: 'data.comment' });
  return changeIntent(deps, actor, id, (_row, now) => ({
    set: {},
    history: [historyItem('purchaseIntent.commented', actor, now, { comment })],
    action: 'purchaseIntent.commented',
  }));
}

/**
 * `POST /api/purchaseintents/:id/reservation-mail`: a PENDING row in the `purchase_intent_mails`
 * outbox (recipient: the body's `email`, else the intent's) and a `purchaseIntent.resent.mail`
 * history entry. Encore sends no SMTP itself; a mailer drains the outbox.
 */
export async function sendReservationMail(deps: IntentDeps, actor: Actor, id: string, body: ReservationMailBody | null | undefined): Promise<IntentView> {
  return changeIntent(deps, actor, id, async (row, now, tx) => {
    requireOpen(row, now, 'send a reservation mail');
    const recipient = body?.email ?? row.email;
    if (recipient === null || recipient === undefined || recipient === '') {
      throw new AppError('VALIDATION_ERROR', `email is required: purchase intent ${row.id} has no email of its own`, { field: 'email' });
    }
    const mailId = newId('mail', now.getTime());
    await repo.insertMail(tx, {
      tenant_id: actor.tenantId,
      id: mailId,
      intent_id: row.id,
      recipient,
      template: RESERVATION_MAIL_TEMPLATE,
      payload: JSON.stringify({ purchaseIntentId: row.id, secret: row.secret, expiresAt: row.expires_at?.toISOString() ?? null }),
      created_at: now,
    });
    return { set: {}, history: [historyItem('purchaseIntent.resent.mail', actor, now, { email: recipient, mailId, template: RESERVATION_MAIL_TEMPLATE })], action: 'purchaseIntent.resent.mail' };
  });
}

/**
 * `POST /api/purchaseintents/:id/create-tickets`: issues the real tickets of an intent whose strategy
 * did not (RESERVED, VALID with the strategy's `createValidTickets`). Once only. The places were
 * already counted through the intent's lines; from now on its tickets count instead.
 */
export async function createTicketsOfIntent(deps: IntentDeps, actor: Actor, id: string): Promise<IntentView> {
  return changeIntent(deps, actor, id, async (row, now, tx) => {
    requireOpen(row, now, 'create tickets');
    if (row.tickets_issued) {
      throw new AppError('INVALID_STATE_TRANSITION', `purchase intent ${row.id} already has its tickets`, { details: { ticketsIssued: true } });
    }
    const { event, show } = await showOf(tx, row);
    const strategy = await strategyOf(tx, row);
    const tickets = row.tickets as StoredItem[];
    const ids = await issueTicketsForIntent(
      tx,
      actor,
      {
        intentId: row.id,
        eventId: event.id,
        externalReferenceId: event.externalReferenceId,
        showPk: show.id,
        currency: row.currency,
        customerId: row.customer_id,
        valid: strategy.availabilityStrategy.createValidTickets,
        lines: tickets.map(ticketLine),
      },
      now,
    );
    return {
      set: { tickets_issued: true },
      history: [historyItem('purchaseIntent.updated', actor, now, { ticketsCreated: ids.length })],
      action: 'purchaseIntent.ticketsCreated',
    };
  });
}
