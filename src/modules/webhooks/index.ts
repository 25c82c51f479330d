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
