import type { Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { newId } from '../../lib/ids.js';
import type { Actor } from '../audit/index.js';
import type { IntentRow } from './intents.model.js';
import { intentsRepository as repo } from './intents.repository.js';
import { changeIntent, historyItem, requireNew, type IntentChange, type IntentDeps, type IntentView } from './intents.service.js';
import { DEFAULT_STRATEGY, type StrategyRecord } from './intents.strategy.js';
import { getStrategyForTenant as findStrategy } from './strategies.service.js';

/**
 * Operations on an existing purchase intent (SPEC §7, issue 5; routes in api/purchase-intents/
 * intents.ops.routes.ts): history, mail. Creating its tickets is the flow
 * flows/purchase-intent-tickets.ts; cart changes (items, split) are intents.items.service.ts.
 */

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

/** `create-tickets` is for an open intent whose tickets were not created yet: once only. */
export function requireTicketsToCreate(row: IntentRow, now: Date): void {
  requireOpen(row, now, 'create tickets');
  if (row.tickets_issued) {
    throw new AppError('INVALID_STATE_TRANSITION', `purchase intent ${row.id} already has its tickets`, { details: { ticketsIssued: true } });
  }
}

/** What creating the tickets records: from now on the intent's tickets count instead of its lines. */
export function ticketsCreatedChange(actor: Actor, now: Date, count: number): IntentChange {
  return {
    set: { tickets_issued: true },
    history: [historyItem('purchaseIntent.updated', actor, now, { ticketsCreated: count })],
    action: 'purchaseIntent.ticketsCreated',
  };
}
