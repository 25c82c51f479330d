import type { Kysely } from 'kysely';
import type { DB } from './schema.js';
import { withTx, type Tx } from './tx.js';

/**
 * A sweep over due rows, batch by batch. Each batch is one transaction: `sweepBatch` takes at most
 * `limit` due rows (its repository's `LIMIT … FOR UPDATE SKIP LOCKED`), handles them, and returns
 * how many it took; a short batch means nothing due is left. Small transactions hold their row
 * locks briefly, and SKIP LOCKED lets the same sweep run in several processes at once, each row
 * handled by one of them. Returns the rows handled in all.
 */
export async function sweepInBatches(db: Kysely<DB>, limit: number, sweepBatch: (tx: Tx, limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await withTx(db, (tx) => sweepBatch(tx, limit));
    total += n;
    if (n < limit) return total;
  }
}
