import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../app/deps.js';
import { consume } from '../../modules/rate-limits/index.js';
import { AppError } from '../../lib/app-error.js';

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  /** What is counted, e.g. `sync-tickets:key:<keyId>`; derived from the authenticated request. */
  subject: (request: FastifyRequest) => string;
}

/**
 * A hook (for `onRequest`, after `authenticate`) that counts the request against a limit shared by
 * every API process (the counter lives in PostgreSQL) and answers 429 `RATE_LIMITED` with
 * `Retry-After` (seconds) past it. It runs before the body is parsed: a refused request costs one
 * tiny statement. Every answered request carries `RateLimit-Limit` / `RateLimit-Remaining` /
 * `RateLimit-Reset`.
 */
export function rateLimit(deps: Pick<Deps, 'db' | 'clock'>, opts: RateLimitOptions): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async function (request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!request.auth) return; // authenticate already answered 401
    const decision = await consume(deps, request.auth.tenantId, opts.subject(request), opts.limit, opts.windowMs);
    reply.header('ratelimit-limit', String(decision.limit));
    reply.header('ratelimit-remaining', String(decision.remaining));
    reply.header('ratelimit-reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      reply.header('retry-after', String(decision.resetSeconds));
      throw new AppError('RATE_LIMITED', `at most ${opts.limit} requests per ${Math.round(opts.windowMs / 1000)} s; retry in ${decision.resetSeconds} s`, {
        details: { limit: opts.limit, retryAfterSeconds: decision.resetSeconds },
      });
    }
  };
}
