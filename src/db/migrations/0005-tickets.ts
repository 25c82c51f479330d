import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Ingestion writes millions of rows, so each foreign key is kept only where it guards a rule:
    -- the ticket option (and price type) keys stop an event PUT from dropping what has tickets, and
    -- they imply the tenant and the show. The event and tenant are not re-checked row by row: the one
    -- write path takes event_id and show_pk from the same resolved show.
    CREATE TABLE tickets (
      tenant_id text NOT NULL,
      ticket_id text NOT NULL,
      event_id text NOT NULL,
      show_pk text NOT NULL,
      ticket_option_id text NOT NULL,
      price_type_id text,
      status text NOT NULL CHECK (status IN ('VALID', 'LISTED', 'USED', 'CANCELLED', 'DELETED', 'RESERVED', 'INVALID')),
      status_reason text,
      buyer jsonb NOT NULL,
      buyer_email text,
      buyer_email_external text,
      price_minor bigint,
      currency text NOT NULL,
      access_type text NOT NULL CHECK (access_type IN ('URL', 'API', 'OTHER')),
      access_locator text NOT NULL,
      access_status text NOT NULL CHECK (access_status IN ('LOCKED', 'UNLOCKED')),
      access_version int NOT NULL DEFAULT 1,
      primary_sale_buyer_data jsonb,
      nominal_ticket jsonb,
      props jsonb,
      primary_sales_fee jsonb,
      order_id text,
      tags text[] NOT NULL DEFAULT '{}',
      -- SHA-256 of the ticket as last written (ingestion or PUT): an identical re-send is a no-op, a different one TICKET_EXISTS
      content_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, ticket_id),
      -- RESTRICT: an event PUT cannot drop a show, ticket option or price type that has tickets
      FOREIGN KEY (tenant_id, show_pk, ticket_option_id) REFERENCES ticket_options (tenant_id, show_pk, ticket_option_id) ON DELETE RESTRICT,
      FOREIGN KEY (tenant_id, show_pk, price_type_id) REFERENCES price_types (tenant_id, show_pk, price_type_id) ON DELETE RESTRICT
    );
    CREATE INDEX tickets_show ON tickets (tenant_id, show_pk, ticket_option_id);
    CREATE INDEX tickets_order ON tickets (tenant_id, order_id) WHERE order_id IS NOT NULL;
    CREATE INDEX tickets_buyer_email ON tickets (tenant_id, buyer_email) WHERE buyer_email IS NOT NULL;

    CREATE TABLE ticket_history (
      tenant_id text NOT NULL,
      ticket_id text NOT NULL,
      seq bigserial,
      at timestamptz NOT NULL,
      kind text NOT NULL,
      actor text NOT NULL,
      data jsonb NOT NULL DEFAULT '{}',
      -- No foreign key to tickets: checking it locks every new ticket row once more (a WAL record
      -- each), which cost ingestion ~15% of its throughput. Rows are written only with or after
      -- their ticket, and tickets are never deleted (DELETE is a status).
      PRIMARY KEY (tenant_id, ticket_id, seq)
    );

    -- One admission per ticket, enforced here whatever the application does (scanners race).
    CREATE TABLE admissions (
      tenant_id text NOT NULL,
      ticket_id text NOT NULL,
      entry_date timestamptz NOT NULL,
      locator text,
      admitted_at timestamptz NOT NULL,
      actor_key_id text,
      PRIMARY KEY (tenant_id, ticket_id),
      FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, ticket_id) ON DELETE CASCADE
    );

    -- A batch sent to POST /v1/tickets, stored durably with its job before the API answers.
    CREATE TABLE ingestion_jobs (
      tenant_id text NOT NULL REFERENCES tenants(id),
      id text NOT NULL,
      status text NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')),
      total int NOT NULL,
      processed int NOT NULL DEFAULT 0,
      succeeded int NOT NULL DEFAULT 0,
      failed int NOT NULL DEFAULT 0,
      -- json, not jsonb: the batch is stored and read back verbatim (no conversion either way).
      payload json NOT NULL,
      errors jsonb NOT NULL DEFAULT '[]',
      actor text NOT NULL,
      actor_key_id text,
      -- The worker holding the job: a lease renewed with every chunk, so a crashed worker's job is
      -- taken over once the lease runs out (database time), never processed by two at once.
      lease_token text,
      lease_until timestamptz,
      attempts int NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      completed_at timestamptz,
      PRIMARY KEY (tenant_id, id)
    );
    -- Workers look for unfinished jobs across tenants, oldest first.
    CREATE INDEX ingestion_jobs_pending ON ingestion_jobs (created_at) WHERE status IN ('QUEUED', 'RUNNING');

    -- Fixed-window request counters shared by every API process (rate limits).
    CREATE TABLE rate_limit_windows (
      tenant_id text NOT NULL,
      subject text NOT NULL,
      window_start timestamptz NOT NULL,
      count int NOT NULL,
      PRIMARY KEY (tenant_id, subject, window_start)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE rate_limit_windows, ingestion_jobs, admissions, ticket_history, tickets;`.execute(db);
}
