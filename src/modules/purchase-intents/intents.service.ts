import { timingSafeEqual } from 'node:crypto';
import type { Updateable } from 'kysely';
import type { Deps } from '../../app/deps.js';
import { withTx, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { emitPurchaseIntentWebhook, recordTransition, type PurchaseIntentWebhookType } from '../webhooks/index.js';
import { invalidateTicketsOfIntent } from '../tickets/index.js';
import { intentView, type HistoryItem, type HistoryType, type IntentRow } from './intents.model.js';
import { intentsRepository as repo } from './intents.repository.js';
import type { ApprovalBody, ListQuery, PatchIntentBody } from './intents.schemas.js';
import { APPROVAL_STATES, INTENT_STATES } from './intents.states.js';
import type { ApprovalStatus, IntentStatus, PurchaseIntentsTable } from './intents.tables.js';

/**
 * A purchase intent's reads and changes that are this module's alone (SPEC §7): get, list, search,
 * PATCH, cancel, approval, expiry, and the frame of every change (`changeIntent`). Creating one is
 * the flow flows/purchase-intent-create.ts (its steps in intents.create.ts).
 */

export type IntentDeps = Pick<Deps, 'db' | 'clock' | 'queue'>;
export type IntentView = Record<string, unknown>;

export function notFound(id: string): AppError {
  return new AppError('PURCHASE_INTENT_NOT_FOUND', `purchase intent ${id} not found`);
}

export function historyItem(type: HistoryType, actor: Actor, at: Date, data: Record<string, unknown> = {}): HistoryItem {
  return { type, date: at.toISOString(), userId: actor.keyId ?? null, data };
}

/**
 * A purchase-intent webhook (SPEC §7) in the caller's transaction, carrying the intent as the API
 * shows it. Every change of an intent calls this; the public checkout announces completion with it.
 */
export async function announceIntent(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, tenantId: string, type: PurchaseIntentWebhookType, intent: IntentView): Promise<void> {
  await emitPurchaseIntentWebhook(tx, deps, tenantId, type, intent);
}

export { buildCart, holdSeats, seatIdOf, storeItem, ticketLine, type Cart } from './intents.cart.js';

export async function getIntent(deps: IntentDeps, tenantId: string, id: string): Promise<IntentView> {
  const row = await repo.find(deps.db, tenantId, id);
  if (!row) throw notFound(id);
  return intentView(row);
}

export function parseDate(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new AppError('VALIDATION_ERROR', `${field} is not an ISO timestamp`, { field });
  return d;
}

export async function listIntents(deps: IntentDeps, tenantId: string, q: ListQuery): Promise<{ rows: IntentView[]; total: number }> {
  const { top = 25, skip = 0, createdAtStart, createdAtEnd, ...rest } = q;
  const start = parseDate(createdAtStart, 'createdAtStart');
  const end = parseDate(createdAtEnd, 'createdAtEnd');
  const { rows, total } = await repo.list(deps.db, tenantId, { ...rest, ...(start ? { createdAtStart: start } : {}), ...(end ? { createdAtEnd: end } : {}) }, { top, skip });
  return { rows: rows.map(intentView), total };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The intent only for its secret's holder: a wrong secret is indistinguishable from an unknown id. */
export async function searchIntent(deps: IntentDeps, tenantId: string, id: string, secret: string): Promise<IntentView> {
  const row = await repo.find(deps.db, tenantId, id);
  if (!row || !sameSecret(row.secret, secret)) throw notFound(id);
  return intentView(row);
}

/** What one change of an intent does: its columns, history entries, audit action and webhook. */
export interface IntentChange {
  set: Omit<Updateable<PurchaseIntentsTable>, 'history' | 'version' | 'updated_at'>;
  history: HistoryItem[];
  action: string;
  /** The webhook announcing it (default `purchaseIntent.updated`). */
  webhook?: PurchaseIntentWebhookType;
  /**
   * The lifecycle move the change makes, if any (the intent's status or its approval): written here,
   * checked against its state machine and audited by recordTransition.
   */
  moves?: { status: IntentStatus } | { approval: ApprovalStatus };
}

/**
 * Lock, check, change, append history, bump `__v`, audit, announce (webhook in the same
 * transaction): the frame of every change of an existing intent. A change that moves the intent's
 * status or approval is recorded through recordTransition, after the write (the webhook carries the
 * changed intent; a refused transition rolls it back).
 */
export async function changeIntent(
  deps: IntentDeps,
  actor: Actor,
  id: string,
  change: (row: IntentRow, now: Date, tx: Tx) => IntentChange | Promise<IntentChange>,
  after?: (tx: Tx, row: IntentRow, now: Date) => Promise<void>,
): Promise<IntentView> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const row = await repo.lock(tx, actor.tenantId, id);
    if (!row) throw notFound(id);
    const { set, history, action, webhook, moves } = await change(row, now, tx);
    // Nothing asked to change: no new version, no history entry.
    if (history.length === 0) return intentView(row);
    const updated = await repo.update(tx, actor.tenantId, id, {
      ...set,
      ...(moves === undefined ? {} : 'status' in moves ? { status: moves.status } : { approval_status: moves.approval }),
      history: JSON.stringify([...(row.history as HistoryItem[]), ...history]),
      version: row.version + 1,
      updated_at: now,
    });
    if (after) await after(tx, updated, now);
    const view = intentView(updated);
    const audit = {
      action,
      entityType: 'purchaseIntent',
      entityId: id,
      before: { status: row.status, approvalStatus: row.approval_status },
      after: { status: updated.status, approvalStatus: updated.approval_status },
    };
    const announce = { type: webhook ?? 'purchaseIntent.updated', purchaseIntent: view } as const;
    if (moves === undefined) {
      await recordAudit(tx, actor, audit, now);
      await announceIntent(tx, deps, actor.tenantId, announce.type, view);
    } else if ('status' in moves) {
      await recordTransition(tx, deps, { machine: INTENT_STATES, entity: 'purchase intent', from: row.status, to: moves.status, actor, audit, purchaseIntentWebhook: announce }, now);
    } else {
      await recordTransition(tx, deps, { machine: APPROVAL_STATES, entity: 'purchase intent approval', from: row.approval_status, to: moves.approval, actor, audit, purchaseIntentWebhook: announce }, now);
    }
    return view;
  });
}

export function requireNew(row: IntentRow, what: string): void {
  if (row.status !== 'new') {
    throw new AppError('INVALID_STATE_TRANSITION', `cannot ${what}: purchase intent ${row.id} is ${row.status}`, { details: { status: row.status } });
  }
}

export async function updateIntent(deps: IntentDeps, actor: Actor, id: string, body: PatchIntentBody): Promise<IntentView> {
  return changeIntent(deps, actor, id, (row, now) => {
    if (body.expiresAt === undefined) return { set: {}, history: [], action: 'purchaseIntent.updated' };
    requireNew(row, 'change the expiry');
    const expiresAt = body.expiresAt === null ? null : parseDate(body.expiresAt, 'expiresAt')!;
    const data = { expiresAt: { from: row.expires_at?.toISOString() ?? null, to: expiresAt?.toISOString() ?? null } };
    return { set: { expires_at: expiresAt }, history: [historyItem('purchaseIntent.updated', actor, now, data)], action: 'purchaseIntent.updated' };
  });
}

export async function cancelIntent(deps: IntentDeps, actor: Actor, id: string): Promise<IntentView> {
  return changeIntent(deps, actor, id, (row, now) => {
    if (row.status !== 'new') {
      const reason = row.status === 'complete' ? 'it is complete (paid)' : 'it is already canceled';
      throw new AppError('INVALID_STATE_TRANSITION', `purchase intent ${row.id} cannot be canceled: ${reason}`, { details: { status: row.status } });
    }
    // Canceled intents no longer count in availability: their places are released with this commit.
    return {
      set: {},
      moves: { status: 'canceled' },
      history: [historyItem('purchaseIntent.canceled', actor, now)],
      action: 'purchaseIntent.canceled',
      webhook: 'purchaseIntent.cancelled',
    };
  }, async (tx, row, now) => {
    await repo.releaseSeats(tx, actor.tenantId, row.id);
    if (row.tickets_issued) await invalidateTicketsOfIntent(tx, actor, row.id, 'purchaseIntent.canceled', now);
  });
}

export async function setApproval(deps: IntentDeps, actor: Actor, id: string, body: ApprovalBody): Promise<IntentView> {
  return changeIntent(deps, actor, id, (row, now) => {
    const to = body.approvalStatus;
    if (to === undefined) throw new AppError('VALIDATION_ERROR', 'approvalStatus is required', { field: 'approvalStatus' });
    // The reference's own example sends a `rejectionReason` with `awaiting`: a reason means something
    // only for a rejection, so with any other status it is ignored (never stored), not refused.
    // Once complete or canceled the approval is frozen (APPROVAL_STATES): any change is refused.
    if (row.status !== 'new') {
      throw new AppError('INVALID_STATE_TRANSITION', `cannot set the approval of purchase intent ${row.id} to ${to}: it is ${row.status}`, { details: { status: row.status } });
    }
    // The status it already has (SPEC §7): an idempotent 200 with no history entry, no webhook and the
    // same `__v`. A rejection with a new reason changes that reason, below.
    const sameReason = body.rejectionReason === undefined || body.rejectionReason === row.rejection_reason;
    if (to === row.approval_status && (to !== 'rejected' || sameReason)) return { set: {}, history: [], action: 'purchaseIntent.updated' };
    if (to === row.approval_status) {
      const data = { rejectionReason: { from: row.rejection_reason, to: body.rejectionReason ?? null } };
      return { set: { rejection_reason: body.rejectionReason ?? null }, history: [historyItem('purchaseIntent.updated', actor, now, data)], action: 'purchaseIntent.updated' };
    }
    const type: HistoryType = to === 'approved' ? 'purchaseIntent.approved' : to === 'rejected' ? 'purchaseIntent.rejected' : 'purchaseIntent.updated';
    const data = { approvalStatus: { from: row.approval_status, to }, ...(to === 'rejected' && body.rejectionReason ? { rejectionReason: body.rejectionReason } : {}) };
    return {
      set: { rejection_reason: to === 'rejected' ? (body.rejectionReason ?? null) : null },
      moves: { approval: to },
      history: [historyItem(type, actor, now, data)],
      action: type,
      webhook: type === 'purchaseIntent.approved' ? 'purchaseIntent.approved' : type === 'purchaseIntent.rejected' ? 'purchaseIntent.rejected' : 'purchaseIntent.updated',
    };
  });
}

/**
 * Expires open intents whose `expiresAt` has passed (SPEC §7): status canceled, history
 * `purchaseIntent.expired`, their tickets INVALID. One transaction per intent, each re-checked under
 * its row lock, so a concurrent cancel, completion or PATCH of `expiresAt` wins cleanly. Availability
 * already ignores expired intents; this tidies their state, frees their tickets and sends
 * `purchaseIntent.expired`. Run every minute (flows/sweeps.ts); returns the ids it expired.
 */
export async function expireDueIntents(deps: IntentDeps, limit = 500): Promise<string[]> {
  const due = await repo.findDue(deps.db, deps.clock.now(), limit);
  const expired: string[] = [];
  for (const { tenant_id: tenantId, id } of due) {
    const actor: Actor = { tenantId, label: 'job:purchase-intents.expire' };
    const done = await withTx(deps.db, async (tx) => {
      const now = deps.clock.now();
      const row = await repo.lock(tx, tenantId, id);
      if (!row || row.status !== 'new' || row.expires_at === null || row.expires_at > now) return false;
      const updated = await repo.update(tx, tenantId, id, {
        status: 'canceled',
        history: JSON.stringify([...(row.history as HistoryItem[]), historyItem('purchaseIntent.expired', actor, now, { expiresAt: row.expires_at.toISOString() })]),
        version: row.version + 1,
        updated_at: now,
      });
      await repo.releaseSeats(tx, tenantId, id);
      if (row.tickets_issued) await invalidateTicketsOfIntent(tx, actor, id, 'purchaseIntent.expired', now);
      // After the write, because the webhook carries the canceled intent; a refused transition rolls it back.
      await recordTransition(
        tx,
        deps,
        {
          machine: INTENT_STATES,
          entity: 'purchase intent',
          from: row.status,
          to: 'canceled',
          actor,
          audit: { action: 'purchaseIntent.expired', entityType: 'purchaseIntent', entityId: id },
          purchaseIntentWebhook: { type: 'purchaseIntent.expired', purchaseIntent: intentView(updated) },
        },
        now,
      );
      return true;
    });
    if (done) expired.push(id);
  }
  return expired;
}
