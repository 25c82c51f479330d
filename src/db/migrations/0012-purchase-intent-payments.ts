import { sql, type Kysely } from 'kysely';

/**
 * Purchase-intent payments (issue 5, public checkout; ADR 0011). The marketplace's `payments` table
 * belongs to buy intentions (its foreign key), so purchase intents get their own:
 * - `purchase_intent_payments`: one row per charge attempt (PROCESSING while the provider is asked,
 *   then SUCCEEDED | DECLINED | FAILED, REFUNDED when the money went back). One charge may pay several
 *   intents (the multi-intent checkout): they share its `checkout_id`.
 * - `purchase_intent_payment_parts`: which intent the charge pays and how much of it (`kind` deposit,
 *   balance after a deposit, or full).
 * The service writes a payment only under the row locks of all its intents and refuses a second while
 * one is PROCESSING; the partial unique index is the backstop (one charge in flight per intent).
 * The public endpoints find an intent by its id alone (no API key names the tenant): index on `id`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE purchase_intent_payments (
      tenant_id text NOT NULL,
      id text NOT NULL,
      checkout_id text NOT NULL,
      provider text NOT NULL,
      provider_ref text,
      status text NOT NULL CHECK (status IN ('PROCESSING', 'SUCCEEDED', 'DECLINED', 'FAILED', 'REFUNDED')),
      amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
      currency text NOT NULL,
      card_last4 text,
      failure_code text,
      failure_message text,
      refund_ref text,
      -- The checkout body's salesChannelId, set on intents that have none when the charge succeeds.
      sales_channel_id text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX purchase_intent_payments_processing ON purchase_intent_payments (updated_at) WHERE status = 'PROCESSING';

    CREATE TABLE purchase_intent_payment_parts (
      tenant_id text NOT NULL,
      payment_id text NOT NULL,
      intent_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('deposit', 'balance', 'full')),
      amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
      -- True while the payment is PROCESSING, for the unique index below (a deposit and its balance
      -- are two SUCCEEDED payments of one intent; only one charge may be in flight).
      live boolean NOT NULL DEFAULT true,
      PRIMARY KEY (tenant_id, payment_id, intent_id),
      FOREIGN KEY (tenant_id, payment_id) REFERENCES purchase_intent_payments (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, intent_id) REFERENCES purchase_intents (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX purchase_intent_payment_parts_intent ON purchase_intent_payment_parts (tenant_id, intent_id);
    CREATE UNIQUE INDEX purchase_intent_payment_parts_one_live ON purchase_intent_payment_parts (tenant_id, intent_id) WHERE live;

    CREATE INDEX purchase_intents_id ON purchase_intents (id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS purchase_intents_id;
    DROP TABLE IF EXISTS purchase_intent_payment_parts;
    DROP TABLE IF EXISTS purchase_intent_payments;
  `.execute(db);
}
