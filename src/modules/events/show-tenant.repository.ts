import type { Executor } from '../../db/tx.js';

/** Which tenant a show belongs to, by Encore's show id alone (the hosted pages' URLs carry no tenant). */
export const showTenantRepository = {
  async tenantOfShow(ex: Executor, showPk: string): Promise<string | undefined> {
    const row = await ex.selectFrom('shows').select('tenant_id').where('id', '=', showPk).limit(1).executeTakeFirst();
    return row?.tenant_id;
  },
};
