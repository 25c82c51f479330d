import { sql, type Kysely } from 'kysely';

/**
 * Purchase-intent strategies (SPEC §7, issue 5): one row per strategy, one column per field of the
 * reference's `PurchaseIntentStrategyResource`. The CHECKs are the backstop of the rules the service
 * enforces first (valid tickets need created tickets with seats; a percentage deposit is at most 100).
 * `deposit_value` is the reference's float as given: a percentage, or a fixed amount in major units
 * of the intent's currency (a strategy has no currency of its own).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE purchase_intent_strategies (
      tenant_id text NOT NULL REFERENCES tenants(id),
      id text NOT NULL,
      name text NOT NULL,
      create_tickets boolean NOT NULL,
      check_availability boolean NOT NULL,
      without_seats boolean NOT NULL,
      create_valid_tickets boolean NOT NULL,
      hours_before_event double precision,
      hours_after_creation double precision,
      expires_at timestamptz,
      deposit_method text CHECK (deposit_method IN ('fixed', 'percentage')),
      deposit_value double precision CHECK (deposit_value >= 0),
      needs_approval boolean NOT NULL,
      restricted_completion text[] NOT NULL DEFAULT '{}' CHECK (restricted_completion <@ ARRAY['POS', 'Online']),
      cancellation_strategy text NOT NULL CHECK (cancellation_strategy IN ('notAllowed', 'cancellationAllowed')),
      version int NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      CHECK (NOT create_valid_tickets OR (create_tickets AND NOT without_seats)),
      CHECK ((deposit_method IS NULL) = (deposit_value IS NULL)),
      CHECK (deposit_method IS DISTINCT FROM 'percentage' OR deposit_value <= 100)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE purchase_intent_strategies;`.execute(db);
}
