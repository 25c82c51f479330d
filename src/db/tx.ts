import type { Kysely } from 'kysely';
import { runCommitHooks } from './commit-hooks.js';
import type { Tx } from './executor.js';
import { collectPendingWrites, flushPendingWrites } from './pending-writes.js';
import type { DB } from './schema.js';

export type { Executor, Tx } from './executor.js';

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/**
 * The one transaction of a use case. A serialization failure or deadlock means nothing was
 * committed, so the whole function is safe to run again; it is retried a few times with jitter.
 * `fn` must therefore do no I/O outside the database (no network calls inside a transaction).
 * Before COMMIT, the writes the use case deferred are flushed (pending-writes.ts), then the
 * request's commit hooks run in the same transaction (commit-hooks.ts).
 */
export async function withTx<T>(db: Kysely<DB>, fn: (tx: Tx) => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await db.transaction().execute(async (tx) => {
        collectPendingWrites(tx);
        const result = await fn(tx);
        await flushPendingWrites(tx);
        await runCommitHooks(tx);
        // A hook's own deferred writes (none today) would otherwise be left behind: nothing when empty.
        await flushPendingWrites(tx);
        return result;
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (i >= attempts || !code || !RETRYABLE.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 5 * i + Math.random() * 20));
    }
  }
}

export function pgErrorCode(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

export function pgConstraint(err: unknown): string | undefined {
  return (err as { constraint?: string } | null)?.constraint;
}
