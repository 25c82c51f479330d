export {
  createEndpointInTx,
  deliver,
  emitWebhook,
  emitWebhooks,
  registerWebhookJobs,
  retryDelayMs,
  type WebhookFamily,
  type WebhookMessage,
} from './webhooks.service.js';
export { recordTransition, type Transition } from './webhooks.transitions.js';
export { emitPurchaseIntentWebhook, type PurchaseIntentWebhookType } from './pi-webhooks.service.js';
export { createEndpoint, deleteEndpoint, getEndpoint, listDeliveries, listEndpoints, redeliver, replaceEndpoint } from './webhooks.service.js';
