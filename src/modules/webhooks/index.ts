export { webhooksRoutes } from './webhooks.routes.js';
export {
  createEndpointInTx,
  deliver,
  emitWebhook,
  registerWebhookJobs,
  retryDelayMs,
  type WebhookFamily,
  type WebhookMessage,
} from './webhooks.service.js';
