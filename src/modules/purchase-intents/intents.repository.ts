import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor } from '../../db/tx.js';
import type { IntentRow } from './intents.model.js';
import type { PurchaseIntentLinesTable, PurchaseIntentsTable } from './intents.tables.js';

export interface IntentFilter {
  customerId?: string;
  status?: string;
  approvalStatus?: string;
  name?: string;
  eventId?: string;
  shopId?: string;
  createdAtStart?: Date;
  createdAtEnd?: Date;
  outcomeCheckoutId?: string;
}

export const intentsRepository = {
  async insert(ex: Executor, row: Insertable<PurchaseIntentsTable>): Promise<IntentRow> {
    return ex.insertInto('purchase_intents').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async insertLines(ex: Executor, rows: Insertable<PurchaseIntentLinesTable>[]): Promise<void> {
    if (rows.length > 0) await ex.insertInto('purchase_intent_lines').values(rows).execute();
  },

  async find(ex: Executor, tenantId: string, id: string): Promise<IntentRow | undefined> {
    return ex.selectFrom('purchase_intents').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  },

  /** The intent under a row lock: every change of an intent reads it this way first. */
  async lock(ex: Executor, tenantId: string, id: string): Promise<IntentRow | undefined> {
    return ex.selectFrom('purchase_intents').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  },

  async update(ex: Executor, tenantId: string, id: string, set: Updateable<PurchaseIntentsTable>): Promise<IntentRow> {
    return ex
      .updateTable('purchase_intents')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /**
   * Places of one ticket option in one show that open intents hold without tickets: status `new`,
   * not expired at `now`, and no real tickets issued (those are counted as tickets instead).
   */
  async sumOpenReservations(ex: Executor, tenantId: string, showPk: string, ticketOptionId: string, now: Date): Promise<number> {
    const row = await ex
      .selectFrom('purchase_intent_lines as l')
      .innerJoin('purchase_intents as i', (j) => j.onRef('i.tenant_id', '=', 'l.tenant_id').onRef('i.id', '=', 'l.intent_id'))
      .select(sql<string>`coalesce(sum(l.amount), 0)`.as('n'))
      .where('l.tenant_id', '=', tenantId)
      .where('l.show_pk', '=', showPk)
      .where('l.ticket_option_id', '=', ticketOptionId)
      .where('i.status', '=', 'new')
      .where('i.tickets_issued', '=', false)
      .where((eb) => eb.or([eb('i.expires_at', 'is', null), eb('i.expires_at', '>', now)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /** Open intents whose `expires_at` has passed, any tenant, soonest first: the expiry job's batch. */
  async findDue(ex: Executor, now: Date, limit: number): Promise<{ tenant_id: string; id: string }[]> {
    return ex
      .selectFrom('purchase_intents')
      .select(['tenant_id', 'id'])
      .where('status', '=', 'new')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  },

  /** Oldest first (ids sort by creation time), so paging is stable while intents are added. */
  async list(ex: Executor, tenantId: string, f: IntentFilter, page: { top: number; skip: number }): Promise<{ rows: IntentRow[]; total: number }> {
    let q = ex.selectFrom('purchase_intents').where('tenant_id', '=', tenantId);
    if (f.customerId !== undefined) q = q.where('customer_id', '=', f.customerId);
    if (f.status !== undefined) q = q.where('status', '=', f.status as IntentRow['status']);
    if (f.approvalStatus !== undefined) q = q.where('approval_status', '=', f.approvalStatus as IntentRow['approval_status']);
    if (f.shopId !== undefined) q = q.where('shop_id', '=', f.shopId);
    if (f.outcomeCheckoutId !== undefined) q = q.where('outcome_checkout_id', '=', f.outcomeCheckoutId);
    if (f.createdAtStart !== undefined) q = q.where('created_at', '>=', f.createdAtStart);
    if (f.createdAtEnd !== undefined) q = q.where('created_at', '<=', f.createdAtEnd);
    if (f.eventId !== undefined) {
      const eventId = f.eventId;
      q = q.where((eb) => eb.or([eb('event_ref', '=', eventId), eb('show_pk', '=', eventId)]));
    }
    if (f.name !== undefined) {
      const pattern = `%${f.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('firstname', 'ilike', pattern), eb('lastname', 'ilike', pattern)]));
    }
    const [rows, total] = await Promise.all([
      q.selectAll().orderBy('created_at').orderBy('id').limit(page.top).offset(page.skip).execute(),
      q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(total.n) };
  },
};
