export { attemptDelivery, createEndpointInTx, deliver, retryDelayMs } from './webhooks.service.js';
export { registerWebhookJobs } from './webhooks.dispatcher.js';
export { emitWebhook, emitWebhooks, type WebhookFamily, type WebhookMessage } from './webhooks.outbox.js';
export { recordTransition, type Transition } from './webhooks.transitions.js';
export { emitPurchaseIntentWebhook, type PurchaseIntentWebhookType } from './pi-webhooks.service.js';
export { createEndpoint, deleteEndpoint, getEndpoint, listDeliveries, listEndpoints, redeliver, replaceEndpoint } from './webhooks.service.js';
