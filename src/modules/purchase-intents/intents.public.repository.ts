import type { Insertable, Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/tx.js';
import type { IntentRow } from './intents.model.js';
import type { IntentPaymentKind, IntentPaymentStatus, PurchaseIntentPaymentPartsTable, PurchaseIntentPaymentsTable } from './intents.public.tables.js';

export type IntentPaymentRow = Selectable<PurchaseIntentPaymentsTable>;
export type IntentPaymentPartRow = Selectable<PurchaseIntentPaymentPartsTable>;

/** The public checkout's queries (migration 0012), beside the intents repository. */
export const publicIntentsRepository = {
  /**
   * Intents with this id in any tenant (the public routes carry no API key). Ids are random, so this
   * is one row; the caller picks the one whose secret matches.
   */
  async findById(ex: Executor, id: string, opts: { lock?: boolean } = {}): Promise<IntentRow[]> {
    let q = ex.selectFrom('purchase_intents').selectAll().where('id', '=', id).orderBy('tenant_id');
    if (opts.lock) q = q.forUpdate();
    return q.execute();
  },

  /** The intent's tickets (issued by it: `${id}-n`), in issue order. */
  async ticketsOf(ex: Executor, tenantId: string, intentId: string) {
    return ex
      .selectFrom('tickets')
      .select(['ticket_id', 'ticket_option_id', 'status', 'price_minor', 'currency', 'access_locator', 'access_status', 'props', 'created_at', 'updated_at'])
      .where('tenant_id', '=', tenantId)
      .where('order_id', '=', intentId)
      .where('ticket_id', 'like', `${intentId}-%`)
      .orderBy('created_at')
      .orderBy('ticket_id')
      .execute();
  },

  /** A charge of these intents is in flight (PROCESSING): the id of the first such payment. */
  async processingFor(ex: Executor, tenantId: string, intentIds: string[]): Promise<string | undefined> {
    if (intentIds.length === 0) return undefined;
    const row = await ex
      .selectFrom('purchase_intent_payment_parts as p')
      .innerJoin('purchase_intent_payments as m', (j) => j.onRef('m.tenant_id', '=', 'p.tenant_id').onRef('m.id', '=', 'p.payment_id'))
      .select('m.id')
      .where('p.tenant_id', '=', tenantId)
      .where('p.intent_id', 'in', intentIds)
      .where('m.status', '=', 'PROCESSING')
      .executeTakeFirst();
    return row?.id;
  },

  async insertPayment(tx: Tx, row: Insertable<PurchaseIntentPaymentsTable>, parts: { intentId: string; kind: IntentPaymentKind; amountMinor: number }[]): Promise<IntentPaymentRow> {
    const payment = await tx.insertInto('purchase_intent_payments').values(row).returningAll().executeTakeFirstOrThrow();
    await tx
      .insertInto('purchase_intent_payment_parts')
      .values(parts.map((p) => ({ tenant_id: row.tenant_id, payment_id: row.id, intent_id: p.intentId, kind: p.kind, amount_minor: p.amountMinor, live: true })))
      .execute();
    return payment;
  },

  /** Payments left PROCESSING since before `before` (their process died mid-charge), any tenant. */
  async stuckPayments(ex: Executor, before: Date, limit: number): Promise<IntentPaymentRow[]> {
    return ex.selectFrom('purchase_intent_payments').selectAll().where('status', '=', 'PROCESSING').where('updated_at', '<', before).orderBy('updated_at').limit(limit).execute();
  },

  async findPayment(ex: Executor, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<IntentPaymentRow | undefined> {
    let q = ex.selectFrom('purchase_intent_payments').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    if (opts.lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async partsOf(ex: Executor, tenantId: string, paymentId: string): Promise<IntentPaymentPartRow[]> {
    return ex.selectFrom('purchase_intent_payment_parts').selectAll().where('tenant_id', '=', tenantId).where('payment_id', '=', paymentId).orderBy('intent_id').execute();
  },

  async paymentsOfIntent(ex: Executor, tenantId: string, intentId: string): Promise<(IntentPaymentRow & { kind: IntentPaymentKind; part_minor: number })[]> {
    return ex
      .selectFrom('purchase_intent_payment_parts as p')
      .innerJoin('purchase_intent_payments as m', (j) => j.onRef('m.tenant_id', '=', 'p.tenant_id').onRef('m.id', '=', 'p.payment_id'))
      .selectAll('m')
      .select(['p.kind', 'p.amount_minor as part_minor'])
      .where('p.tenant_id', '=', tenantId)
      .where('p.intent_id', '=', intentId)
      .orderBy('m.created_at')
      .orderBy('m.id')
      .execute();
  },

  /** Records the payment's new status; its parts are live only while it is PROCESSING. */
  async setPaymentStatus(
    tx: Tx,
    tenantId: string,
    id: string,
    set: { status: IntentPaymentStatus; provider_ref?: string | null; card_last4?: string | null; failure_code?: string | null; failure_message?: string | null; refund_ref?: string | null; updated_at: Date },
  ): Promise<IntentPaymentRow> {
    const row = await tx.updateTable('purchase_intent_payments').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    const live = set.status === 'PROCESSING';
    await tx.updateTable('purchase_intent_payment_parts').set({ live }).where('tenant_id', '=', tenantId).where('payment_id', '=', id).execute();
    return row;
  },
};
