import type { Executor } from '../../db/tx.js';
import type { IntentRow } from './intents.model.js';

/** The public endpoints' lookup: the intent by its id alone (no API key names the tenant). */
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
};
