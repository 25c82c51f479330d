import type { Deps } from '../../app/deps.js';
import type { Tx } from '../../db/tx.js';
import { newId } from '../../lib/ids.js';
import { webhooksRepository as repo } from './webhooks.repository.js';

/*
 * The marketplace webhooks' outbox (SPEC §8): the messages a change announces become delivery rows
 * in the change's own transaction; the dispatcher (webhooks.dispatcher.ts) claims and sends them.
 * Apart from the endpoints and the delivery (webhooks.service.ts), so recordTransition
 * (webhooks.transitions.ts) can write here and the service can record its own transitions through it.
 */

/** Families of the marketplace webhook envelope (SPEC §8). */
export type WebhookFamily = 'event' | 'ticket' | 'listing' | 'notifyMe' | 'payouts' | 'job';

export interface WebhookMessage {
  family: WebhookFamily;
  /**
   * The verb (`created`, `updated`, `unlock`). On the wire `action` is `<family>.<verb>`
   * (`listing.created`), as menta documents it and receivers switch on it (SPEC §8); the same
   * string is the delivery's event type that endpoints subscribe to.
   */
  action: string;
  type?: string;
  data: unknown;
}

/**
 * The outbox write: one delivery row per subscribed endpoint, due now, in the caller's transaction.
 * Nothing is sent now; a dispatcher claims the row after commit, so a rolled-back change never
 * produces a webhook and a committed one always does.
 */
export async function emitWebhook(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, tenantId: string, message: WebhookMessage): Promise<void> {
  await emitWebhooks(tx, deps, tenantId, [message]);
}

/**
 * Several messages of one change (a reservation of many listings): one subscriber lookup per event
 * type instead of one per message, the same outbox rows as `emitWebhook` one by one, in order.
 */
export async function emitWebhooks(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, tenantId: string, messages: readonly WebhookMessage[]): Promise<void> {
  const subscribers = new Map<string, Awaited<ReturnType<typeof repo.findSubscribers>>>();
  const now = deps.clock.now();
  const rows: Parameters<typeof repo.insertDeliveries>[1] = [];
  for (const message of messages) {
    const eventType = `${message.family}.${message.action}`;
    let endpoints = subscribers.get(eventType);
    if (!endpoints) {
      endpoints = await repo.findSubscribers(tx, tenantId, eventType, message.family);
      subscribers.set(eventType, endpoints);
    }
    if (endpoints.length === 0) continue;
    const messageId = newId('msg', now.getTime());
    const body = JSON.stringify({
      message: { family: message.family, action: eventType, ...(message.type ? { type: message.type } : {}), data: message.data },
    });
    for (const e of endpoints) {
      rows.push({
        tenant_id: tenantId,
        id: newId('whd', now.getTime()),
        endpoint_id: e.id,
        message_id: messageId,
        event_type: eventType,
        body,
        status: 'PENDING' as const,
        next_attempt_at: now,
        created_at: now,
      });
    }
  }
  if (rows.length === 0) return;
  await repo.insertDeliveries(tx, rows);
}
