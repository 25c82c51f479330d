import { sql, type Kysely } from 'kysely';

/**
 * TICKET_SHIELD (SPEC §2, ADR 0009).
 * - `tickets.access_unlock_at`: set while the shield holds a ticket's code LOCKED, to when it opens.
 *   Nullable without a default, so adding it rewrites nothing; the partial index holds only the
 *   shield-locked tickets, which is all the per-minute unlock sweep reads.
 * - `ticket_shield_unlocks`: one row per opened (show, scope, unlock time). Its unique key is what
 *   makes the unlock job announce each opening once when several workers run it at the same time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE tickets ADD COLUMN access_unlock_at timestamptz;
    CREATE INDEX tickets_shield_due ON tickets (access_unlock_at) WHERE access_unlock_at IS NOT NULL;

    CREATE TABLE ticket_shield_unlocks (
      tenant_id text NOT NULL REFERENCES tenants(id),
      id text NOT NULL,
      event_id text NOT NULL,
      show_pk text NOT NULL,
      ticket_option_id text,
      price_type_id text,
      rule_id text,
      unlock_at timestamptz NOT NULL,
      unlocked_at timestamptz NOT NULL,
      ticket_count integer NOT NULL DEFAULT 0,
      announced boolean NOT NULL DEFAULT false,
      PRIMARY KEY (tenant_id, id),
      CONSTRAINT ticket_shield_unlocks_scope UNIQUE NULLS NOT DISTINCT (tenant_id, show_pk, ticket_option_id, price_type_id, unlock_at)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE ticket_shield_unlocks;
    DROP INDEX tickets_shield_due;
    ALTER TABLE tickets DROP COLUMN access_unlock_at;
  `.execute(db);
}
