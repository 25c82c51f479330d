import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/tx.js';
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from './webhooks.tables.js';

export type EndpointRow = Selectable<WebhookEndpointsTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

/**
 * The claim's two statements (see the repository methods that run them), apart so a test can EXPLAIN
 * exactly what runs and check that each reads the index meant for it.
 */
export const claimStatements = {
  readyEndpoints: (now: Date, perEndpoint: number, max: number) =>
    sql<EndpointRow & { cap: number; slots: number }>`
    SELECT e.*, c.cap, c.cap - c.busy AS slots
    FROM webhook_endpoints e
    CROSS JOIN LATERAL (
      SELECT d.next_attempt_at AS oldest FROM webhook_deliveries d
      WHERE d.tenant_id = e.tenant_id AND d.endpoint_id = e.id AND d.status = 'PENDING' AND d.next_attempt_at <= ${now}
      ORDER BY d.next_attempt_at, d.id
      LIMIT 1
    ) o
    CROSS JOIN LATERAL (
      SELECT CASE WHEN e.consecutive_failures > 0 THEN 1 ELSE ${perEndpoint}::int END AS cap, count(*)::int AS busy
      FROM webhook_deliveries f
      WHERE f.tenant_id = e.tenant_id AND f.endpoint_id = e.id AND f.claimed_until > ${now}
    ) c
    WHERE (e.paused_until IS NULL OR e.paused_until <= ${now}) AND c.busy < c.cap
    ORDER BY o.oldest
    LIMIT ${max}
    FOR NO KEY UPDATE OF e SKIP LOCKED
  `,

  claim: (take: ReadonlyArray<{ tenantId: string; endpointId: string; count: number; cap: number }>, now: Date, leaseUntil: Date) =>
    sql<DeliveryRow>`
    WITH picked AS (
      SELECT d.tenant_id, d.id
      FROM unnest(
        ${take.map((t) => t.tenantId)}::text[], ${take.map((t) => t.endpointId)}::text[],
        ${take.map((t) => t.count)}::int[], ${take.map((t) => t.cap)}::int[]
      ) AS e(tenant_id, endpoint_id, n, cap)
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS busy FROM webhook_deliveries f
        WHERE f.tenant_id = e.tenant_id AND f.endpoint_id = e.endpoint_id AND f.claimed_until > ${now}
      ) c
      CROSS JOIN LATERAL (
        SELECT d.tenant_id, d.id FROM webhook_deliveries d
        WHERE d.tenant_id = e.tenant_id AND d.endpoint_id = e.endpoint_id AND d.status = 'PENDING' AND d.next_attempt_at <= ${now}
        ORDER BY d.next_attempt_at, d.id
        LIMIT greatest(0, least(e.n, e.cap - c.busy))
        FOR UPDATE SKIP LOCKED
      ) d
    )
    UPDATE webhook_deliveries w SET claimed_until = ${leaseUntil}, next_attempt_at = ${leaseUntil}
    FROM picked
    WHERE w.tenant_id = picked.tenant_id AND w.id = picked.id
    RETURNING w.*
  `,
};

export const webhooksRepository = {
  async insertEndpoint(ex: Executor, row: Insertable<WebhookEndpointsTable>): Promise<EndpointRow> {
    return ex.insertInto('webhook_endpoints').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async listEndpoints(ex: Executor, tenantId: string): Promise<EndpointRow[]> {
    return ex.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
  },

  async findEndpoint(ex: Executor, tenantId: string, id: string): Promise<EndpointRow | undefined> {
    return ex.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  },

  async updateEndpoint(
    ex: Executor,
    tenantId: string,
    id: string,
    set: { url: string; event_types: string[]; description: string | null; enabled: boolean; updated_at: Date },
  ): Promise<EndpointRow | undefined> {
    return ex.updateTable('webhook_endpoints').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst();
  },

  async deleteEndpoint(ex: Executor, tenantId: string, id: string): Promise<EndpointRow | undefined> {
    return ex.deleteFrom('webhook_endpoints').where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst();
  },

  /**
   * For each message (1-based position `i` in the arrays): the enabled endpoints of its tenant
   * subscribed to its event type, exactly, by `family.*`, or to everything. One statement for any
   * number of messages; `subscribersOf` runs it now, the outbox may run it in the pre-commit flush.
   */
  subscribersQuery(messages: readonly { tenantId: string; eventType: string; family: string }[]) {
    return sql<{ i: number; endpoint_id: string }>`
      SELECT t.i::int AS i, e.id AS endpoint_id
      FROM unnest(${messages.map((m) => m.tenantId)}::text[], ${messages.map((m) => m.eventType)}::text[], ${messages.map((m) => m.family)}::text[])
        WITH ORDINALITY AS t(tenant_id, event_type, family, i)
      JOIN webhook_endpoints e ON e.tenant_id = t.tenant_id AND e.enabled
        AND (cardinality(e.event_types) = 0 OR t.event_type = ANY(e.event_types) OR t.family || '.*' = ANY(e.event_types))
      ORDER BY t.i, e.id`;
  },

  async insertDeliveries(ex: Executor, rows: Insertable<WebhookDeliveriesTable>[]): Promise<void> {
    if (rows.length > 0) await ex.insertInto('webhook_deliveries').values(rows).execute();
  },

  async findDelivery(ex: Executor, tenantId: string, id: string): Promise<DeliveryRow | undefined> {
    return ex.selectFrom('webhook_deliveries').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  },

  /** Locks the delivery so two workers (a retry and a manual redelivery) never interleave attempts. */
  async lockDelivery(ex: Executor, tenantId: string, id: string): Promise<DeliveryRow | undefined> {
    return ex
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  },

  async updateDelivery(
    ex: Executor,
    tenantId: string,
    id: string,
    set: Partial<Pick<DeliveryRow, 'status' | 'attempts' | 'next_attempt_at' | 'claimed_until' | 'last_status_code' | 'last_error' | 'delivered_at'>>,
  ): Promise<DeliveryRow> {
    return ex.updateTable('webhook_deliveries').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },

  /**
   * A 2xx, in one statement (the hot path: one round trip): the delivery becomes DELIVERED and its
   * attempt is logged, provided it is still PENDING; undefined otherwise (nothing written).
   */
  async recordDelivered(
    ex: Executor,
    d: { tenantId: string; id: string; status: DeliveryRow['status']; startedAt: Date; durationMs: number; statusCode: number; responseBody: string | null; deliveredAt: Date },
  ): Promise<DeliveryRow | undefined> {
    const { rows } = await sql<DeliveryRow>`
      WITH done AS (
        UPDATE webhook_deliveries
        SET status = ${d.status}, attempts = attempts + 1, next_attempt_at = NULL, claimed_until = NULL,
            last_status_code = ${d.statusCode}::int, last_error = NULL, delivered_at = ${d.deliveredAt}
        WHERE tenant_id = ${d.tenantId} AND id = ${d.id} AND status = 'PENDING'
        RETURNING *
      ), logged AS (
        INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, started_at, duration_ms, status_code, error, response_body)
        SELECT tenant_id, id, attempts, ${d.startedAt}, ${d.durationMs}::int, ${d.statusCode}::int, NULL, ${d.responseBody} FROM done
      )
      SELECT * FROM done
    `.execute(ex);
    return rows[0];
  },

  async insertAttempt(
    ex: Executor,
    row: { tenant_id: string; delivery_id: string; attempt: number; started_at: Date; duration_ms: number; status_code: number | null; error: string | null; response_body: string | null },
  ): Promise<void> {
    await ex.insertInto('webhook_attempts').values(row).execute();
  },

  async listDeliveries(ex: Executor, tenantId: string, endpointId: string, page: { limit: number; offset: number }, status?: string) {
    let q = ex.selectFrom('webhook_deliveries').where('tenant_id', '=', tenantId).where('endpoint_id', '=', endpointId);
    if (status) q = q.where('status', '=', status as DeliveryRow['status']);
    const [rows, total] = await Promise.all([
      q.selectAll().orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(total.n) };
  },

  async listAttempts(ex: Executor, tenantId: string, deliveryIds: string[]) {
    if (deliveryIds.length === 0) return [];
    return ex
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('delivery_id', 'in', deliveryIds)
      .orderBy('delivery_id')
      .orderBy('attempt')
      .execute();
  },

  /**
   * The endpoints that may be sent to now, locked for this claim (other processes skip them until it
   * commits, so two claims never fill one endpoint's bound together): not resting after a failure,
   * with a due delivery, and (by this statement's snapshot) below their bound of deliveries in
   * flight: `perEndpoint`, or 1 while the endpoint is failing (`cap`). `slots` is only an estimate:
   * a claim that committed after this statement began but before the lock was taken is not counted,
   * so claimDeliveries counts again. The endpoint whose oldest due delivery waited longest comes first.
   */
  async lockReadyEndpoints(tx: Tx, now: Date, perEndpoint: number, max: number): Promise<Array<EndpointRow & { cap: number; slots: number }>> {
    const { rows } = await claimStatements.readyEndpoints(now, perEndpoint, max).execute(tx);
    return rows;
  },

  /**
   * A claim's statements read one endpoint's due deliveries in `webhook_deliveries_due` order. On a
   * table without statistics (new, or never analysed) the planner rates every index that starts with
   * (tenant_id, endpoint_id) the same and may take `webhook_deliveries_endpoint` plus a sort, reading
   * the endpoint's whole history each claim; with sorting priced out it takes the index whose order
   * is the one asked for. The setting ends with the claim's transaction.
   */
  async preferOrderedIndexes(tx: Tx): Promise<void> {
    await sql`SET LOCAL enable_sort = off`.execute(tx);
  },

  /**
   * Claims up to `count` due deliveries of each endpoint locked by lockReadyEndpoints, oldest first,
   * never more than its `cap` in flight: the in-flight count is taken again here, in a statement that
   * began after the endpoint's lock was ours, so it sees every claim committed before. The lease runs
   * to `leaseUntil`, and so does `next_attempt_at`: a delivery whose process died mid-attempt is due
   * again when the lease ends.
   */
  async claimDeliveries(tx: Tx, take: Array<{ tenantId: string; endpointId: string; count: number; cap: number }>, now: Date, leaseUntil: Date): Promise<DeliveryRow[]> {
    if (take.length === 0) return [];
    const { rows } = await claimStatements.claim(take, now, leaseUntil).execute(tx);
    return rows;
  },

  /**
   * An attempt at the endpoint got no answer (or a 5xx, 408, 429). The count becomes one more than it
   * was when the attempt was claimed, not one more per attempt: the deliveries that were in flight
   * together when the endpoint went down count once, and each failed probe after that doubles the
   * rest (`pauseMs(failures)`), capped by the caller.
   */
  async recordEndpointFailure(ex: Executor, tenantId: string, id: string, failures: number, pausedUntil: Date): Promise<void> {
    await ex
      .updateTable('webhook_endpoints')
      .set((eb) => ({
        consecutive_failures: sql<number>`greatest(${eb.ref('consecutive_failures')}, ${failures}::int)`,
        paused_until: sql<Date>`greatest(${eb.ref('paused_until')}, ${pausedUntil}::timestamptz)`,
      }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  },

  /** The endpoint answered: its circuit closes (full bound, no rest). */
  async recordEndpointRecovered(ex: Executor, tenantId: string, id: string): Promise<void> {
    await ex
      .updateTable('webhook_endpoints')
      .set({ consecutive_failures: 0, paused_until: null })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where((eb) => eb.or([eb('consecutive_failures', '>', 0), eb('paused_until', 'is not', null)]))
      .execute();
  },
};
