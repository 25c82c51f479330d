import { sql, type Kysely } from 'kysely';

/**
 * Sellers' payout accounts (issue 11, SPEC §4.1 item 7 and §6 PENDING_PAYOUT_INFO): one per seller
 * (lower-cased email) of a tenant, an IBAN or another account number. The number is never stored in
 * clear: `number_sealed` is AES-256-GCM with the process's secret key (ENCORE_SECRET_KEY or
 * DATA_DIR/secret.key), bound to (tenant_id, seller_email); `last4` is what pages and the API show.
 * A payout is released only once its seller has a row here; the release sweep finds due payouts and
 * checks this table by its primary key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE payout_accounts (
      tenant_id text NOT NULL,
      seller_email text NOT NULL CHECK (seller_email = lower(seller_email)),
      holder_name text NOT NULL CHECK (length(holder_name) BETWEEN 1 AND 140),
      kind text NOT NULL CHECK (kind IN ('IBAN', 'ACCOUNT')),
      number_sealed text NOT NULL,
      last4 text NOT NULL CHECK (length(last4) BETWEEN 1 AND 4),
      country text CHECK (country ~ '^[A-Z]{2}$'),
      bank_code text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, seller_email),
      CHECK (kind = 'ACCOUNT' OR (country IS NOT NULL AND bank_code IS NULL))
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE payout_accounts`.execute(db);
}
