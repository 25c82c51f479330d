import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tenants (
      id text PRIMARY KEY,
      name text NOT NULL,
      default_currency text NOT NULL DEFAULT 'EUR',
      return_origins text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE api_keys (
      tenant_id text NOT NULL REFERENCES tenants(id),
      id text NOT NULL,
      prefix text NOT NULL,
      key_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX api_keys_prefix ON api_keys (prefix);
    CREATE TABLE audit_log (
      tenant_id text NOT NULL REFERENCES tenants(id),
      id text NOT NULL,
      actor_key_id text,
      actor text NOT NULL,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text NOT NULL,
      before jsonb,
      after jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX audit_log_entity ON audit_log (tenant_id, entity_type, entity_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE audit_log; DROP TABLE api_keys; DROP TABLE tenants;`.execute(db);
}
