import { sql, type Kysely } from 'kysely';

/**
 * The resale marketplace (SPEC §4, ADR 0010): listings, buy intentions (holds), payments, orders and
 * seller payouts. The rules that must never break are enforced here as well as in code:
 * - one open listing per ticket: the partial unique index on listing_tickets;
 * - a listing is held by at most one intention: its own `hold_intention_id` column, written only by a
 *   conditional UPDATE; a hold is RESERVED with both hold columns set, and nothing else;
 * - one live payment per intention, and one order per intention;
 * - one payout per (order, listing).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE tenants
      ADD COLUMN resale_hold_minutes int NOT NULL DEFAULT 10 CHECK (resale_hold_minutes BETWEEN 1 AND 1440),
      -- Fees when no FEES rule applies; fixed parts are in minor units of the event's currency.
      ADD COLUMN default_fees jsonb NOT NULL DEFAULT '{"buyerFeePercent": 10, "buyerFeeFixedMinor": 0, "sellerFeePercent": 5, "sellerFeeFixedMinor": 0}';

    -- A resold ticket waits LOCKED for the integrator's new code; the seller's codes stay on record so
    -- that admission can tell a superseded code (ACCESS_CODE_SUPERSEDED) from a wrong one.
    ALTER TABLE tickets
      ADD COLUMN access_reissue_pending boolean NOT NULL DEFAULT false,
      ADD COLUMN superseded_locators text[] NOT NULL DEFAULT '{}';

    CREATE TABLE listings (
      tenant_id text NOT NULL,
      id text NOT NULL,
      event_id text NOT NULL,
      show_pk text NOT NULL,
      -- The integrator's ids, which never change for an event or show, for views without a join.
      external_event_id text NOT NULL,
      external_show_id text NOT NULL,
      ticket_option_id text NOT NULL,
      price_type_id text,
      type text NOT NULL CHECK (type IN ('SINGLE', 'PACK')),
      quantity int NOT NULL CHECK (quantity >= 1),
      -- Per ticket, in minor units of currency; fees computed once when the price is set.
      price_minor bigint NOT NULL CHECK (price_minor >= 0),
      buyer_fee_minor bigint NOT NULL CHECK (buyer_fee_minor >= 0),
      seller_fee_minor bigint NOT NULL CHECK (seller_fee_minor >= 0),
      currency text NOT NULL,
      seller_email text NOT NULL,
      order_id text,
      status text NOT NULL CHECK (status IN ('ACTIVE', 'RESERVED', 'SOLD', 'TERMINATED')),
      end_reason text,
      hold_intention_id text,
      hold_expires_at timestamptz,
      sold_order_id text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      CHECK ((status = 'RESERVED') = (hold_intention_id IS NOT NULL AND hold_expires_at IS NOT NULL))
    );
    CREATE UNIQUE INDEX listings_id ON listings (id);
    CREATE INDEX listings_event_open ON listings (tenant_id, event_id, price_minor, id) WHERE status IN ('ACTIVE', 'RESERVED');
    CREATE INDEX listings_show_open ON listings (tenant_id, show_pk) WHERE status IN ('ACTIVE', 'RESERVED');
    CREATE INDEX listings_hold_expiry ON listings (hold_expires_at) WHERE status = 'RESERVED';

    CREATE TABLE listing_tickets (
      tenant_id text NOT NULL,
      listing_id text NOT NULL,
      ticket_id text NOT NULL,
      -- True while the listing is ACTIVE or RESERVED; the backstop of "one open listing per ticket".
      open boolean NOT NULL,
      face_value_minor bigint,
      seat jsonb,
      PRIMARY KEY (tenant_id, listing_id, ticket_id),
      FOREIGN KEY (tenant_id, listing_id) REFERENCES listings (tenant_id, id)
    );
    CREATE UNIQUE INDEX listing_tickets_one_open ON listing_tickets (tenant_id, ticket_id) WHERE open;
    CREATE INDEX listing_tickets_ticket ON listing_tickets (tenant_id, ticket_id);

    CREATE TABLE buy_intentions (
      tenant_id text NOT NULL,
      id text NOT NULL,
      status text NOT NULL CHECK (status IN ('RESERVED', 'PAYING', 'COMPLETED', 'EXPIRED', 'CANCELLED', 'REFUNDED')),
      source text NOT NULL CHECK (source IN ('BUY_INTENTION', 'CHECKOUT_URL')),
      buyer_email text,
      event_id text NOT NULL,
      show_pk text NOT NULL,
      currency text NOT NULL,
      subtotal_minor bigint NOT NULL,
      buyer_fee_minor bigint NOT NULL,
      total_minor bigint NOT NULL,
      -- SHA-256 of the secret in the paymentUrl: the pay endpoint has no API key, the secret guards it.
      secret_hash text NOT NULL,
      lang text NOT NULL,
      expires_at timestamptz NOT NULL,
      order_id text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE UNIQUE INDEX buy_intentions_id ON buy_intentions (id);
    CREATE INDEX buy_intentions_expiry ON buy_intentions (expires_at) WHERE status = 'RESERVED';
    CREATE INDEX buy_intentions_show_open ON buy_intentions (tenant_id, show_pk) WHERE status IN ('RESERVED', 'PAYING', 'EXPIRED');

    CREATE TABLE buy_intention_items (
      tenant_id text NOT NULL,
      intention_id text NOT NULL,
      listing_id text NOT NULL,
      position int NOT NULL,
      ticket_ids text[] NOT NULL,
      quantity int NOT NULL,
      price_minor bigint NOT NULL,
      buyer_fee_minor bigint NOT NULL,
      seller_fee_minor bigint NOT NULL,
      seller_email text NOT NULL,
      PRIMARY KEY (tenant_id, intention_id, listing_id),
      FOREIGN KEY (tenant_id, intention_id) REFERENCES buy_intentions (tenant_id, id)
    );

    CREATE TABLE payments (
      tenant_id text NOT NULL,
      id text NOT NULL,
      intention_id text NOT NULL,
      provider text NOT NULL,
      provider_ref text,
      status text NOT NULL CHECK (status IN ('PROCESSING', 'SUCCEEDED', 'DECLINED', 'FAILED', 'REFUNDED')),
      amount_minor bigint NOT NULL,
      currency text NOT NULL,
      card_last4 text,
      failure_code text,
      failure_message text,
      refund_ref text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, intention_id) REFERENCES buy_intentions (tenant_id, id)
    );
    CREATE UNIQUE INDEX payments_provider_ref ON payments (provider, provider_ref) WHERE provider_ref IS NOT NULL;
    -- At most one payment in flight or taken per intention: a second card cannot be charged twice.
    CREATE UNIQUE INDEX payments_one_live ON payments (tenant_id, intention_id) WHERE status IN ('PROCESSING', 'SUCCEEDED', 'REFUNDED');
    CREATE INDEX payments_processing ON payments (updated_at) WHERE status = 'PROCESSING';

    CREATE TABLE orders (
      tenant_id text NOT NULL,
      id text NOT NULL,
      intention_id text NOT NULL,
      payment_id text NOT NULL,
      buyer_email text NOT NULL,
      event_id text NOT NULL,
      show_pk text NOT NULL,
      currency text NOT NULL,
      subtotal_minor bigint NOT NULL,
      buyer_fee_minor bigint NOT NULL,
      total_minor bigint NOT NULL,
      status text NOT NULL CHECK (status IN ('COMPLETED', 'REFUND_PENDING', 'REFUNDED')),
      -- How the order ended, in words a support agent can repeat to the fan.
      outcome text NOT NULL,
      refund_reason text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      refunded_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, intention_id)
    );
    CREATE INDEX orders_show ON orders (tenant_id, show_pk) WHERE status = 'COMPLETED';

    CREATE TABLE order_items (
      tenant_id text NOT NULL,
      order_id text NOT NULL,
      ticket_id text NOT NULL,
      listing_id text NOT NULL,
      seller_email text NOT NULL,
      price_minor bigint NOT NULL,
      buyer_fee_minor bigint NOT NULL,
      seller_fee_minor bigint NOT NULL,
      PRIMARY KEY (tenant_id, order_id, ticket_id),
      FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
    );
    CREATE INDEX order_items_ticket ON order_items (tenant_id, ticket_id);

    CREATE TABLE payouts (
      tenant_id text NOT NULL,
      id text NOT NULL,
      order_id text NOT NULL,
      listing_id text NOT NULL,
      seller_email text NOT NULL,
      amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
      currency text NOT NULL,
      status text NOT NULL CHECK (status IN ('SCHEDULED', 'RELEASED', 'CANCELLED')),
      release_at timestamptz NOT NULL,
      released_at timestamptz,
      cancelled_at timestamptz,
      cancel_reason text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, order_id, listing_id)
    );
    CREATE INDEX payouts_due ON payouts (release_at) WHERE status = 'SCHEDULED';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE payouts, order_items, orders, payments, buy_intention_items, buy_intentions, listing_tickets, listings;
    ALTER TABLE tickets DROP COLUMN access_reissue_pending, DROP COLUMN superseded_locators;
    ALTER TABLE tenants DROP COLUMN resale_hold_minutes, DROP COLUMN default_fees;
  `.execute(db);
}
