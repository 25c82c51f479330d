import type { Deps } from '../../app/deps.js';
import type { Tx } from '../../db/tx.js';
import { deferInsert, deferLookup } from '../../db/pending-writes.js';
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
 * One message into the outbox: a delivery row per subscribed endpoint, due `now`, with the body
 * `bodyFor` gives that endpoint and the message's id (the marketplace body is the same for all; a
 * purchase-intent body names both).
 */
export interface OutboxMessage {
  tenantId: string;
  eventType: string;
  family: string;
  bodyFor(endpointId: string, messageId: string): string;
  now: Date;
}

// The messages a collecting transaction has queued and not yet looked up (db/pending-writes.ts).
const queued = new WeakMap<object, OutboxMessage[]>();

function deliveryRows(messages: readonly OutboxMessage[], found: readonly { i: number; endpoint_id: string }[]) {
  const messageIds = new Map<number, string>();
  return found.map(({ i, endpoint_id }) => {
    const m = messages[i - 1]!;
    let messageId = messageIds.get(i);
    if (!messageId) messageIds.set(i, (messageId = newId('msg', m.now.getTime())));
    return {
      tenant_id: m.tenantId,
      id: newId('whd', m.now.getTime()),
      endpoint_id,
      message_id: messageId,
      event_type: m.eventType,
      body: m.bodyFor(endpoint_id, messageId),
      status: 'PENDING' as const,
      next_attempt_at: m.now,
      created_at: m.now,
    };
  });
}

/**
 * The outbox write, in the caller's transaction: one delivery row per message and subscribed
 * endpoint. Nothing is sent now; a dispatcher claims the rows after commit, so a rolled-back change
 * never produces a webhook and a committed one always does. In a use-case transaction the subscriber
 * lookup and the rows wait for its pre-commit statement (one round trip for every message of the use
 * case, with its audit rows); elsewhere they are written at once.
 */
export async function enqueueMessages(tx: Tx, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  let list = queued.get(tx);
  if (!list) {
    list = [];
    const mine = list;
    const deferred = deferLookup(tx, 'webhook_subscribers', () => {
      queued.delete(tx);
      return {
        query: repo.subscribersQuery(mine),
        apply: (rows) => {
          for (const row of deliveryRows(mine, rows as { i: number; endpoint_id: string }[])) deferInsert(tx, 'webhook_deliveries', row);
        },
      };
    });
    if (!deferred) {
      const { rows } = await repo.subscribersQuery(messages).execute(tx);
      await repo.insertDeliveries(tx, deliveryRows(messages, rows));
      return;
    }
    queued.set(tx, list);
  }
  list.push(...messages);
}

/** One marketplace message (SPEC §8) into the outbox. */
export async function emitWebhook(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, tenantId: string, message: WebhookMessage): Promise<void> {
  await emitWebhooks(tx, deps, tenantId, [message]);
}

/** Several marketplace messages of one change (a reservation of many listings), in order. */
export async function emitWebhooks(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, tenantId: string, messages: readonly WebhookMessage[]): Promise<void> {
  const now = deps.clock.now();
  await enqueueMessages(
    tx,
    messages.map((message) => {
      const eventType = `${message.family}.${message.action}`;
      const body = JSON.stringify({
        message: { family: message.family, action: eventType, ...(message.type ? { type: message.type } : {}), data: message.data },
      });
      return { tenantId, eventType, family: message.family, bodyFor: () => body, now };
    }),
  );
}
