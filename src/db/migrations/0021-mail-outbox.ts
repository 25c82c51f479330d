import { sql, type Kysely } from 'kysely';

/**
 * The mail outbox (issue 11, SPEC §4.1 "Mail"): every mail Encore sends is a row written in the
 * business transaction that decides it, then delivered by a job after commit — by SMTP when SMTP_URL is
 * set (SENT), otherwise KEPT for the dev mailbox. ERASED: its recipient asked to be forgotten (the
 * address and text are gone; a mail not yet sent never will be). `kind` and `ref` say why it was sent (a wishlist alert
 * for a listing, …).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE mail_outbox (
      tenant_id text NOT NULL,
      id text NOT NULL,
      kind text NOT NULL,
      ref text,
      to_address text NOT NULL,
      subject text NOT NULL,
      text_body text NOT NULL,
      status text NOT NULL CHECK (status IN ('PENDING', 'SENT', 'KEPT', 'ERASED')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL,
      sent_at timestamptz,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX mail_outbox_recent ON mail_outbox (created_at DESC);

    -- A wishlist lead is alerted once per listing (the primary key is the guarantee).
    CREATE TABLE lead_alerts (
      tenant_id text NOT NULL,
      lead_id text NOT NULL,
      listing_id text NOT NULL,
      mail_id text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, lead_id, listing_id),
      FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id) ON DELETE CASCADE
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE lead_alerts; DROP TABLE mail_outbox;`.execute(db);
}
