import { sql, type Kysely } from 'kysely';

/**
 * Plans that do not depend on statistics (issue 13, ADR 0020).
 *
 * Every table's primary key is `(tenant_id, id…)`. A secondary key or index that also led with
 * `tenant_id` tied with it on cost while a table had no statistics (PostgreSQL estimates a table it
 * never analysed at ten pages, whatever it holds), and won: the foreign-key check of every new show
 * then read all of the tenant's shows through `(tenant_id, event_id, show_id)`, and a foreign-key
 * check keeps its plan for the life of the connection. So a secondary key now leads with the
 * column it exists for and ends with `tenant_id`: it still serves its lookup (and still scopes it
 * to the tenant), and it can no longer answer a lookup by primary key. The names are kept: code
 * refers to some of them (ON CONFLICT, unique-violation mapping).
 *
 * A secondary index led by one of Encore's own ids (`evt_…`, `shw_…`, `pi_…`, `pay_…`, unique across
 * tenants by construction) has no `tenant_id` at all: the id alone finds the rows, the query's
 * `tenant_id = …` is checked on them, and an index without the column cannot be picked for a
 * lookup that binds only the tenant. Columns a tenant chooses (external references, emails, ticket
 * ids) keep `tenant_id` as their last column, which makes their uniqueness per tenant.
 *
 * Kept leading with `tenant_id`: `events_list` and `purchase_intents_created`, which exist to list
 * one tenant's rows in order, and the primary keys themselves.
 *
 * `leads_email` is no longer partial (NULLs are distinct, so it is as unique as before): it also
 * answers the delete of a show, whose leads cascade.
 *
 * Added: a seller's listings and payouts (the pages' "my listings" and payout reads), which were
 * answered by reading all of the tenant's listings or payouts.
 *
 * On a large existing database this rebuilds these indexes inside the migration's transaction:
 * plan a maintenance window, as for any migration that rebuilds an index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE events DROP CONSTRAINT events_tenant_id_external_reference_id_key,
      ADD CONSTRAINT events_tenant_id_external_reference_id_key UNIQUE (external_reference_id, tenant_id);
    ALTER TABLE shows DROP CONSTRAINT shows_tenant_id_event_id_show_id_key,
      ADD CONSTRAINT shows_tenant_id_event_id_show_id_key UNIQUE (event_id, show_id, tenant_id);
    ALTER TABLE event_rules DROP CONSTRAINT event_rules_scope,
      ADD CONSTRAINT event_rules_scope UNIQUE NULLS NOT DISTINCT (event_id, show_id, ticket_option_id, price_type_id, rule_type, tenant_id);
    ALTER TABLE orders DROP CONSTRAINT orders_tenant_id_intention_id_key,
      ADD CONSTRAINT orders_tenant_id_intention_id_key UNIQUE (intention_id, tenant_id);
    ALTER TABLE payouts DROP CONSTRAINT payouts_tenant_id_order_id_listing_id_key,
      ADD CONSTRAINT payouts_tenant_id_order_id_listing_id_key UNIQUE (order_id, listing_id, tenant_id);
    ALTER TABLE ticket_shield_unlocks DROP CONSTRAINT ticket_shield_unlocks_scope,
      ADD CONSTRAINT ticket_shield_unlocks_scope UNIQUE NULLS NOT DISTINCT (show_pk, ticket_option_id, price_type_id, unlock_at, tenant_id);

    DROP INDEX audit_log_entity;
    CREATE INDEX audit_log_entity ON audit_log (entity_id, entity_type, tenant_id, created_at);
    DROP INDEX buy_intentions_show_open;
    CREATE INDEX buy_intentions_show_open ON buy_intentions (show_pk) WHERE status IN ('RESERVED', 'PAYING', 'EXPIRED');
    DROP INDEX leads_buyer_ref, leads_email, leads_phone, leads_event, leads_wishlist;
    CREATE UNIQUE INDEX leads_buyer_ref ON leads (show_pk, buyer_ref) WHERE buyer_ref IS NOT NULL;
    CREATE UNIQUE INDEX leads_email ON leads (show_pk, email);
    CREATE UNIQUE INDEX leads_phone ON leads (show_pk, phone) WHERE phone IS NOT NULL;
    CREATE INDEX leads_event ON leads (event_id, created_at, id);
    CREATE INDEX leads_wishlist ON leads (event_ref, show_ref, tenant_id, created_at, id) WHERE type = 'WISHLIST';
    DROP INDEX listing_tickets_one_open, listing_tickets_ticket;
    CREATE UNIQUE INDEX listing_tickets_one_open ON listing_tickets (ticket_id, tenant_id) WHERE open;
    CREATE INDEX listing_tickets_ticket ON listing_tickets (ticket_id, tenant_id);
    DROP INDEX listings_event_open, listings_show_open;
    CREATE INDEX listings_event_open ON listings (event_id, price_minor, id) WHERE status IN ('ACTIVE', 'RESERVED');
    CREATE INDEX listings_show_open ON listings (show_pk) WHERE status IN ('ACTIVE', 'RESERVED');
    CREATE INDEX listings_seller ON listings (seller_email, tenant_id);
    DROP INDEX order_items_ticket;
    CREATE INDEX order_items_ticket ON order_items (ticket_id, tenant_id);
    DROP INDEX orders_payment, orders_show;
    CREATE INDEX orders_payment ON orders (payment_id);
    CREATE INDEX orders_show ON orders (show_pk) WHERE status = 'COMPLETED';
    DROP INDEX payment_lines_one_live, payment_lines_subject;
    CREATE UNIQUE INDEX payment_lines_one_live ON payment_lines (subject_id, purpose, tenant_id) WHERE live;
    CREATE INDEX payment_lines_subject ON payment_lines (subject_id, purpose, tenant_id);
    CREATE INDEX payouts_seller ON payouts (seller_email, tenant_id);
    DROP INDEX purchase_intent_lines_option;
    CREATE INDEX purchase_intent_lines_option ON purchase_intent_lines (show_pk, ticket_option_id) WHERE holding;
    DROP INDEX purchase_intent_mails_intent, purchase_intent_seats_intent;
    CREATE INDEX purchase_intent_mails_intent ON purchase_intent_mails (intent_id);
    CREATE INDEX purchase_intent_seats_intent ON purchase_intent_seats (intent_id);
    DROP INDEX purchase_intents_customer, purchase_intents_show;
    CREATE INDEX purchase_intents_customer ON purchase_intents (customer_id, tenant_id) WHERE customer_id IS NOT NULL;
    CREATE INDEX purchase_intents_show ON purchase_intents (show_pk);
    DROP INDEX tickets_buyer_email, tickets_order, tickets_show;
    CREATE INDEX tickets_buyer_email ON tickets (buyer_email, tenant_id) WHERE buyer_email IS NOT NULL;
    CREATE INDEX tickets_order ON tickets (order_id) WHERE order_id IS NOT NULL;
    CREATE INDEX tickets_show ON tickets (show_pk, ticket_option_id);
    DROP INDEX webhook_deliveries_endpoint;
    CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);
  `.execute(db);
}

export async function down(): Promise<void> {
  // Index order only: nothing to undo that a reader of the data would notice.
}
