import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/tx.js';
import type { PaymentLineKind, PaymentLinesTable, PaymentPurpose, PaymentsTable, PaymentStatus } from './payments.tables.js';

export type PaymentRow = Selectable<PaymentsTable>;
export type PaymentLineRow = Selectable<PaymentLinesTable>;

export interface LineInput {
  subjectId: string;
  kind: PaymentLineKind;
  amountMinor: number;
}

/** Every statement on `payments` and `payment_lines` (migration 0018). */
export const paymentsRepository = {
  /**
   * The payment and its lines, live: the unique index on live lines refuses a second charge in
   * flight. One statement (the lines in a data-modifying CTE): it is on every purchase's path.
   */
  async insert(tx: Tx, row: Omit<Insertable<PaymentsTable>, 'context'> & { context: Record<string, unknown> }, lines: readonly LineInput[]): Promise<{ payment: PaymentRow; lines: PaymentLineRow[] }> {
    const lineRows = lines.map((l) => ({ tenant_id: row.tenant_id, payment_id: row.id, purpose: row.purpose, subject_id: l.subjectId, kind: l.kind, amount_minor: l.amountMinor, live: true }));
    const payment = await tx
      .with('lines', (db) => db.insertInto('payment_lines').values(lineRows))
      .insertInto('payments')
      .values({ ...row, context: JSON.stringify(row.context) })
      .returningAll()
      .executeTakeFirstOrThrow();
    // As linesOf reads them: by subject.
    return { payment, lines: [...lineRows].sort((a, b) => (a.subject_id < b.subject_id ? -1 : a.subject_id > b.subject_id ? 1 : 0)) };
  },

  async find(ex: Executor, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<PaymentRow | undefined> {
    let q = ex.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    if (opts.lock) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async linesOf(ex: Executor, tenantId: string, paymentId: string): Promise<PaymentLineRow[]> {
    return ex.selectFrom('payment_lines').selectAll().where('tenant_id', '=', tenantId).where('payment_id', '=', paymentId).orderBy('subject_id').execute();
  },

  /**
   * The charge's answer recorded on a payment still PROCESSING (its lines no longer live), in one
   * statement that also locks it; undefined when it was confirmed before (a retry, the reconciler).
   */
  async confirmProcessing(
    tx: Tx,
    tenantId: string,
    id: string,
    set: { status: PaymentStatus; provider_ref: string | null; card_last4: string | null; failure_code: string | null; failure_message: string | null; updated_at: Date },
  ): Promise<PaymentRow | undefined> {
    return tx
      .with('lines', (db) =>
        db
          .updateTable('payment_lines')
          .set({ live: false })
          .where('tenant_id', '=', tenantId)
          .where('payment_id', '=', id)
          // Only when the payment row below is still PROCESSING (the same snapshot decides both).
          .where((eb) => eb.exists(eb.selectFrom('payments').select('id').where('tenant_id', '=', tenantId).where('id', '=', id).where('status', '=', 'PROCESSING'))),
      )
      .updateTable('payments')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'PROCESSING')
      .returningAll()
      .executeTakeFirst();
  },

  /**
   * Records the payment's new status; its lines stay live only while it is PROCESSING. One statement
   * (a data-modifying CTE): the confirmation is on every purchase's path.
   */
  async setStatus(
    tx: Tx,
    tenantId: string,
    id: string,
    set: { status: PaymentStatus; provider_ref?: string | null; card_last4?: string | null; failure_code?: string | null; failure_message?: string | null; refund_ref?: string | null; updated_at: Date },
  ): Promise<PaymentRow> {
    return tx
      .with('lines', (db) => db.updateTable('payment_lines').set({ live: set.status === 'PROCESSING' }).where('tenant_id', '=', tenantId).where('payment_id', '=', id))
      .updateTable('payments')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** Payments left PROCESSING since before `before` (their process died mid-charge), any tenant and purpose. */
  async stuck(ex: Executor, before: Date, limit: number): Promise<PaymentRow[]> {
    return ex.selectFrom('payments').selectAll().where('status', '=', 'PROCESSING').where('updated_at', '<', before).orderBy('updated_at').limit(limit).execute();
  },

  /** A charge of one of these subjects is in flight: the id of such a payment. */
  async inFlightFor(ex: Executor, tenantId: string, purpose: PaymentPurpose, subjectIds: readonly string[]): Promise<string | undefined> {
    if (subjectIds.length === 0) return undefined;
    const row = await ex
      .selectFrom('payment_lines')
      .select('payment_id')
      .where('tenant_id', '=', tenantId)
      .where('purpose', '=', purpose)
      .where('subject_id', 'in', subjectIds)
      .where('live', '=', true)
      .executeTakeFirst();
    return row?.payment_id;
  },

  /** Every payment of one subject, oldest first, with the share of it this subject got. */
  async ofSubject(ex: Executor, tenantId: string, purpose: PaymentPurpose, subjectId: string): Promise<(PaymentRow & { kind: PaymentLineKind; line_minor: number })[]> {
    return ex
      .selectFrom('payment_lines as l')
      .innerJoin('payments as p', (j) => j.onRef('p.tenant_id', '=', 'l.tenant_id').onRef('p.id', '=', 'l.payment_id'))
      .selectAll('p')
      .select(['l.kind', 'l.amount_minor as line_minor'])
      .where('l.tenant_id', '=', tenantId)
      .where('l.purpose', '=', purpose)
      .where('l.subject_id', '=', subjectId)
      .orderBy('p.created_at')
      .orderBy('p.id')
      .execute();
  },

  /**
   * The subject's payment that counts: its live or taken one (PROCESSING, SUCCEEDED, REFUNDED), else
   * the newest failed one. Time alone cannot tell: a declined attempt and the paying one may share a
   * millisecond, and ids within one millisecond are random.
   */
  async latestOf(ex: Executor, tenantId: string, purpose: PaymentPurpose, subjectId: string): Promise<PaymentRow | undefined> {
    return ex
      .selectFrom('payment_lines as l')
      .innerJoin('payments as p', (j) => j.onRef('p.tenant_id', '=', 'l.tenant_id').onRef('p.id', '=', 'l.payment_id'))
      .selectAll('p')
      .where('l.tenant_id', '=', tenantId)
      .where('l.purpose', '=', purpose)
      .where('l.subject_id', '=', subjectId)
      .orderBy(sql`p.status IN ('PROCESSING', 'SUCCEEDED', 'REFUNDED')`, 'desc')
      .orderBy('p.created_at', 'desc')
      .orderBy('p.id', 'desc')
      .limit(1)
      .executeTakeFirst();
  },
};
