import { sql, type Insertable, type Selectable } from 'kysely';
import { rowsFromJson } from '../../db/json-rows.js';
import type { Executor, Tx } from '../../db/tx.js';
import type { BuyIntentionItemsTable, BuyIntentionsTable, IntentionStatus, OrderItemsTable, OrdersTable, OrderStatus } from './orders.tables.js';

export type IntentionRow = Selectable<BuyIntentionsTable>;
export type IntentionItemRow = Selectable<BuyIntentionItemsTable>;
export type OrderRow = Selectable<OrdersTable>;
export type OrderItemRow = Selectable<OrderItemsTable>;

/** The timestamps of an order row read as JSON (db/json-rows.ts). */
const ORDER_DATES = ['created_at', 'updated_at', 'refunded_at'] as const;

export const ordersRepository = {
  /** The intention and its items in one statement (one round trip). */
  async insertIntention(tx: Tx, row: Insertable<BuyIntentionsTable>, items: Insertable<BuyIntentionItemsTable>[]): Promise<void> {
    await tx
      .with('intention', (db) => db.insertInto('buy_intentions').values(row))
      .insertInto('buy_intention_items')
      .values(items)
      .execute();
  },

  async findIntention(ex: Executor, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<IntentionRow | undefined> {
    let q = ex.selectFrom('buy_intentions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    if (opts.lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  /** By id alone, for the secret-guarded checkout endpoints (no API key, so no tenant yet). */
  async findIntentionById(ex: Executor, id: string, opts: { lock?: boolean } = {}): Promise<IntentionRow | undefined> {
    let q = ex.selectFrom('buy_intentions').selectAll().where('id', '=', id);
    if (opts.lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  /**
   * An intention with its items, its order and the order's items in ONE statement (ADR 0022): what
   * the buy-intention read and every pay answer show.
   */
  async findIntentionWithOrder(ex: Executor, tenantId: string, id: string): Promise<{ intention: IntentionRow; items: IntentionItemRow[]; order: OrderRow | null; orderItems: OrderItemRow[] } | undefined> {
    const { rows } = await sql<IntentionRow & { c_items: unknown; c_order: unknown; c_order_items: unknown }>`
      SELECT i.*,
        (SELECT coalesce(json_agg(it ORDER BY it.position), '[]') FROM buy_intention_items it
          WHERE it.tenant_id = i.tenant_id AND it.intention_id = i.id) AS c_items,
        (SELECT to_json(o) FROM orders o WHERE o.tenant_id = i.tenant_id AND o.id = i.order_id) AS c_order,
        (SELECT coalesce(json_agg(oi ORDER BY oi.ticket_id), '[]') FROM order_items oi
          WHERE oi.tenant_id = i.tenant_id AND oi.order_id = i.order_id) AS c_order_items
      FROM buy_intentions i
      WHERE i.tenant_id = ${tenantId} AND i.id = ${id}`.execute(ex);
    const row = rows[0];
    if (!row) return undefined;
    const { c_items, c_order, c_order_items, ...intention } = row;
    return {
      intention,
      items: rowsFromJson<IntentionItemRow>(c_items, []),
      order: c_order ? rowsFromJson<OrderRow>([c_order], ORDER_DATES)[0]! : null,
      orderItems: rowsFromJson<OrderItemRow>(c_order_items, []),
    };
  },

  async itemsOf(ex: Executor, tenantId: string, intentionId: string): Promise<IntentionItemRow[]> {
    return ex.selectFrom('buy_intention_items').selectAll().where('tenant_id', '=', tenantId).where('intention_id', '=', intentionId).orderBy('position').execute();
  },

  async setIntentionStatus(
    tx: Tx,
    tenantId: string,
    id: string,
    set: { status: IntentionStatus; order_id?: string; buyer_email?: string | null; buyer_from_checkout?: boolean; holder_name?: string | null; updated_at: Date },
  ): Promise<IntentionRow> {
    return tx.updateTable('buy_intentions').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },

  /** The hold's one extension: the new expiry, and when it was granted (only while not extended yet). */
  async extendIntention(tx: Tx, tenantId: string, id: string, expiresAt: Date, now: Date): Promise<IntentionRow | undefined> {
    return tx
      .updateTable('buy_intentions')
      .set({ expires_at: expiresAt, extended_at: now, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'RESERVED')
      .where('extended_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
  },

  /** RESERVED intentions past their time, any tenant; SKIP LOCKED: a paying buyer's row is never waited on. */
  async expireDue(tx: Tx, now: Date, limit: number): Promise<IntentionRow[]> {
    const due = await tx
      .selectFrom('buy_intentions')
      .select(['tenant_id', 'id'])
      .where('status', '=', 'RESERVED')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    return tx
      .updateTable('buy_intentions')
      .set({ status: 'EXPIRED', updated_at: now })
      .where('id', 'in', due.map((d) => d.id))
      .where('status', '=', 'RESERVED')
      .returningAll()
      .execute();
  },

  /** Open intentions of these shows (not yet paid), locked in id order. */
  async lockOpenIntentionsOfShows(tx: Tx, tenantId: string, showPks: readonly string[]): Promise<IntentionRow[]> {
    if (showPks.length === 0) return [];
    return tx
      .selectFrom('buy_intentions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('show_pk', 'in', showPks)
      .where('status', 'in', ['RESERVED', 'PAYING', 'EXPIRED'])
      .orderBy('id')
      .forUpdate()
      .execute();
  },

  /** The order and its items in one statement (the items' foreign key is checked at its end); returns the order. */
  async insertOrder(tx: Tx, row: Insertable<OrdersTable>, items: Insertable<OrderItemsTable>[]): Promise<OrderRow> {
    if (items.length === 0) return tx.insertInto('orders').values(row).returningAll().executeTakeFirstOrThrow();
    return tx
      .with('o', (db) => db.insertInto('orders').values(row).returningAll())
      .with('i', (db) => db.insertInto('order_items').values(items))
      .selectFrom('o')
      .selectAll()
      .executeTakeFirstOrThrow();
  },

  /** The order a payment paid for (at most one: an order is written once per taken charge). */
  async findOrderOfPayment(ex: Executor, tenantId: string, paymentId: string): Promise<OrderRow | undefined> {
    return ex.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId).where('payment_id', '=', paymentId).executeTakeFirst();
  },

  async findOrder(ex: Executor, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<OrderRow | undefined> {
    let q = ex.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    if (opts.lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async orderItems(ex: Executor, tenantId: string, orderId: string): Promise<OrderItemRow[]> {
    return ex.selectFrom('order_items').selectAll().where('tenant_id', '=', tenantId).where('order_id', '=', orderId).orderBy('ticket_id').execute();
  },

  async setOrderStatus(tx: Tx, tenantId: string, id: string, set: { status: OrderStatus; outcome?: string; refund_reason?: string | null; refunded_at?: Date | null; updated_at: Date }): Promise<OrderRow> {
    return tx.updateTable('orders').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },

  /** Completed orders of these shows, locked in id order (a cancelled show refunds them). */
  async lockCompletedOrdersOfShows(tx: Tx, tenantId: string, showPks: readonly string[]): Promise<OrderRow[]> {
    if (showPks.length === 0) return [];
    return tx.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId).where('show_pk', 'in', showPks).where('status', '=', 'COMPLETED').orderBy('id').forUpdate().execute();
  },
};
