import type { Executor } from '../../db/tx.js';
import { setLockTimeout } from '../../db/locks.js';

/**
 * Locks one ticket option of a show (`SELECT … FOR NO KEY UPDATE`) and returns its capacity (null =
 * unlimited), or undefined when the show has no such option. Whoever sells against a capacity —
 * purchase intents today — takes this lock before counting, so concurrent reservations of one option
 * are serialised and never overshoot; callers with several options lock them in sorted order.
 * NO KEY UPDATE, not UPDATE: it serialises the reservations all the same, but does not block the
 * KEY SHARE lock that every ticket insert of the option takes through its foreign key (ticket
 * ingestion keeps running while intents are created).
 */
export async function lockTicketOptionCapacity(
  tx: Executor,
  tenantId: string,
  showPk: string,
  ticketOptionId: string,
): Promise<{ capacity: number | null } | undefined> {
  await setLockTimeout(tx);
  return tx
    .selectFrom('ticket_options')
    .select('capacity')
    .where('tenant_id', '=', tenantId)
    .where('show_pk', '=', showPk)
    .where('ticket_option_id', '=', ticketOptionId)
    .forNoKeyUpdate()
    .executeTakeFirst();
}
