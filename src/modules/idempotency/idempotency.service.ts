import { createHash } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import type { Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { idempotencyRepository as repo } from './idempotency.repository.js';

/** Keys are remembered this long (Stripe's choice too): long enough for any client's retries. */
export const KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** A RUNNING key older than this belongs to a request that died; a retry may take it over. */
const STALE_RUNNING_MS = 5 * 60 * 1000;

export type Claim = { kind: 'proceed' } | { kind: 'replay'; status: number; body: string };

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

/**
 * Before a creating request runs: the first request with a key proceeds; a retry after it finished
 * gets the stored response; a retry while it still runs is a 409; the same key with a different
 * request is refused, since replaying someone else's answer would be wrong.
 */
export async function claimKey(deps: Pick<Deps, 'db' | 'clock'>, tenantId: string, key: string, hash: string): Promise<Claim> {
  const now = deps.clock.now();
  const claimed = await repo.claim(deps.db, {
    tenantId,
    key,
    requestHash: hash,
    now,
    expiresAt: new Date(now.getTime() + KEY_TTL_MS),
    staleBefore: new Date(now.getTime() - STALE_RUNNING_MS),
  });
  if (claimed) return { kind: 'proceed' };
  const existing = await repo.find(deps.db, tenantId, key);
  if (!existing) return claimKey(deps, tenantId, key, hash); // released between the two statements
  if (existing.request_hash !== hash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request', { field: 'Idempotency-Key' });
  }
  if (existing.status === 'COMMITTED' && existing.created_at < new Date(now.getTime() - STALE_RUNNING_MS)) {
    // Its change committed, then the process died before the response was stored: running it again
    // would apply it twice, and the answer cannot be rebuilt.
    throw new AppError('IDEMPOTENCY_RESPONSE_LOST', 'the request with this Idempotency-Key was applied, but its response was lost; read the resource to see the outcome', {
      field: 'Idempotency-Key',
    });
  }
  if (existing.status !== 'DONE' || existing.response_status === null) {
    throw new AppError('IDEMPOTENCY_CONFLICT', 'a request with this Idempotency-Key is still being processed; retry later', { field: 'Idempotency-Key' });
  }
  return { kind: 'replay', status: existing.response_status, body: existing.response_body ?? '' };
}

/**
 * Stores a finished response. A server error releases the key so the client's retry runs anew,
 * unless the change had already committed (COMMITTED): then nothing may run twice, and the error
 * answer is what a retry replays.
 */
export async function finishKey(deps: Pick<Deps, 'db'>, tenantId: string, key: string, status: number, body: string): Promise<void> {
  if (status >= 500 && (await repo.release(deps.db, tenantId, key))) return;
  await repo.complete(deps.db, tenantId, key, status, body);
}

/** The commit hook of a request carrying `key` (see db/commit-hooks.ts). */
export function markKeyCommitted(tenantId: string, key: string): (tx: Tx) => Promise<void> {
  return (tx) => repo.markCommitted(tx, tenantId, key);
}

/** Housekeeping (an hourly sweep, flows/sweeps.ts): an expired key is taken over by claimKey anyway. */
export async function deleteExpiredKeys(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  return repo.deleteExpired(deps.db, deps.clock.now());
}
