import type { Deps } from '../app/deps.js';
import { withTx } from '../db/tx.js';
import type { Actor } from '../modules/audit/index.js';
import { eraseMails } from '../modules/mail/index.js';
import { eraseLeadInTx } from '../modules/market-data/index.js';

/**
 * DELETE /v1/marketdata/users/:id (SPEC §6, a fan's right to erasure), across modules in one
 * transaction: the lead and its alerts (market-data), and the address and text of every mail it was
 * sent (mail); a mail not sent yet never will be.
 */
export async function eraseLead(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string): Promise<{ id: string; erased: true }> {
  return withTx(deps.db, async (tx) => {
    const { mailIds } = await eraseLeadInTx(tx, actor, id, deps.clock.now());
    await eraseMails(tx, actor.tenantId, mailIds);
    return { id, erased: true as const };
  });
}
