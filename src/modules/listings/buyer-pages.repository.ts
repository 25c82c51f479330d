import { sql } from 'kysely';
import type { Executor, Tx } from '../../db/tx.js';
import type { ListingRow } from './listings.repository.js';

/** The listings table as the hosted buy and checkout pages use it (listings.buyer-pages.ts). */
export const buyerPagesRepository = {
  /** What a buyer can take now in one show (ACTIVE, or held past the hold), cheapest all-in first. */
  async onSaleOfShow(ex: Executor, tenantId: string, showPk: string, now: Date, limit: number): Promise<ListingRow[]> {
    return ex
      .selectFrom('listings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('show_pk', '=', showPk)
      .where((eb) => eb.or([eb('status', '=', 'ACTIVE'), eb.and([eb('status', '=', 'RESERVED'), eb('hold_expires_at', '<=', now)])]))
      .orderBy(sql`price_minor + buyer_fee_minor`)
      .orderBy('id')
      .limit(limit)
      .execute();
  },

  /**
   * A buyer was just turned away from these listings: stamped on those a live hold has (the others
   * were sold, ended or never existed, and nobody waits for them to come back from a hold).
   */
  async noteRefused(ex: Executor, tenantId: string, ids: readonly string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await ex
      .updateTable('listings')
      .set({ last_refused_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
      .where('status', '=', 'RESERVED')
      .where('hold_expires_at', '>', now)
      .execute();
  },

  /** Whether a buyer was turned away from any of these listings at or after `since`. */
  async refusedSince(ex: Executor, tenantId: string, ids: readonly string[], since: Date): Promise<boolean> {
    if (ids.length === 0) return false;
    const row = await ex
      .selectFrom('listings')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
      .where('last_refused_at', '>=', since)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },

  /** Moves the live holds of one intention to `until`; answers the listings moved. */
  async extendHolds(tx: Tx, tenantId: string, intentionId: string, until: Date, now: Date): Promise<ListingRow[]> {
    return tx
      .updateTable('listings')
      .set({ hold_expires_at: until, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'RESERVED')
      .where('hold_intention_id', '=', intentionId)
      .where('hold_expires_at', '>', now)
      .returningAll()
      .execute();
  },
};
