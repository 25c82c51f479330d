import type { Insertable, Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/tx.js';
import type { PayoutAccountsTable } from './payouts.tables.js';

export type PayoutAccountRow = Selectable<PayoutAccountsTable>;

export const payoutAccountsRepository = {
  /** The seller's account, its row locked until the transaction ends (so two changes are audited one after the other). */
  async lockOne(tx: Tx, tenantId: string, sellerEmail: string): Promise<PayoutAccountRow | undefined> {
    return tx.selectFrom('payout_accounts').selectAll().where('tenant_id', '=', tenantId).where('seller_email', '=', sellerEmail).forUpdate().executeTakeFirst();
  },

  /** Insert, or replace every field but `created_at` of the seller's account. */
  async upsert(tx: Tx, row: Insertable<PayoutAccountsTable>): Promise<PayoutAccountRow> {
    return tx
      .insertInto('payout_accounts')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'seller_email']).doUpdateSet((eb) => ({
          holder_name: eb.ref('excluded.holder_name'),
          kind: eb.ref('excluded.kind'),
          number_sealed: eb.ref('excluded.number_sealed'),
          last4: eb.ref('excluded.last4'),
          country: eb.ref('excluded.country'),
          bank_code: eb.ref('excluded.bank_code'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  async findOne(ex: Executor, tenantId: string, sellerEmail: string): Promise<PayoutAccountRow | undefined> {
    return ex.selectFrom('payout_accounts').selectAll().where('tenant_id', '=', tenantId).where('seller_email', '=', sellerEmail).executeTakeFirst();
  },

  /** Which of these (lower-cased) sellers have an account: one query, by the primary key. */
  async sellersWithAccount(ex: Executor, tenantId: string, sellerEmails: readonly string[]): Promise<string[]> {
    if (sellerEmails.length === 0) return [];
    const rows = await ex.selectFrom('payout_accounts').select('seller_email').where('tenant_id', '=', tenantId).where('seller_email', 'in', sellerEmails).execute();
    return rows.map((r) => r.seller_email);
  },
};
