import { sql, type Kysely } from 'kysely';

/**
 * Fair, concurrent webhook delivery (issue 13 item 5, ADR 0019). The delivery rows are the queue:
 * - `webhook_deliveries.claimed_until`: set when a process claims the delivery for an attempt (its
 *   lease); while it is in the future the delivery counts against its endpoint's in-flight bound.
 *   `next_attempt_at` is moved to the same time, so a process that dies mid-attempt leaves the
 *   delivery due again when the lease ends (at-least-once);
 * - `webhook_endpoints.consecutive_failures` / `paused_until`: the endpoint's circuit. An endpoint that
 *   fails is sent one delivery at a time and rests until `paused_until` after each failure; its
 *   deliveries wait, PENDING, and are sent when it answers again;
 * - `webhook_deliveries_due`: the due deliveries of one endpoint, oldest first (what a claim takes);
 * - `webhook_deliveries_claimed`: the deliveries of one endpoint with a lease (in flight, or left by a
 *   process that died), so counting an endpoint's in flight never reads its backlog.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE webhook_deliveries ADD COLUMN claimed_until timestamptz;
    ALTER TABLE webhook_endpoints ADD COLUMN consecutive_failures int NOT NULL DEFAULT 0, ADD COLUMN paused_until timestamptz;
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (tenant_id, endpoint_id, next_attempt_at, id) WHERE status = 'PENDING';
    CREATE INDEX webhook_deliveries_claimed ON webhook_deliveries (tenant_id, endpoint_id, claimed_until) WHERE claimed_until IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS webhook_deliveries_due, webhook_deliveries_claimed;
    ALTER TABLE webhook_deliveries DROP COLUMN claimed_until;
    ALTER TABLE webhook_endpoints DROP COLUMN consecutive_failures, DROP COLUMN paused_until;
  `.execute(db);
}
