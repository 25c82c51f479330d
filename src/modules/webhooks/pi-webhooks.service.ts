import type { Deps } from '../../app/deps.js';
import type { Tx } from '../../db/tx.js';
import { PI_FAMILY } from './pi-webhooks.signing.js';
import { enqueueMessages } from './webhooks.outbox.js';

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
  // Serialised now, as the change left it; the envelope around it is finished per endpoint.
  const data = JSON.stringify(purchaseIntent);
  await enqueueMessages(tx, [
    {
      tenantId,
      eventType: type,
      family: PI_FAMILY,
      now: deps.clock.now(),
      bodyFor: (webhookId, id) => `${JSON.stringify({ id, sellerId: tenantId, webhookId, type, mode: 'prod' }).slice(0, -1)},"data":{"purchaseIntent":${data}}}`,
    },
  ]);
}
