import type { Deps } from '../../app/deps.js';
import { rateLimitsRepository as repo } from './rate-limits.repository.js';

/** Windows are kept this long after they start (any window is far shorter); then swept. */
const KEEP_MS = 24 * 60 * 60 * 1000;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends (the `Retry-After` of a refusal). */
  resetSeconds: number;
}

/**
 * Fixed windows aligned on multiples of `windowMs` since the epoch, read from the injected clock:
 * request n of a window is allowed while n ≤ limit. (A sliding window would smooth bursts at window
 * edges; the published contract is "60 requests a minute", which a fixed window states exactly.)
 */
export async function consume(
  deps: Pick<Deps, 'db' | 'clock'>,
  tenantId: string,
  subject: string,
  limit: number,
  windowMs: number,
): Promise<RateDecision> {
  const now = deps.clock.now().getTime();
  const start = Math.floor(now / windowMs) * windowMs;
  const count = await repo.hit(deps.db, tenantId, subject, new Date(start));
  return {
    allowed: count <= limit,
    limit,
    remaining: Math.max(0, limit - count),
    resetSeconds: Math.max(1, Math.ceil((start + windowMs - now) / 1000)),
  };
}

/** Housekeeping (an hourly sweep, flows/sweeps.ts): windows long past count for nothing. */
export async function deleteOldWindows(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  return repo.deleteOlderThan(deps.db, new Date(deps.clock.now().getTime() - KEEP_MS));
}
