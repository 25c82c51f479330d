import type { AuditLogTable } from '../modules/audit/audit.tables.js';
import type { OneTimeTokensTable } from '../modules/auth-tokens/auth-tokens.tables.js';
import type { FanEmailCodesTable, FanSessionsTable } from '../modules/fan-sessions/fan-sessions.tables.js';
import type {
  EventRulesTable,
  EventsTable,
  PriceCombinationsTable,
  PriceTypesTable,
  ShowsTable,
  TicketOptionsTable,
} from '../modules/events/events.tables.js';
import type { ShowInventoryTable } from '../modules/market-data/inventory.tables.js';
import type { LeadAlertsTable, LeadsTable } from '../modules/market-data/leads.tables.js';
import type { MailOutboxTable } from '../modules/mail/mail.tables.js';
import type { IdempotencyKeysTable } from '../modules/idempotency/idempotency.tables.js';
import type { RateLimitWindowsTable } from '../modules/rate-limits/rate-limits.tables.js';
import type { AdmissionsTable, IngestionJobsTable, TicketHistoryTable, TicketsTable } from '../modules/tickets/tickets.tables.js';
import type { ApiKeysTable, TenantsTable } from '../modules/tenants/tenants.tables.js';
import type { ListingTicketsTable, ListingsTable } from '../modules/listings/listings.tables.js';
import type { BuyIntentionItemsTable, BuyIntentionsTable, OrderItemsTable, OrdersTable } from '../modules/orders/orders.tables.js';
import type { PaymentLinesTable, PaymentsTable } from '../modules/payments/payments.tables.js';
import type { PurchaseIntentStrategiesTable } from '../modules/purchase-intents/strategies.tables.js';
import type { PurchaseIntentLinesTable, PurchaseIntentsTable } from '../modules/purchase-intents/intents.tables.js';
import type { PurchaseIntentMailsTable, PurchaseIntentSeatsTable } from '../modules/purchase-intents/intents.ops.tables.js';
import type { PurchaseIntentCheckoutsTable } from '../modules/purchase-intents/checkouts.tables.js';
import type { PurchaseIntentCapacityTable } from '../modules/purchase-intents/capacity.tables.js';
import type { PayoutAccountsTable, PayoutsTable } from '../modules/payouts/payouts.tables.js';
import type { TicketShieldUnlocksTable } from '../modules/ticket-shield/ticket-shield.tables.js';
import type { WebhookAttemptsTable, WebhookDeliveriesTable, WebhookEndpointsTable } from '../modules/webhooks/webhooks.tables.js';

/** Every table of the database, for Kysely's types. Each module owns (and alone queries) its own. */
export interface DB {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  events: EventsTable;
  shows: ShowsTable;
  ticket_options: TicketOptionsTable;
  price_types: PriceTypesTable;
  price_combinations: PriceCombinationsTable;
  event_rules: EventRulesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  idempotency_keys: IdempotencyKeysTable;
  tickets: TicketsTable;
  ticket_history: TicketHistoryTable;
  admissions: AdmissionsTable;
  ingestion_jobs: IngestionJobsTable;
  rate_limit_windows: RateLimitWindowsTable;
  one_time_tokens: OneTimeTokensTable;
  fan_sessions: FanSessionsTable;
  fan_email_codes: FanEmailCodesTable;
  listings: ListingsTable;
  listing_tickets: ListingTicketsTable;
  buy_intentions: BuyIntentionsTable;
  buy_intention_items: BuyIntentionItemsTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  payments: PaymentsTable;
  payment_lines: PaymentLinesTable;
  payouts: PayoutsTable;
  payout_accounts: PayoutAccountsTable;
  show_inventory: ShowInventoryTable;
  leads: LeadsTable;
  lead_alerts: LeadAlertsTable;
  mail_outbox: MailOutboxTable;
  ticket_shield_unlocks: TicketShieldUnlocksTable;
  purchase_intent_strategies: PurchaseIntentStrategiesTable;
  purchase_intents: PurchaseIntentsTable;
  purchase_intent_lines: PurchaseIntentLinesTable;
  purchase_intent_mails: PurchaseIntentMailsTable;
  purchase_intent_seats: PurchaseIntentSeatsTable;
  purchase_intent_checkouts: PurchaseIntentCheckoutsTable;
  purchase_intent_capacity: PurchaseIntentCapacityTable;
}
