import type { Deps } from './deps.js';
import { registerMarketExitHook } from '../flows/marketplace-jobs.js';
import { registerPaymentJobs } from '../flows/payment-settlements.js';
import { registerSweepJobs } from '../flows/sweeps.js';
import { registerIngestionJobs } from '../modules/tickets/index.js';
import { registerWebhookJobs } from '../modules/webhooks/index.js';
import { registerMailJobs } from '../modules/mail/index.js';

/**
 * Every module's job handlers, registered once per process before the queue starts. The periodic
 * sweeps (expiry, release, clean-up) are all in flows/sweeps.ts.
 */
export function registerJobs(deps: Deps): void {
  registerWebhookJobs(deps);
  registerMailJobs(deps);
  registerIngestionJobs(deps);
  registerMarketExitHook();
  registerPaymentJobs(deps);
  registerSweepJobs(deps);
}
