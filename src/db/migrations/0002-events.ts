import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE events (
      tenant_id text NOT NULL REFERENCES tenants(id),
      id text NOT NULL,
      external_reference_id text NOT NULL,
      title text NOT NULL,
      description text NOT NULL,
      currency text NOT NULL,
      location jsonb NOT NULL,
      configuration jsonb NOT NULL,
      producers jsonb NOT NULL DEFAULT '[]',
      seating jsonb,
      status text NOT NULL DEFAULT 'LIVE' CHECK (status IN ('LIVE', 'CANCELLED')),
      cancelled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, external_reference_id)
    );
    CREATE INDEX events_list ON events (tenant_id, created_at DESC, id DESC);
    CREATE TABLE shows (
      tenant_id text NOT NULL,
      id text NOT NULL,
      event_id text NOT NULL,
      show_id text NOT NULL,
      position int NOT NULL,
      title text,
      description text,
      date_text text NOT NULL,
      starts_at timestamptz NOT NULL,
      end_date_text text,
      ends_at timestamptz,
      primary_sales_url text,
      images jsonb NOT NULL DEFAULT '[]',
      status text NOT NULL DEFAULT 'LIVE' CHECK (status IN ('LIVE', 'CANCELLED')),
      cancelled_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, event_id, show_id),
      FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id) ON DELETE CASCADE
    );
    CREATE TABLE ticket_options (
      tenant_id text NOT NULL,
      show_pk text NOT NULL,
      ticket_option_id text NOT NULL,
      position int NOT NULL,
      title text NOT NULL,
      description text,
      price_minor bigint NOT NULL,
      currency text NOT NULL,
      capacity int,
      zone_id text,
      PRIMARY KEY (tenant_id, show_pk, ticket_option_id),
      FOREIGN KEY (tenant_id, show_pk) REFERENCES shows (tenant_id, id) ON DELETE CASCADE
    );
    CREATE TABLE price_types (
      tenant_id text NOT NULL,
      show_pk text NOT NULL,
      price_type_id text NOT NULL,
      position int NOT NULL,
      title text NOT NULL,
      price_minor bigint,
      PRIMARY KEY (tenant_id, show_pk, price_type_id),
      FOREIGN KEY (tenant_id, show_pk) REFERENCES shows (tenant_id, id) ON DELETE CASCADE
    );
    CREATE TABLE price_combinations (
      tenant_id text NOT NULL,
      show_pk text NOT NULL,
      ticket_option_id text NOT NULL,
      price_type_id text NOT NULL,
      price_minor bigint NOT NULL,
      PRIMARY KEY (tenant_id, show_pk, ticket_option_id, price_type_id),
      FOREIGN KEY (tenant_id, show_pk, ticket_option_id) REFERENCES ticket_options (tenant_id, show_pk, ticket_option_id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, show_pk, price_type_id) REFERENCES price_types (tenant_id, show_pk, price_type_id) ON DELETE CASCADE
    );
    CREATE TABLE event_rules (
      tenant_id text NOT NULL,
      id text NOT NULL,
      event_id text NOT NULL,
      show_id text,
      ticket_option_id text,
      price_type_id text,
      rule_type text NOT NULL CHECK (rule_type IN ('RESALE', 'TRANSFER', 'TICKET_SHIELD', 'FEES')),
      rules jsonb NOT NULL,
      price_minor bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id) ON DELETE CASCADE,
      -- one rule per scope and type: the upsert key of POST /v1/events/rules
      CONSTRAINT event_rules_scope UNIQUE NULLS NOT DISTINCT (tenant_id, event_id, show_id, ticket_option_id, price_type_id, rule_type)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE event_rules, price_combinations, price_types, ticket_options, shows, events;`.execute(db);
}
