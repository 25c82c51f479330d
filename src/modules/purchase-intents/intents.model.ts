import type { Selectable } from 'kysely';
import { toMajor } from '../../lib/money.js';
import type { PurchaseIntentsTable } from './intents.tables.js';

export type IntentRow = Selectable<PurchaseIntentsTable>;

export type HistoryType =
  | 'purchaseIntent.created'
  | 'purchaseIntent.approved'
  | 'purchaseIntent.rejected'
  | 'purchaseIntent.updated'
  | 'purchaseIntent.expired'
  | 'purchaseIntent.completed'
  | 'purchaseIntent.canceled'
  | 'purchaseIntent.commented'
  | 'purchaseIntent.resent.mail';

/** One entry of an intent's `history`, exactly the reference's item shape. */
export interface HistoryItem {
  type: HistoryType;
  date: string;
  userId: string | null;
  data: Record<string, unknown>;
}

/**
 * A cart line as stored: the client's item with its money fields (`price`, `netPrice`) moved to
 * minor units of the intent's currency (`priceMinor`, `netPriceMinor`).
 */
export interface StoredItem {
  _id: string;
  type: string;
  amount: number;
  priceMinor: number;
  netPriceMinor?: number;
  [k: string]: unknown;
}

function itemView(item: StoredItem, currency: string): Record<string, unknown> {
  const { priceMinor, netPriceMinor, ...rest } = item;
  return {
    ...rest,
    price: toMajor(priceMinor, currency),
    ...(netPriceMinor !== undefined ? { netPrice: toMajor(netPriceMinor, currency) } : {}),
  };
}

/**
 * An additional item as the resource answers it (see `additionalItemSchema`): the item as sent, plus
 * the resource's required `itemId`, `netPrice` and `taxRate`, filled from what was sent.
 */
function additionalItemView(item: StoredItem, currency: string): Record<string, unknown> {
  const view = itemView(item, currency);
  return { itemId: item._id, ...view, netPrice: view.netPrice ?? view.price, taxRate: view.taxRate ?? null };
}

/** The stored row → the reference's PurchaseIntent object (money back to major units). */
export function intentView(r: IntentRow): Record<string, unknown> {
  const optional: Record<string, unknown> = {
    rejectionReason: r.rejection_reason,
    customerId: r.customer_id,
    name: r.name,
    firstname: r.firstname,
    lastname: r.lastname,
    company: r.company,
    email: r.email,
    shopId: r.shop_id,
    strategyId: r.strategy_id,
    salesChannelId: r.sales_channel_id,
    seatingReservationToken: r.seating_reservation_token,
    extraFields: r.extra_fields,
    meta: r.meta,
    identification: r.identification,
    restrictedCompletion: r.restricted_completion && r.restricted_completion.length > 0 ? r.restricted_completion : null,
    expiresAt: r.expires_at?.toISOString() ?? null,
    transactionId: r.transaction_id,
    outcome: r.outcome_checkout_id !== null ? { checkoutId: r.outcome_checkout_id } : null,
    deposit: r.deposit,
  };
  return {
    _id: r.id,
    status: r.status,
    approvalStatus: r.approval_status,
    sellerId: r.tenant_id,
    eventId: r.event_ref,
    regularPrice: toMajor(r.regular_price_minor, r.currency),
    realPrice: toMajor(r.real_price_minor, r.currency),
    currency: r.currency,
    innerFeeComponents: [],
    innerCharge: toMajor(r.inner_charge_minor, r.currency),
    outerFeeComponents: [],
    outerCharge: toMajor(r.outer_charge_minor, r.currency),
    tickets: (r.tickets as StoredItem[]).map((i) => itemView(i, r.currency)),
    products: (r.products as StoredItem[]).map((i) => itemView(i, r.currency)),
    additionalItems: (r.additional_items as StoredItem[]).map((i) => additionalItemView(i, r.currency)),
    vouchers: [],
    appliedCoupons: [],
    secret: r.secret,
    cancellationStrategy: r.cancellation_strategy,
    history: r.history,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    __v: r.version,
    // The reference marks these optional, not nullable: absent rather than null.
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null && v !== undefined)),
  };
}
