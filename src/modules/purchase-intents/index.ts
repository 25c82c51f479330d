export { strategiesRoutes } from './strategies.routes.js';
export { getStrategyForTenant } from './strategies.service.js';
export type { CancellationStrategy, CompletionChannel, StrategyRecord } from './strategies.model.js';
export { purchaseIntentRoutes } from './intents.routes.js';
export { createIntent, getIntent, listIntents, searchIntent, updateIntent, cancelIntent, setApproval, expireDueIntents, announceIntent } from './intents.service.js';
export { addHistoryEntry, sendReservationMail, createTicketsOfIntent } from './intents.ops.service.js';
export { splitIntent, replaceItems, amendItems } from './intents.items.js';
export { registerPurchaseIntentJobs, EXPIRE_JOB } from './intents.jobs.js';
