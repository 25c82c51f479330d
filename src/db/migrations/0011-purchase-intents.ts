import { sql, type Kysely } from 'kysely';

/**
 * Purchase intents (SPEC §7, issue 5). One row per intent; the cart (`tickets`, `products`,
 * `additional_items`) and `history` are JSON documents because the reference shapes them freely and
 * nothing queries inside them. What availability needs is relational: `purchase_intent_lines` holds
 * the amount per (show, ticket option) an intent reserves, so the capacity check is one indexed sum
 * under the ticket option's row lock. Money is in minor units of `currency`.
 *
 * `secret` is stored as given back to the client: the reference returns it on the intent object, so
 * a hash alone could not serve GET; comparisons are constant-time in the service.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE purchase_intents (
      tenant_id text NOT NULL REFERENCES tenants(id),
      id text NOT NULL,
      secret text NOT NULL,
      status text NOT NULL CHECK (status IN ('new', 'complete', 'canceled')),
      approval_status text NOT NULL CHECK (approval_status IN ('awaiting', 'approved', 'rejected')),
      rejection_reason text,
      customer_id text,
      name text,
      firstname text,
      lastname text,
      company text,
      email text,
      -- The eventId as the client gave it (show id or externalReferenceId), and the show it named.
      event_ref text NOT NULL,
      event_id text NOT NULL,
      show_pk text NOT NULL,
      shop_id text,
      strategy_id text,
      sales_channel_id text,
      seating_reservation_token text,
      currency text NOT NULL,
      regular_price_minor bigint NOT NULL CHECK (regular_price_minor >= 0),
      real_price_minor bigint NOT NULL CHECK (real_price_minor >= 0),
      inner_charge_minor bigint NOT NULL DEFAULT 0,
      outer_charge_minor bigint NOT NULL DEFAULT 0,
      tickets jsonb NOT NULL,
      products jsonb NOT NULL DEFAULT '[]',
      additional_items jsonb NOT NULL DEFAULT '[]',
      extra_fields jsonb,
      meta jsonb,
      restricted_completion text[],
      cancellation_strategy text NOT NULL CHECK (cancellation_strategy IN ('notAllowed', 'cancellationAllowed')),
      -- Whether the intent's reserved seats are real tickets (createTickets): then the tickets count
      -- against capacity and the lines do not, so nothing is counted twice.
      tickets_issued boolean NOT NULL DEFAULT false,
      expires_at timestamptz,
      transaction_id text,
      outcome_checkout_id text,
      deposit jsonb,
      history jsonb NOT NULL DEFAULT '[]',
      version int NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX purchase_intents_created ON purchase_intents (tenant_id, created_at, id);
    CREATE INDEX purchase_intents_customer ON purchase_intents (tenant_id, customer_id) WHERE customer_id IS NOT NULL;
    CREATE INDEX purchase_intents_show ON purchase_intents (tenant_id, show_pk);
    CREATE INDEX purchase_intents_expiry ON purchase_intents (expires_at) WHERE status = 'new' AND expires_at IS NOT NULL;

    CREATE TABLE purchase_intent_lines (
      tenant_id text NOT NULL,
      intent_id text NOT NULL,
      show_pk text NOT NULL,
      ticket_option_id text NOT NULL,
      amount int NOT NULL CHECK (amount >= 1),
      -- Copies of the intent's state (kept in step by the repository): whether the line still holds
      -- places (status new, no tickets issued) and until when. The capacity check then reads lines
      -- alone: a join to purchase_intents was planned as a nested loop over every intent of the show
      -- while the tables had no statistics (25 ms per check at 300 intents).
      holding boolean NOT NULL DEFAULT true,
      expires_at timestamptz,
      PRIMARY KEY (tenant_id, intent_id, show_pk, ticket_option_id),
      FOREIGN KEY (tenant_id, intent_id) REFERENCES purchase_intents (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX purchase_intent_lines_option ON purchase_intent_lines (tenant_id, show_pk, ticket_option_id) WHERE holding;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS purchase_intent_lines; DROP TABLE IF EXISTS purchase_intents;`.execute(db);
}
