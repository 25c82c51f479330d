import { sql } from 'kysely';
import { pgErrorCode, type Executor } from './tx.js';

/**
 * Lock mechanics shared by every writer (ARCHITECTURE.md, Transactions and concurrency): row locks
 * are taken in one order under a lock timeout, so two transactions never deadlock and a writer
 * stuck behind another gives up quickly with a retryable error instead of piling up.
 */

/** How long a writer waits for another writer's row lock before giving up (then: 503, retry). */
export const LOCK_TIMEOUT_MS = 5000;

/** PostgreSQL's lock_not_available: a lock was not granted within `lock_timeout`. */
const LOCK_NOT_AVAILABLE = '55P03';

/** Sets `lock_timeout` for the rest of the transaction only (SET LOCAL), so a pooled connection keeps its default. */
export async function setLockTimeout(ex: Executor, ms: number = LOCK_TIMEOUT_MS): Promise<void> {
  await sql`SELECT set_config('lock_timeout', ${`${Math.trunc(ms)}ms`}, true)`.execute(ex);
}

export function isLockTimeout(err: unknown): boolean {
  return pgErrorCode(err) === LOCK_NOT_AVAILABLE;
}

/**
 * Rethrows `err`, turned into the caller's error when it is a lock timeout: waiting behind other
 * writers is a retryable condition for the client, not a server fault. Use in a `catch`.
 */
export function rethrowLockTimeout(err: unknown, toError: () => Error): never {
  if (isLockTimeout(err)) throw toError();
  throw err;
}

/** Runs `fn`; a lock timeout inside it becomes the caller's error (see rethrowLockTimeout). */
export async function withLockTimeout<T>(fn: () => Promise<T>, toError: () => Error): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    rethrowLockTimeout(err, toError);
  }
}

/**
 * A lock on `key` (any string naming a one-off critical section) until the transaction ends. For
 * work that has no row to lock yet, like creating the first row of a table exactly once.
 */
export async function lockAdvisory(ex: Executor, key: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`.execute(ex);
}

/**
 * Code-point order, which is also PostgreSQL's order under the C collation (an order computed here
 * agrees with an `ORDER BY` there). Array.prototype.sort compares UTF-16 code units instead, which
 * differs once a surrogate pair (U+10000 and up) meets a character from U+E000 to U+FFFF: at the
 * first differing unit, surrogates are moved above that range.
 */
function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

const rank = (unit: number): number => (unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit);

/**
 * The order every writer takes several locks of one kind in: distinct ids sorted by code point.
 * Two transactions that lock overlapping sets in this order queue behind each other instead of
 * each holding a lock the other waits for (a deadlock).
 */
export function inLockOrder(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort(byCodePoint);
}
