export { getStrategyForTenant } from './strategies.service.js';
export type { CancellationStrategy, CompletionChannel, StrategyRecord } from './strategies.model.js';
export { changeIntent, getIntent, listIntents, searchIntent, updateIntent, cancelIntent, setApproval, expireDueIntents, announceIntent } from './intents.service.js';
export { announceNewIntent, insertIntentInTx, insertIntentLines, resolveStrategy } from './intents.create.js';
export { capacityCounter, capacityRefusalOf, lockCapacityCounter, precheckCapacity, releaseExpiredHolds, type CapacityCounter } from './capacity.service.js';
export { buildCart, cartTickets, placesHeldByOpenIntents, ticketsToIssue } from './intents.cart.js';
export { resolveShow, showOf } from './intents.show.js';
export { addHistoryEntry, requireTicketsToCreate, sendReservationMail, strategyOf, ticketsCreatedChange } from './intents.ops.service.js';
export { dropLines, itemsAmendedChange, itemsReplacedChange, pickTicketRanges, replacementCart, requireAmendable, shrinkCart, splitIntent, takeCart } from './intents.items.service.js';
export { type AmendItemsBody, type ReplaceItemsBody, type SplitBody } from './intents.items.service.js';
export { type HistoryEntryBody, type ReservationMailBody } from './intents.ops.service.js';
export { IntentParams, IntentResource, intentResourceSchema, jsonSchema, requestSchema, ApprovalSchema, CreateIntentSchema, IntentList, ListQuery, PatchIntentSchema, SearchQuery, type ApprovalBody, type CreateIntentBody, type PatchIntentBody } from './intents.schemas.js';
export { findBySecret, getPublicIntent, publicActor, publicTicketsView, tenantsOfPublicIntent, type IntentTicket, type PublicDeps } from './intents.public.service.js';
export {
  amountDue,
  assertCustomerMayCancel,
  carriesPayment,
  completePaidIntent,
  depositTerms,
  nextCharge,
  paymentRefusal,
  lockCheckoutIntents,
  lockIntentsById,
  recordDepositPaid,
  type CheckoutItem,
  type IntentPaymentKind,
  type PaymentRefusalReason,
  type TakenCharge,
} from './intents.payment.js';
export { findIntentRow } from './intents.payment.js';
export { intentView, type IntentRow } from './intents.model.js';
export { type IntentView } from './intents.service.js';
export { type StoredStrategy } from './strategies.model.js';
export { createStrategy, getStrategy, listStrategies, updateStrategy, type StrategyInput } from './strategies.service.js';
export { referenceSchema, relaxOneOf } from './reference.js';
export { LIMITS, withLimits } from './intents.limits.js';
export {
  checkoutLines,
  checkoutSessionStatus,
  CHECKOUT_ID_PREFIX,
  earliestExpiry,
  findCheckoutSession,
  insertCheckoutSession,
  recordCheckoutSessionStatus,
  type CheckoutLine,
  type CheckoutSessionRow,
  type CheckoutSessionStatus,
} from './checkouts.service.js';
