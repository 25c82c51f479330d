import { sql, type Kysely } from 'kysely';

/**
 * Purchase intents, operations (issue 5): the reservation-mail outbox and seat holds.
 *
 * `purchase_intent_mails` is a real outbox: one PENDING row per reservation mail asked for, with its
 * recipient and template; a mailer (not built: Encore sends no SMTP) would pick PENDING rows up.
 *
 * `purchase_intent_seats` holds a seat (`seatingInfo._type` 6) for one intent per show: the unique
 * key (tenant, show, seat) refuses a second holder. Rows go when the intent is canceled or expires,
 * or its cart drops the seat; a holder that expired but was not swept yet is displaced by the service.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE purchase_intent_mails (
      tenant_id text NOT NULL,
      id text NOT NULL,
      intent_id text NOT NULL,
      recipient text NOT NULL,
      template text NOT NULL,
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
      payload jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL,
      sent_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, intent_id) REFERENCES purchase_intents (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX purchase_intent_mails_pending ON purchase_intent_mails (created_at) WHERE status = 'PENDING';
    CREATE INDEX purchase_intent_mails_intent ON purchase_intent_mails (tenant_id, intent_id);

    CREATE TABLE purchase_intent_seats (
      tenant_id text NOT NULL,
      show_pk text NOT NULL,
      seat_id text NOT NULL,
      intent_id text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, show_pk, seat_id),
      FOREIGN KEY (tenant_id, intent_id) REFERENCES purchase_intents (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX purchase_intent_seats_intent ON purchase_intent_seats (tenant_id, intent_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS purchase_intent_seats; DROP TABLE IF EXISTS purchase_intent_mails;`.execute(db);
}
