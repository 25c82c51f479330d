export {
  auditNewIntention,
  checkReservation,
  findIntentionBySecret,
  getBuyIntention,
  getCheckout,
  getOrderView,
  newIntentionId,
  recordBuyIntentionInTx,
  refuseRepeatedIds,
  type IntentionSource,
  type NewIntention,
} from './orders.service.js';
export {
  expireIntentions,
  extendIntentionHold,
  findOrder,
  findOrderOfPayment,
  intentionItems,
  linkOrderToIntention,
  lockCompletedOrdersOfShows,
  lockIntention,
  lockOpenIntentionsOfShows,
  lockOrder,
  markOrderRefunded,
  markOrderRefundPending,
  moveIntention,
  newOrderId,
  recordOrder,
  viewOfOrder,
} from './orders.lifecycle.js';
export { intentionView, orderView, paymentView } from './orders.mappers.js';
export { IntentionParams, IntentionView, OrderView, PayBody, PayResultView, SecretQuery } from './orders.schemas.js';
export type { IntentionItemRow, IntentionRow, OrderRow } from './orders.repository.js';
export { BuyIntentionBody, CheckoutUrlBody, CheckoutUrlQuery } from './orders.schemas.js';
