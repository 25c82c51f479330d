import { sql, type Kysely } from 'kysely';

/**
 * One table of payments for every checkout (issue 10, ADR 0014). Until now the resale checkout wrote
 * `payments` (one row per attempt, tied to its buy intention by a column) and the purchase-intent
 * checkout wrote the near-identical `purchase_intent_payments` with `purchase_intent_payment_parts`.
 * From here on:
 * - `payments` holds every charge attempt, whatever it pays for: `purpose` says which checkout
 *   settles it (RESALE_ORDER, PURCHASE_INTENTS), `checkout_id` groups the intents of one
 *   purchase-intent checkout, `context` keeps what the settling checkout needs back (its
 *   salesChannelId). The status follows the one payment state machine.
 * - `payment_lines` says what the charge pays for: one line per subject (a buy intention, a purchase
 *   intent), its kind (full, deposit, balance) and amount. A line is `live` while its payment is
 *   PROCESSING; the partial unique index lets one charge at a time be in flight per subject, which is
 *   the backstop of "a second click never charges twice" for both checkouts.
 * Every existing row moves without loss (ids, statuses, amounts, provider references, refunds), then
 * the purchase-intent tables and the buy-intention column go. `down` moves them back.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE payments ADD COLUMN purpose text NOT NULL DEFAULT 'RESALE_ORDER' CHECK (purpose IN ('RESALE_ORDER', 'PURCHASE_INTENTS'));
    ALTER TABLE payments ALTER COLUMN purpose DROP DEFAULT;
    ALTER TABLE payments ADD COLUMN checkout_id text;
    ALTER TABLE payments ADD COLUMN context jsonb NOT NULL DEFAULT '{}'::jsonb;
    ALTER TABLE payments ADD CONSTRAINT payments_amount_not_negative CHECK (amount_minor >= 0);

    CREATE TABLE payment_lines (
      tenant_id text NOT NULL,
      payment_id text NOT NULL,
      purpose text NOT NULL,
      subject_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('full', 'deposit', 'balance')),
      amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
      live boolean NOT NULL DEFAULT true,
      PRIMARY KEY (tenant_id, payment_id, subject_id),
      FOREIGN KEY (tenant_id, payment_id) REFERENCES payments (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX payment_lines_subject ON payment_lines (tenant_id, purpose, subject_id);
    CREATE UNIQUE INDEX payment_lines_one_live ON payment_lines (tenant_id, purpose, subject_id) WHERE live;

    INSERT INTO payment_lines (tenant_id, payment_id, purpose, subject_id, kind, amount_minor, live)
      SELECT tenant_id, id, 'RESALE_ORDER', intention_id, 'full', amount_minor, status = 'PROCESSING' FROM payments;

    -- A refund finds the order its payment paid for.
    CREATE INDEX orders_payment ON orders (tenant_id, payment_id);

    DROP INDEX payments_one_live;
    ALTER TABLE payments DROP COLUMN intention_id;
    INSERT INTO payments (tenant_id, id, purpose, checkout_id, context, provider, provider_ref, status, amount_minor, currency,
                          card_last4, failure_code, failure_message, refund_ref, created_at, updated_at)
      SELECT tenant_id, id, 'PURCHASE_INTENTS', checkout_id,
             CASE WHEN sales_channel_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('salesChannelId', sales_channel_id) END,
             provider, provider_ref, status, amount_minor, currency, card_last4, failure_code, failure_message, refund_ref, created_at, updated_at
      FROM purchase_intent_payments;
    INSERT INTO payment_lines (tenant_id, payment_id, purpose, subject_id, kind, amount_minor, live)
      SELECT tenant_id, payment_id, 'PURCHASE_INTENTS', intent_id, kind, amount_minor, live FROM purchase_intent_payment_parts;

    DROP TABLE purchase_intent_payment_parts;
    DROP TABLE purchase_intent_payments;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE purchase_intent_payments (
      tenant_id text NOT NULL, id text NOT NULL, checkout_id text NOT NULL, provider text NOT NULL, provider_ref text,
      status text NOT NULL CHECK (status IN ('PROCESSING', 'SUCCEEDED', 'DECLINED', 'FAILED', 'REFUNDED')),
      amount_minor bigint NOT NULL CHECK (amount_minor >= 0), currency text NOT NULL, card_last4 text, failure_code text,
      failure_message text, refund_ref text, sales_channel_id text, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX purchase_intent_payments_processing ON purchase_intent_payments (updated_at) WHERE status = 'PROCESSING';
    CREATE TABLE purchase_intent_payment_parts (
      tenant_id text NOT NULL, payment_id text NOT NULL, intent_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('deposit', 'balance', 'full')), amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
      live boolean NOT NULL DEFAULT true,
      PRIMARY KEY (tenant_id, payment_id, intent_id),
      FOREIGN KEY (tenant_id, payment_id) REFERENCES purchase_intent_payments (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, intent_id) REFERENCES purchase_intents (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX purchase_intent_payment_parts_intent ON purchase_intent_payment_parts (tenant_id, intent_id);
    CREATE UNIQUE INDEX purchase_intent_payment_parts_one_live ON purchase_intent_payment_parts (tenant_id, intent_id) WHERE live;

    INSERT INTO purchase_intent_payments
      SELECT tenant_id, id, coalesce(checkout_id, id), provider, provider_ref, status, amount_minor, currency, card_last4, failure_code,
             failure_message, refund_ref, context->>'salesChannelId', created_at, updated_at
      FROM payments WHERE purpose = 'PURCHASE_INTENTS';
    INSERT INTO purchase_intent_payment_parts
      SELECT tenant_id, payment_id, subject_id, kind, amount_minor, live FROM payment_lines WHERE purpose = 'PURCHASE_INTENTS';

    ALTER TABLE payments ADD COLUMN intention_id text;
    UPDATE payments p SET intention_id = l.subject_id FROM payment_lines l
      WHERE l.tenant_id = p.tenant_id AND l.payment_id = p.id AND p.purpose = 'RESALE_ORDER';
    DELETE FROM payments WHERE purpose = 'PURCHASE_INTENTS';
    ALTER TABLE payments ALTER COLUMN intention_id SET NOT NULL;
    ALTER TABLE payments ADD FOREIGN KEY (tenant_id, intention_id) REFERENCES buy_intentions (tenant_id, id);
    CREATE UNIQUE INDEX payments_one_live ON payments (tenant_id, intention_id) WHERE status IN ('PROCESSING', 'SUCCEEDED', 'REFUNDED');
    DROP TABLE payment_lines;
    DROP INDEX orders_payment;
    ALTER TABLE payments DROP CONSTRAINT payments_amount_not_negative;
    ALTER TABLE payments DROP COLUMN context;
    ALTER TABLE payments DROP COLUMN checkout_id;
    ALTER TABLE payments DROP COLUMN purpose;
  `.execute(db);
}
