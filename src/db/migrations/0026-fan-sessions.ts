import { sql, type Kysely } from 'kysely';

/**
 * Fans' sessions on the hosted pages and their e-mail sign-in codes (SPEC §4.1 item 10, §5;
 * issue 12). As for one-time tokens, only hashes are stored: the cookie's 32-byte token as its
 * SHA-256 (a leaked table or backup signs nobody in), and a 6-digit code as the SHA-256 of its row
 * id and the code. The page knows only the cookie, so `token_hash` is unique on its own; the row's
 * tenant is what the page checks against its URL. An ended session also gets `expires_at` = the end,
 * so the clean-up sweep needs only the expiry index. One code per (tenant, e-mail): a new code
 * overwrites the previous one, and with it its tries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE fan_sessions (
      tenant_id text NOT NULL REFERENCES tenants(id),
      id text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      email text NOT NULL CHECK (email = lower(email)),
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      ended_at timestamptz,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX fan_sessions_expiry ON fan_sessions (expires_at);

    CREATE TABLE fan_email_codes (
      tenant_id text NOT NULL REFERENCES tenants(id),
      email text NOT NULL CHECK (email = lower(email)),
      id text NOT NULL,
      code_hash text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      failed_tries integer NOT NULL DEFAULT 0 CHECK (failed_tries >= 0),
      PRIMARY KEY (tenant_id, email)
    );
    CREATE INDEX fan_email_codes_expiry ON fan_email_codes (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE fan_email_codes; DROP TABLE fan_sessions;`.execute(db);
}
