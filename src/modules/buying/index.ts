export { createBuyIntention, createCheckoutUrl, findIntentionBySecret, getBuyIntention, getCheckout, getOrderView } from './buying.service.js';
export {
  expireIntentions,
  findOrder,
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
} from './buying.orders.js';
export { intentionView, orderView, paymentView } from './buying.mappers.js';
export { IntentionParams, IntentionView, OrderView, PayBody, PayResultView, SecretQuery } from './buying.schemas.js';
export type { IntentionRow, OrderRow } from './buying.repository.js';
export { BuyIntentionBody, CheckoutUrlBody, CheckoutUrlQuery } from './buying.schemas.js';
