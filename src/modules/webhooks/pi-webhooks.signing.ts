import { createHmac } from 'node:crypto';

/** Purchase-intent deliveries are the outbox rows whose event type is `purchaseIntent.<action>`. */
export const PI_FAMILY = 'purchaseIntent';

export function isPurchaseIntentEventType(eventType: string): boolean {
  return eventType.startsWith(`${PI_FAMILY}.`);
}

/** `x-vivenu-signature` (SPEC §7): the hex HMAC-SHA256 of the raw body with the endpoint's secret. */
export function signVivenu(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
