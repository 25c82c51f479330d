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

  /** Whether a WISHLIST lead of the show naming one of these options (or none) was created or renewed at or after `since`. */
  async wishlistSince(ex: Executor, tenantId: string, showPk: string, ticketOptionIds: readonly string[], since: Date): Promise<boolean> {
    const row = await ex
      .selectFrom('leads')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('show_pk', '=', showPk)
      .where('type', '=', 'WISHLIST')
      .where('updated_at', '>=', since)
      .where((eb) => eb.or([eb('ticket_option_id', 'is', null), ...(ticketOptionIds.length > 0 ? [eb('ticket_option_id', 'in', ticketOptionIds)] : [])]))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },

  /**
   * The WISHLIST leads a listing answers, oldest first, not yet alerted of it: same show, the option
   * and price type they name (or none), an email to write to, and a price at least what a ticket of
   * the listing costs the buyer (or none), and not alerted of any listing since `quietSince`. One
   * read on the partial index `leads_wishlist`.
   */
  async wishlistMatches(ex: Executor, m: { tenantId: string; eventRef: string; showRef: string; ticketOptionId: string; priceTypeId: string | null; currency: string; totalMinor: number; listingId: string; limit: number; quietSince: Date }): Promise<LeadRow[]> {
    return ex
      .selectFrom('leads as l')
      .selectAll('l')
      .where('l.tenant_id', '=', m.tenantId)
      .where('l.event_ref', '=', m.eventRef)
      .where('l.show_ref', '=', m.showRef)
      .where('l.type', '=', 'WISHLIST')
      .where('l.email', 'is not', null)
      .where((eb) => eb.or([eb('l.ticket_option_id', 'is', null), eb('l.ticket_option_id', '=', m.ticketOptionId)]))
      .where((eb) => eb.or([eb('l.price_type_id', 'is', null), ...(m.priceTypeId !== null ? [eb('l.price_type_id', '=', m.priceTypeId)] : [])]))
      .where((eb) => eb.or([eb('l.price_minor', 'is', null), eb.and([eb('l.currency', '=', m.currency), eb('l.price_minor', '>=', m.totalMinor)])]))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('lead_alerts as a')
              .select('a.lead_id')
              .whereRef('a.tenant_id', '=', 'l.tenant_id')
              .whereRef('a.lead_id', '=', 'l.id')
              .where('a.listing_id', '=', m.listingId),
          ),
        ),
      )
      // Checked on the row itself: FOR UPDATE re-reads a row another listing just alerted, and SKIP
      // LOCKED leaves the fans another listing is alerting right now to it (the next ones come here).
      .where((eb) => eb.or([eb('l.last_alerted_at', 'is', null), eb('l.last_alerted_at', '<', m.quietSince)]))
      .orderBy('l.created_at')
      .orderBy('l.id')
      .limit(m.limit)
      .forUpdate()
      .skipLocked()
      .execute();
  },

  /** Records that a lead was alerted of a listing; false when it already was (a concurrent alert won). */
  async recordAlert(tx: Tx, row: { tenant_id: string; lead_id: string; listing_id: string; mail_id: string; created_at: Date }): Promise<boolean> {
    const inserted = await tx.insertInto('lead_alerts').values(row).onConflict((oc) => oc.doNothing()).returning('lead_id').executeTakeFirst();
    if (inserted === undefined) return false;
    await tx.updateTable('leads').set({ last_alerted_at: row.created_at }).where('tenant_id', '=', row.tenant_id).where('id', '=', row.lead_id).execute();
    return true;
  },

  /** The mails a lead was sent (its wishlist alerts). */
  async alertMailIds(ex: Executor, tenantId: string, leadId: string): Promise<string[]> {
    return (await ex.selectFrom('lead_alerts').select('mail_id').where('tenant_id', '=', tenantId).where('lead_id', '=', leadId).execute()).map((r) => r.mail_id);
  },

  async remove(tx: Tx, tenantId: string, id: string): Promise<LeadRow | undefined> {
    return tx.deleteFrom('leads').where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst();
  },
};
