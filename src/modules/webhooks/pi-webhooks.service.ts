import type { Deps } from '../../app/deps.js';
import type { Tx } from '../../db/tx.js';
import { newId } from '../../lib/ids.js';
import { PI_FAMILY } from './pi-webhooks.signing.js';
import { webhooksRepository as repo } from './webhooks.repository.js';

export type PurchaseIntentWebhookType =
  | 'purchaseIntent.created'
  | 'purchaseIntent.updated'
  | 'purchaseIntent.approved'
  | 'purchaseIntent.rejected'
  | 'purchaseIntent.expired'
  | 'purchaseIntent.completed'
  | 'purchaseIntent.cancelled';

/**
 * A purchase-intent webhook (SPEC §7) into the outbox, in the caller's transaction: one delivery per
 * subscribed endpoint (`purchaseIntent.*`, the exact type, or no filter = everything), each with the
 * reference's envelope `{id, sellerId, webhookId, type, mode, data: {purchaseIntent}}`. `id` is the
 * message id, shared by the deliveries of one call (and sent as `encore-event-id`); `webhookId` is the
 * endpoint's id, so each endpoint's body differs. The delivery job signs these rows with
 * `x-vivenu-signature` (hex HMAC-SHA256 of the raw body) besides `encore-signature`; retries,
 * backoff, the attempt log and redelivery are the foundation's.
 */
export async function emitPurchaseIntentWebhook(
  tx: Tx,
  deps: Pick<Deps, 'clock' | 'queue'>,
  tenantId: string,
  type: PurchaseIntentWebhookType,
  purchaseIntent: object,
): Promise<void> {
  const endpoints = await repo.findSubscribers(tx, tenantId, type, PI_FAMILY);
  if (endpoints.length === 0) return;
  const now = deps.clock.now();
  const messageId = newId('msg', now.getTime());
  const rows = endpoints.map((e) => ({
    tenant_id: tenantId,
    id: newId('whd', now.getTime()),
    endpoint_id: e.id,
    message_id: messageId,
    event_type: type,
    body: JSON.stringify({ id: messageId, sellerId: tenantId, webhookId: e.id, type, mode: 'prod', data: { purchaseIntent } }),
    status: 'PENDING' as const,
    next_attempt_at: now,
    created_at: now,
  }));
  await repo.insertDeliveries(tx, rows);
}
