/** What a checkout session's stored status can be (migration 0025); reads compute the live one. */
export type CheckoutSessionStatus = 'open' | 'complete' | 'expired' | 'canceled';

/**
 * A purchase-intent checkout session (migration 0025, SPEC §7): the hosted checkout page of one or
 * several intents, guarded by its own secret (stored only as a SHA-256 hash).
 */
export interface PurchaseIntentCheckoutsTable {
  tenant_id: string;
  /** `chk_…`: also the `checkout_id` of every payment taken through it, so `outcome.checkoutId` of its intents. */
  id: string;
  /** In the order the request named them. */
  intent_ids: string[];
  secret_hash: string;
  currency: string;
  status: CheckoutSessionStatus;
  lang: 'es' | 'en';
  /** The checkout body's `salesChannelId`, given to every payment taken through the session. */
  sales_channel_id: string | null;
  created_at: Date;
  updated_at: Date;
  /** The earliest `expiresAt` of its intents at creation; null when none expires. */
  expires_at: Date | null;
}
