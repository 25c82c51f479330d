import type { Deps } from '../../app/deps.js';
import type { Tx } from '../../db/tx.js';
import { transition, type StateMachine } from '../../lib/state-machine.js';
import { recordAudit, type Actor, type AuditEntry } from '../audit/index.js';
import { emitPurchaseIntentWebhook, type PurchaseIntentWebhookType } from './pi-webhooks.service.js';
import { emitWebhooks, type WebhookMessage } from './webhooks.outbox.js';

/**
 * A lifecycle change's bookkeeping, in the transaction that makes the change: the transition checked
 * against its state machine (anything not in the table is 409 INVALID_STATE_TRANSITION), one audit row,
 * and the outbox rows of the webhooks that announce it. The caller writes the new status itself (its
 * repository) — this is the part every transition shares, so no change forgets its audit row or its
 * webhook. Lives beside the outbox because it writes to it; the machines themselves stay in each
 * module's `*.states.ts`.
 */
export interface Transition<S extends string> {
  machine: StateMachine<S>;
  /** How the entity is named in the refusal (`order o_1`, `payment pay_2`). */
  entity: string;
  from: S;
  to: S;
  actor: Actor;
  audit: Omit<AuditEntry, 'before' | 'after'> & { before?: unknown; after?: unknown };
  webhooks?: readonly WebhookMessage[];
  /** A purchase intent's own webhook (SPEC §7 envelope), written after the marketplace ones. */
  purchaseIntentWebhook?: { type: PurchaseIntentWebhookType; purchaseIntent: object };
}

export async function recordTransition<S extends string>(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, t: Transition<S>, now: Date): Promise<S> {
  const to = transition(t.machine, t.entity, t.from, t.to);
  await recordAudit(tx, t.actor, { before: { status: t.from }, after: { status: to }, ...t.audit }, now);
  if (t.webhooks && t.webhooks.length > 0) await emitWebhooks(tx, deps, t.actor.tenantId, t.webhooks);
  if (t.purchaseIntentWebhook) await emitPurchaseIntentWebhook(tx, deps, t.actor.tenantId, t.purchaseIntentWebhook.type, t.purchaseIntentWebhook.purchaseIntent);
  return to;
}
