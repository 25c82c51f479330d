import { sql, type Kysely } from 'kysely';

/**
 * Ticket leads (issue 11, SPEC §6 "Leads"): fans the integrator tells Encore about per show
 * (TICKET_HOLDER, ABANDONED_CART, VIRTUAL_QUEUE, WISHLIST). A lead is one fan of one show, found by
 * any of its identifiers: lower-cased email, E.164 phone, the integrator's buyer id; each is unique
 * per show, so a lead sent again (by any identifier) is updated, never duplicated. `history` keeps
 * its type changes. WISHLIST leads of a show are read in creation order (partial index).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE leads (
      tenant_id text NOT NULL,
      id text NOT NULL,
      event_id text NOT NULL,
      show_pk text NOT NULL,
      -- The integrator's ids of the event and show (both immutable), so a lead reads back without a join.
      event_ref text NOT NULL,
      show_ref text NOT NULL,
      type text NOT NULL CHECK (type IN ('TICKET_HOLDER', 'ABANDONED_CART', 'VIRTUAL_QUEUE', 'WISHLIST')),
      email text,
      phone text,
      buyer_ref text,
      buyer jsonb NOT NULL DEFAULT '{}'::jsonb,
      ticket_id text,
      ticket_option_id text,
      price_type_id text,
      price_minor bigint CHECK (price_minor >= 0),
      currency text,
      lead_date timestamptz,
      seating jsonb,
      metadata jsonb,
      tags text[] NOT NULL DEFAULT '{}',
      attributes text[] NOT NULL DEFAULT '{}',
      history jsonb NOT NULL DEFAULT '[]'::jsonb,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, show_pk) REFERENCES shows (tenant_id, id) ON DELETE CASCADE,
      CHECK (email IS NOT NULL OR phone IS NOT NULL OR buyer_ref IS NOT NULL)
    );
    CREATE UNIQUE INDEX leads_email ON leads (tenant_id, show_pk, email) WHERE email IS NOT NULL;
    CREATE UNIQUE INDEX leads_phone ON leads (tenant_id, show_pk, phone) WHERE phone IS NOT NULL;
    CREATE UNIQUE INDEX leads_buyer_ref ON leads (tenant_id, show_pk, buyer_ref) WHERE buyer_ref IS NOT NULL;
    -- Wishlist alerts find the leads of a listing's show (by the integrator's ids, as listings carry them) in creation order.
    CREATE INDEX leads_wishlist ON leads (tenant_id, event_ref, show_ref, created_at, id) WHERE type = 'WISHLIST';
    CREATE INDEX leads_event ON leads (tenant_id, event_id, created_at, id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE leads`.execute(db);
}
