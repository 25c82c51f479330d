export { webhooksRoutes } from './webhooks.routes.js';
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
export { emitPurchaseIntentWebhook, type PurchaseIntentWebhookType } from './pi-webhooks.service.js';
