import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor, Tx } from '../../db/tx.js';
import type { LeadsTable, LeadType } from './leads.tables.js';

export type LeadRow = Selectable<LeadsTable>;

/** Every statement on `leads`. */
export const leadsRepository = {
  /** The show's leads any of these identifiers names, oldest first, locked for the upsert. */
  async lockByIdentifiers(tx: Tx, tenantId: string, showPk: string, ids: { email: string | null; phone: string | null; buyerRef: string | null }): Promise<LeadRow[]> {
    return tx
      .selectFrom('leads')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('show_pk', '=', showPk)
      .where((eb) =>
        eb.or([
          ...(ids.email !== null ? [eb('email', '=', ids.email)] : []),
          ...(ids.phone !== null ? [eb('phone', '=', ids.phone)] : []),
          ...(ids.buyerRef !== null ? [eb('buyer_ref', '=', ids.buyerRef)] : []),
        ]),
      )
      .orderBy('created_at')
      .orderBy('id')
      .forUpdate()
      .execute();
  },

  async insert(tx: Tx, row: Insertable<LeadsTable>): Promise<LeadRow> {
    return tx.insertInto('leads').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async update(tx: Tx, tenantId: string, id: string, set: Updateable<LeadsTable>): Promise<LeadRow> {
    return tx.updateTable('leads').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },

  async list(ex: Executor, q: { tenantId: string; eventId?: string; showPk?: string; type?: LeadType; limit: number; offset: number }): Promise<{ rows: LeadRow[]; total: number }> {
    let base = ex.selectFrom('leads').where('tenant_id', '=', q.tenantId);
    if (q.eventId !== undefined) base = base.where('event_id', '=', q.eventId);
    if (q.showPk !== undefined) base = base.where('show_pk', '=', q.showPk);
    if (q.type !== undefined) base = base.where('type', '=', q.type);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('created_at').orderBy('id').limit(q.limit).offset(q.offset).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  },

  /** WISHLIST leads of these shows, counted per ticket option they name ('' for the whole show). */
  async wishlistCounts(ex: Executor, tenantId: string, showPks: readonly string[]): Promise<{ show_pk: string; ticket_option_id: string; n: number }[]> {
    if (showPks.length === 0) return [];
    return ex
      .selectFrom('leads')
      .select(['show_pk', (eb) => eb.fn.coalesce('ticket_option_id', eb.val('')).as('ticket_option_id'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', tenantId)
      .where('show_pk', 'in', showPks)
      .where('type', '=', 'WISHLIST')
      .groupBy(['show_pk', 'ticket_option_id'])
      .execute();
  },

  async remove(tx: Tx, tenantId: string, id: string): Promise<LeadRow | undefined> {
    return tx.deleteFrom('leads').where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst();
  },
};
