import { sql, type Kysely } from 'kysely';

/**
 * One-time sign-in tokens (SPEC §5, ADR 0008). Only the SHA-256 of a token is stored: a leaked table
 * (or backup) signs nobody in. The hosted page knows only the token, so the hash is unique on its
 * own (as `api_keys.key_hash` is); the row's tenant is what the page checks against its URL.
 * Single use is the conditional `UPDATE … WHERE used_at IS NULL AND expires_at > $now RETURNING`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE one_time_tokens (
      tenant_id text NOT NULL REFERENCES tenants(id),
      id text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      user_email text NOT NULL CHECK (user_email = lower(user_email)),
      method text NOT NULL CHECK (method IN ('email')),
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX one_time_tokens_expiry ON one_time_tokens (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE one_time_tokens;`.execute(db);
}
