import type { Deps } from '../app/deps.js';
import { sweepExpiredTokens } from '../modules/auth-tokens/index.js';
import { deleteExpiredEmailCodes, deleteExpiredSessions } from '../modules/fan-sessions/index.js';
import { deleteExpiredKeys } from '../modules/idempotency/index.js';
import { releaseExpiredHolds } from '../modules/listings/index.js';
import { deleteOldMail } from '../modules/mail/index.js';
import { expireIntentions } from '../modules/orders/index.js';
import { releaseDuePayouts } from '../modules/payouts/index.js';
import { expireDueIntents } from '../modules/purchase-intents/index.js';
import { deleteOldWindows } from '../modules/rate-limits/index.js';
import { reconcilePayments } from './payment-settlements.js';
import { unlockDueShields } from './ticket-shield.js';

/**
 * Every periodic sweep, in one place: what expires, what is released and what is cleaned up, and
 * in which order. Correctness never waits for a sweep (availability checks `expires_at` and
 * `hold_expires_at`, a token is refused once expired); the sweeps tidy statuses, give back what
 * expired holds kept, and send the webhooks that say so. Each sweep is safe in several processes
 * at once (SKIP LOCKED, or a re-check under the row lock).
 */

export type SweepDeps = Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>;

export interface Sweep<R = unknown> {
  /** Names the sweep in a failed run's error. */
  readonly name: string;
  readonly run: (deps: SweepDeps) => Promise<R>;
  /** Sweeps of the same run that must have succeeded first; when one did not, this one waits for the next run. */
  readonly after?: readonly Sweep[];
}

/**
 * Payments left in flight by a dead process, for every checkout: the provider is asked what became
 * of each charge. First, because a charge that succeeded must claim its listings (resale) or
 * complete its intents (purchase intents) before the sweeps below expire them.
 */
export const PAYMENTS_RECONCILE: Sweep<number> = { name: 'payments.reconcile', run: reconcilePayments };

/** RESERVED buy intentions past their time become EXPIRED and give back their listings. */
export const BUY_INTENTIONS_EXPIRE: Sweep<number> = { name: 'buy-intentions.expire', run: expireIntentions, after: [PAYMENTS_RECONCILE] };

/** Listing holds past `hold_expires_at` back to ACTIVE, with `listing.updated`. */
export const LISTING_HOLDS_RELEASE: Sweep<number> = { name: 'listing-holds.release', run: releaseExpiredHolds, after: [PAYMENTS_RECONCILE] };

/**
 * Payouts whose show is over and whose seller has a payout account become RELEASED, with `payouts.released`
 * (a sale reconciled above schedules its payouts first); the others wait, SCHEDULED, for a later run.
 */
export const PAYOUTS_RELEASE: Sweep<number> = { name: 'payouts.release', run: releaseDuePayouts, after: [PAYMENTS_RECONCILE] };

/** Open purchase intents past `expiresAt` become canceled, their tickets INVALID, with `purchaseIntent.expired`. */
const PURCHASE_INTENTS_EXPIRE: Sweep<string[]> = { name: 'purchase-intents.expire', run: expireDueIntents, after: [PAYMENTS_RECONCILE] };

/** Shield-locked access codes whose time has come are opened, with `event.unlock`. */
const TICKET_SHIELDS_UNLOCK: Sweep = { name: 'ticket-shields.unlock', run: unlockDueShields };

/** Every minute, in this order (one job, SWEEP_JOBS.minute). */
export const MINUTE_SWEEPS: readonly Sweep[] = [PAYMENTS_RECONCILE, BUY_INTENTIONS_EXPIRE, LISTING_HOLDS_RELEASE, PAYOUTS_RELEASE, PURCHASE_INTENTS_EXPIRE, TICKET_SHIELDS_UNLOCK];

/**
 * Every hour: housekeeping that only keeps tables small. An expired idempotency key is taken over by
 * the next request with it, an expired one-time token is refused, a past rate-limit window counts
 * for nothing, an expired or ended fan session and an expired sign-in code are refused, whether or
 * not these have run.
 */
export const HOURLY_SWEEPS: readonly Sweep[] = [
  { name: 'idempotency-keys.delete-expired', run: deleteExpiredKeys },
  { name: 'rate-limit-windows.delete-old', run: deleteOldWindows },
  { name: 'one-time-tokens.delete-expired', run: sweepExpiredTokens },
  { name: 'mail.delete-old', run: deleteOldMail },
  { name: 'fan-sessions.delete-expired', run: deleteExpiredSessions },
  { name: 'fan-email-codes.delete-expired', run: deleteExpiredEmailCodes },
];

export interface SweepRun {
  /** What a sweep of the run returned; undefined when it did not run. */
  resultOf<R>(sweep: Sweep<R>): R | undefined;
}

/**
 * Runs the sweeps in order. A sweep that fails does not stop the others, except those that come
 * `after` it; once all have had their turn, the failure is thrown (several as an AggregateError).
 */
export async function runSweeps(deps: SweepDeps, sweeps: readonly Sweep[]): Promise<SweepRun> {
  const results = new Map<Sweep, unknown>();
  const unfinished = new Set<Sweep>();
  const errors: unknown[] = [];
  for (const sweep of sweeps) {
    if (sweep.after?.some((s) => unfinished.has(s))) {
      unfinished.add(sweep);
      continue;
    }
    try {
      results.set(sweep, await sweep.run(deps));
    } catch (err) {
      unfinished.add(sweep);
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `sweeps did not finish: ${[...unfinished].map((s) => s.name).join(', ')}`);
  return { resultOf: <R>(sweep: Sweep<R>) => results.get(sweep) as R | undefined };
}

/** The two jobs that run the sweeps; pg-boss makes one process fire each per slot. */
export const SWEEP_JOBS = { minute: 'sweeps.minute', hourly: 'sweeps.hourly' } as const;

/** The jobs the sweeps had before they were listed here; their schedules are removed from older databases. */
const RETIRED_SWEEP_JOBS = ['marketplace-sweep', 'purchase-intents-expire', 'ticket-shield.unlock', 'idempotency-sweep', 'rate-limits-sweep', 'one-time-tokens-sweep'];

export function registerSweepJobs(deps: Deps): void {
  // No retries: the next slot is the retry, and every sweep picks up whatever is still due.
  deps.queue.register(SWEEP_JOBS.minute, async () => {
    await runSweeps(deps, MINUTE_SWEEPS);
  }, { retryLimit: 0 });
  deps.queue.schedule(SWEEP_JOBS.minute, '* * * * *');
  deps.queue.register(SWEEP_JOBS.hourly, async () => {
    await runSweeps(deps, HOURLY_SWEEPS);
  }, { retryLimit: 2 });
  deps.queue.schedule(SWEEP_JOBS.hourly, '17 * * * *');
  for (const name of RETIRED_SWEEP_JOBS) deps.queue.retire(name);
}
