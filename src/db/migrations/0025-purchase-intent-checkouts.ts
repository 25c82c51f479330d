import { sql, type Kysely } from 'kysely';

/**
 * Purchase-intent checkout sessions (SPEC §7 and §4.1 item 9, issue 12): `POST …/checkout` without a
 * card answers a session whose `url` is the hosted checkout page where the fan pays (the deposit
 * first when the strategy asks for one) or cancels.
 *
 * - `secret_hash`: SHA-256 of the secret in the page's URL (as buy intentions' `secret_hash`): the page
 *   has no API key, the secret guards it, and the URL is the only place the secret is ever shown.
 * - `intent_ids`: an array (not foreign keys): a session only points at intents, whose own rows stay
 *   the truth; a session's live status is computed from them (they change through other doors too:
 *   the seller's API, the expiry job, the immediate checkout). `status` records what Encore last wrote.
 * - `id` is unique on its own (Encore's ids are global): the page finds the session without a tenant.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE purchase_intent_checkouts (
      tenant_id text NOT NULL REFERENCES tenants(id),
      id text NOT NULL,
      intent_ids text[] NOT NULL CHECK (cardinality(intent_ids) >= 1),
      secret_hash text NOT NULL,
      currency text NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'complete', 'expired', 'canceled')),
      lang text NOT NULL CHECK (lang IN ('es', 'en')),
      sales_channel_id text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      expires_at timestamptz,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE UNIQUE INDEX purchase_intent_checkouts_id ON purchase_intent_checkouts (id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS purchase_intent_checkouts`.execute(db);
}
