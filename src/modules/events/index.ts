export { eventsRoutes } from './events.routes.js';
export { createEvent, findShow, getEvent, getEventForTenant, listEvents, replaceEvent, type ShowRef } from './events.service.js';
export { cancelEvent, cancelEventInTx, type CancellationOutcome } from './cancellation.service.js';
export { upsertRules } from './rules.service.js';
export { mostSpecificRule, type RuleScope, type ScopeTarget } from './rules.select.js';
export type { EventRecord, RuleRecord, ShowRecord } from './events.mappers.js';
export type { EventView, RuleView, ShowView } from './events.schemas.js';
export type { FeesSettings, ResaleSettings, RuleType, TicketShieldSettings, TransferSettings } from './rules.settings.js';
export { parseOffsetDateTime } from './events.dates.js';
