export { strategiesRoutes } from './strategies.routes.js';
export { getStrategyForTenant } from './strategies.service.js';
export type { CancellationStrategy, CompletionChannel, StrategyRecord } from './strategies.model.js';
export { purchaseIntentRoutes } from './intents.routes.js';
export { createIntent, getIntent, listIntents, searchIntent, updateIntent, cancelIntent, setApproval, expireDueIntents } from './intents.service.js';
export { registerPurchaseIntentJobs, EXPIRE_JOB } from './intents.jobs.js';
