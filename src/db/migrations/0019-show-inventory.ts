import { sql, type Kysely } from 'kysely';

/**
 * Inventory as the integrator reports it (issue 11, SPEC §6 "Inventory"): per show (option and price
 * type '' ) and per (show, ticket option, price type) from `…/inventory/details`. Every number is
 * optional (null: never reported); a PUT that omits a field keeps what was stored. A ticket option's
 * row (price type '') carries the capacity purchase intents check against.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE show_inventory (
      tenant_id text NOT NULL,
      show_pk text NOT NULL,
      ticket_option_id text NOT NULL DEFAULT '',
      price_type_id text NOT NULL DEFAULT '',
      capacity integer CHECK (capacity >= 0),
      released_tickets integer CHECK (released_tickets >= 0),
      reserved_space integer CHECK (reserved_space >= 0),
      sold_out boolean,
      sold_percentage double precision CHECK (sold_percentage BETWEEN 0 AND 100),
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, show_pk, ticket_option_id, price_type_id),
      FOREIGN KEY (tenant_id, show_pk) REFERENCES shows (tenant_id, id) ON DELETE CASCADE
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE show_inventory`.execute(db);
}
