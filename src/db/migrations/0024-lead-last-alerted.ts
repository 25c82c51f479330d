import { sql, type Kysely } from 'kysely';

/**
 * When a wishlist lead was last alerted (issue 11): a fan is alerted at most once an hour per show.
 * Kept on the lead row itself, so that the listing transactions that pick leads (FOR UPDATE SKIP
 * LOCKED) re-check it on the row's newest version and two concurrent listings never alert the same
 * fan twice. Filled from the alerts already sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE leads ADD COLUMN last_alerted_at timestamptz;
    UPDATE leads l SET last_alerted_at = a.last FROM (
      SELECT tenant_id, lead_id, max(created_at) AS last FROM lead_alerts GROUP BY tenant_id, lead_id
    ) a WHERE a.tenant_id = l.tenant_id AND a.lead_id = l.id;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE leads DROP COLUMN last_alerted_at`.execute(db);
}
