import { sql, type Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/tx.js';
import type { ShowInventoryTable } from './inventory.tables.js';

export type InventoryRow = Selectable<ShowInventoryTable>;

export interface InventoryNumbers {
  capacity: number | null;
  released_tickets: number | null;
  reserved_space: number | null;
  sold_out: boolean | null;
  sold_percentage: number | null;
}

/** Every statement on `show_inventory`. */
export const inventoryRepository = {
  /**
   * Writes what was sent and keeps what was not (null = not sent), in one statement; answers the
   * merged row, which the caller validates (released and reserved within capacity) before commit.
   */
  async upsert(tx: Tx, key: { tenantId: string; showPk: string; ticketOptionId: string; priceTypeId: string }, set: InventoryNumbers, now: Date): Promise<InventoryRow> {
    const result = await sql<InventoryRow>`
      INSERT INTO show_inventory AS i (tenant_id, show_pk, ticket_option_id, price_type_id, capacity, released_tickets, reserved_space, sold_out, sold_percentage, updated_at)
      VALUES (${key.tenantId}, ${key.showPk}, ${key.ticketOptionId}, ${key.priceTypeId}, ${set.capacity}, ${set.released_tickets}, ${set.reserved_space}, ${set.sold_out}, ${set.sold_percentage}, ${now})
      ON CONFLICT (tenant_id, show_pk, ticket_option_id, price_type_id) DO UPDATE SET
        capacity = coalesce(EXCLUDED.capacity, i.capacity),
        released_tickets = coalesce(EXCLUDED.released_tickets, i.released_tickets),
        reserved_space = coalesce(EXCLUDED.reserved_space, i.reserved_space),
        sold_out = coalesce(EXCLUDED.sold_out, i.sold_out),
        sold_percentage = coalesce(EXCLUDED.sold_percentage, i.sold_percentage),
        updated_at = EXCLUDED.updated_at
      RETURNING *`.execute(tx);
    return result.rows[0]!;
  },

  async ofShows(ex: Executor, tenantId: string, showPks: readonly string[]): Promise<InventoryRow[]> {
    if (showPks.length === 0) return [];
    return ex
      .selectFrom('show_inventory')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('show_pk', 'in', showPks)
      .orderBy('show_pk')
      .orderBy('ticket_option_id')
      .orderBy('price_type_id')
      .execute();
  },

  /** The capacity reported for one ticket option of a show (its row without a price type). */
  async optionCapacity(ex: Executor, tenantId: string, showPk: string, ticketOptionId: string): Promise<number | null> {
    const row = await ex
      .selectFrom('show_inventory')
      .select('capacity')
      .where('tenant_id', '=', tenantId)
      .where('show_pk', '=', showPk)
      .where('ticket_option_id', '=', ticketOptionId)
      .where('price_type_id', '=', '')
      .executeTakeFirst();
    return row?.capacity ?? null;
  },
};
