import { sql, type Insertable, type Updateable } from 'kysely';
import { deferInsert } from '../../db/pending-writes.js';
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

  /**
   * Lines written with their holding state (`holding`, `expires_at`) as the caller's intent has it.
   * Nothing reads them back before COMMIT (the capacity counters check them at COMMIT), so in a
   * use-case transaction they join its pre-commit statement (db/pending-writes.ts).
   */
  async insertLines(ex: Executor, rows: (Insertable<PurchaseIntentLinesTable> & { holding: boolean })[]): Promise<void> {
    if (rows.length === 0) return;
    if (rows.every((row) => deferInsert(ex, 'purchase_intent_lines', row))) return;
    await ex.insertInto('purchase_intent_lines').values(rows).execute();
  },

  async find(ex: Executor, tenantId: string, id: string): Promise<IntentRow | undefined> {
    return ex.selectFrom('purchase_intents').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  },

  /** The intent under a row lock: every change of an intent reads it this way first. */
  async lock(ex: Executor, tenantId: string, id: string): Promise<IntentRow | undefined> {
    return ex.selectFrom('purchase_intents').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  },

  async update(ex: Executor, tenantId: string, id: string, set: Updateable<PurchaseIntentsTable>): Promise<IntentRow> {
    const row = await ex
      .updateTable('purchase_intents')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (set.status !== undefined || set.tickets_issued !== undefined || set.expires_at !== undefined) await syncLines(ex, tenantId, id);
    return row;
  },

  /**
   * Places of one ticket option in one show that open intents hold without tickets: status `new`,
   * not expired at `now`, and no real tickets issued (those are counted as tickets instead).
   */
  async sumOpenReservations(ex: Executor, tenantId: string, showPk: string, ticketOptionId: string, now: Date): Promise<number> {
    const row = await ex
      .selectFrom('purchase_intent_lines')
      .select(sql<string>`coalesce(sum(amount), 0)`.as('n'))
      .where('tenant_id', '=', tenantId)
      .where('show_pk', '=', showPk)
      .where('ticket_option_id', '=', ticketOptionId)
      .where('holding', '=', true)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
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

  /**
   * Holds a seat of a show for `intentId` and returns the intent holding it afterwards. A holder that
   * is canceled, or still `new` but past its `expiresAt` (not swept yet), is displaced; a complete
   * one keeps it (the seat is sold). The primary key (tenant, show, seat) makes parallel holds wait
   * for each other and lets only one win.
   */
  async holdSeat(ex: Executor, tenantId: string, showPk: string, seatId: string, intentId: string, now: Date): Promise<string> {
    const inserted = await ex
      .insertInto('purchase_intent_seats')
      .values({ tenant_id: tenantId, show_pk: showPk, seat_id: seatId, intent_id: intentId, created_at: now })
      .onConflict((oc) => oc.columns(['tenant_id', 'show_pk', 'seat_id']).doNothing())
      .returning('intent_id')
      .executeTakeFirst();
    if (inserted) return inserted.intent_id;
    const holder = await ex
      .selectFrom('purchase_intent_seats as s')
      .innerJoin('purchase_intents as i', (j) => j.onRef('i.tenant_id', '=', 's.tenant_id').onRef('i.id', '=', 's.intent_id'))
      .select(['s.intent_id', 'i.status', 'i.expires_at'])
      .where('s.tenant_id', '=', tenantId)
      .where('s.show_pk', '=', showPk)
      .where('s.seat_id', '=', seatId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const live = holder.status === 'complete' || (holder.status === 'new' && (holder.expires_at === null || holder.expires_at > now));
    if (holder.intent_id === intentId || live) return holder.intent_id;
    await ex
      .updateTable('purchase_intent_seats')
      .set({ intent_id: intentId, created_at: now })
      .where('tenant_id', '=', tenantId)
      .where('show_pk', '=', showPk)
      .where('seat_id', '=', seatId)
      .execute();
    return intentId;
  },

  /** Releases the seats an intent holds, all of them or all but `keep`. */
  async releaseSeats(ex: Executor, tenantId: string, intentId: string, keep: string[] = []): Promise<void> {
    let q = ex.deleteFrom('purchase_intent_seats').where('tenant_id', '=', tenantId).where('intent_id', '=', intentId);
    if (keep.length > 0) q = q.where('seat_id', 'not in', keep);
    await q.execute();
  },

  async seatsOf(ex: Executor, tenantId: string, intentId: string): Promise<string[]> {
    const rows = await ex.selectFrom('purchase_intent_seats').select('seat_id').where('tenant_id', '=', tenantId).where('intent_id', '=', intentId).orderBy('seat_id').execute();
    return rows.map((r) => r.seat_id);
  },

  /** Replaces an intent's availability lines (amount per ticket option) with the cart's. */
  async replaceLines(ex: Executor, tenantId: string, intentId: string, showPk: string, wanted: Map<string, { amount: number }>): Promise<void> {
    await ex.deleteFrom('purchase_intent_lines').where('tenant_id', '=', tenantId).where('intent_id', '=', intentId).execute();
    const rows = [...wanted].filter(([, w]) => w.amount > 0).map(([optionId, w]) => ({ tenant_id: tenantId, intent_id: intentId, show_pk: showPk, ticket_option_id: optionId, amount: w.amount }));
    if (rows.length > 0) {
      await ex.insertInto('purchase_intent_lines').values(rows).execute();
      await syncLines(ex, tenantId, intentId);
    }
  },

  async insertMail(ex: Executor, row: { tenant_id: string; id: string; intent_id: string; recipient: string; template: string; payload: string; created_at: Date }): Promise<void> {
    await ex.insertInto('purchase_intent_mails').values({ ...row, status: 'PENDING', sent_at: null }).execute();
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

/** The intent's holding state copied onto its lines (what the capacity check reads). */
async function syncLines(ex: Executor, tenantId: string, intentId: string): Promise<void> {
  await sql`
    UPDATE purchase_intent_lines l
    SET holding = (i.status = 'new' AND NOT i.tickets_issued), expires_at = i.expires_at
    FROM purchase_intents i
    WHERE i.tenant_id = ${tenantId} AND i.id = ${intentId} AND l.tenant_id = i.tenant_id AND l.intent_id = i.id`.execute(ex);
}
