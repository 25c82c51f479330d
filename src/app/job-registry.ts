import type { Deps } from './deps.js';
import { registerMarketplaceJobs } from '../flows/marketplace-jobs.js';
import { registerTicketShieldJobs } from '../flows/ticket-shield.js';
import { registerPaymentJobs } from '../flows/payment-settlements.js';
import { registerPurchaseIntentJobs } from '../modules/purchase-intents/index.js';
import { registerAuthTokenJobs } from '../modules/auth-tokens/index.js';
import { registerIdempotencyJobs } from '../modules/idempotency/index.js';
import { registerRateLimitJobs } from '../modules/rate-limits/index.js';
import { registerIngestionJobs } from '../modules/tickets/index.js';
import { registerWebhookJobs } from '../modules/webhooks/index.js';

/** Every module's job handlers, registered once per process before the queue starts. */
export function registerJobs(deps: Deps): void {
  registerWebhookJobs(deps);
  registerIdempotencyJobs(deps);
  registerIngestionJobs(deps);
  registerRateLimitJobs(deps);
  registerTicketShieldJobs(deps);
  registerAuthTokenJobs(deps);
  registerMarketplaceJobs(deps);
  registerPaymentJobs(deps);
  registerPurchaseIntentJobs(deps);
}
