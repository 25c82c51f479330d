import type { Executor } from '../../db/tx.js';
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from './webhooks.tables.js';
import type { Insertable, Selectable } from 'kysely';

export type EndpointRow = Selectable<WebhookEndpointsTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

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

  /** Enabled endpoints subscribed to `eventType` (exactly, by `family.*`, or to everything). */
  async findSubscribers(ex: Executor, tenantId: string, eventType: string, family: string): Promise<EndpointRow[]> {
    return ex
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('enabled', '=', true)
      .where((eb) =>
        eb.or([
          eb(eb.fn('cardinality', [eb.ref('event_types')]), '=', 0),
          eb(eb.val(eventType), '=', eb.fn.any('event_types')),
          eb(eb.val(`${family}.*`), '=', eb.fn.any('event_types')),
        ]),
      )
      .execute();
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
    set: Partial<Pick<DeliveryRow, 'status' | 'attempts' | 'next_attempt_at' | 'last_status_code' | 'last_error' | 'delivered_at'>>,
  ): Promise<DeliveryRow> {
    return ex.updateTable('webhook_deliveries').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
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
};
