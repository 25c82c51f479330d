import type { Deps } from '../../app/deps.js';
import { expireDueIntents } from './intents.service.js';

export const EXPIRE_JOB = 'purchase-intents-expire';

/**
 * Expiry every minute (SPEC §7), after reconciling checkout payments left in flight by a dead
 * process. Availability already ignores expired intents without it; the job makes them `canceled`
 * with their history, invalidates their reserved tickets (which otherwise still count against
 * capacity) and sends `purchaseIntent.expired`.
 */
export function registerPurchaseIntentJobs(deps: Deps): void {
  deps.queue.register(EXPIRE_JOB, async () => {
    await expireDueIntents(deps);
  }, { retryLimit: 0 });
  deps.queue.schedule(EXPIRE_JOB, '* * * * *');
}
