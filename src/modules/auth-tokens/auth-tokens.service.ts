import { randomBytes } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import { withTx, type Executor, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { sha256Hex } from '../../lib/signing.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { authTokensRepository as repo } from './auth-tokens.repository.js';

/** SPEC §5: a token signs a fan in once, within ten minutes. */
export const TOKEN_TTL_MS = 10 * 60 * 1000;
/** 32 random bytes = 256 bits: unguessable, so a plain SHA-256 is a safe lookup hash (as for API keys). */
const TOKEN_BYTES = 32;
/** Expired tokens are kept a day (for support questions about a failed sign-in), then swept. */
const KEEP_AFTER_EXPIRY_MS = 24 * 60 * 60 * 1000;

export const TOKEN_METHODS = ['email'] as const;
export type TokenMethod = (typeof TOKEN_METHODS)[number];

export interface TokenRequest {
  user: string;
  method?: string | undefined;
}

export interface ConsumedToken {
  tenantId: string;
  /** The fan's e-mail, lower-cased. */
  user: string;
  method: TokenMethod;
}

// The shape ajv-formats' "email" checks too; the service repeats it for callers that are not routes.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function normalize(input: TokenRequest, fields: { user: string; method: string }): { user: string; method: TokenMethod } {
  const user = input.user.trim().toLowerCase();
  if (user.length > 254 || !EMAIL.test(user) || user.includes('\u0000')) {
    throw new AppError('VALIDATION_ERROR', `${fields.user} must be an e-mail address`, { field: fields.user });
  }
  const method = input.method ?? 'email';
  if (!(TOKEN_METHODS as readonly string[]).includes(method)) {
    throw new AppError('VALIDATION_ERROR', `${fields.method} must be one of ${TOKEN_METHODS.join(', ')}`, { field: fields.method });
  }
  return { user, method: method as TokenMethod };
}

/**
 * Issues a token inside the caller's transaction (a URL endpoint with login trust issues it with the
 * URL it signs). Returns the raw token, which exists only in this return value from now on.
 * `fields` names the request fields in validation errors (`loginTrust[user]` on URL endpoints).
 */
export async function issueOneTimeTokenInTx(
  tx: Executor,
  deps: Pick<Deps, 'clock'>,
  actor: Actor,
  input: TokenRequest,
  fields: { user: string; method: string } = { user: 'user', method: 'method' },
): Promise<string> {
  const [token] = await issueOneTimeTokensInTx(tx, deps, actor, input, 1, fields);
  return token!;
}

/**
 * `count` tokens for one fan, one per URL (each is single use), with one insert and one audit row
 * whatever the count: the Smart Access Layer's sell mode signs every CTA of a fan's tickets.
 */
export async function issueOneTimeTokensInTx(
  tx: Executor,
  deps: Pick<Deps, 'clock'>,
  actor: Actor,
  input: TokenRequest,
  count: number,
  fields: { user: string; method: string } = { user: 'user', method: 'method' },
): Promise<string[]> {
  const { user, method } = normalize(input, fields);
  if (count <= 0) return [];
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + TOKEN_TTL_MS);
  const random = randomBytes(TOKEN_BYTES * count); // one call to the CSPRNG for the whole batch
  const tokens = Array.from({ length: count }, (_, i) => random.subarray(i * TOKEN_BYTES, (i + 1) * TOKEN_BYTES).toString('base64url'));
  const rows = tokens.map((token) => ({ tenantId: actor.tenantId, id: newId(ID_PREFIX.oneTimeToken, now.getTime()), tokenHash: sha256Hex(token), userEmail: user, method, createdAt: now, expiresAt }));
  await repo.insert(tx, rows);
  // The audit row names the tokens by their ids; the tokens (and their hashes) never reach a log.
  const ids = rows.map((r) => r.id);
  await recordAudit(tx, actor, { action: 'one_time_token.issued', entityType: 'one_time_token', entityId: ids[0]!, after: { user, method, expiresAt, ...(count > 1 ? { ids } : {}) } }, now);
  return tokens;
}

export async function issueOneTimeToken(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, input: TokenRequest): Promise<string> {
  return withTx(deps.db, (tx: Tx) => issueOneTimeTokenInTx(tx, deps, actor, input));
}

/**
 * For the hosted pages: the token's tenant and user, or null when it is unknown, used or expired
 * (one answer for all three, so a page cannot be used to probe tokens). Single use is atomic.
 * The page must check that `tenantId` is the tenant its URL names.
 */
export async function consumeOneTimeToken(deps: Pick<Deps, 'db' | 'clock'>, token: string): Promise<ConsumedToken | null> {
  // A well-formed token is 43 base64url characters; anything else cannot match, so skip the database.
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  return withTx(deps.db, (tx) => consumeOneTimeTokenInTx(tx, deps, token));
}

/**
 * `consumeOneTimeToken` inside the caller's transaction (the fan sign-in flow consumes the token and
 * starts the session together: a session that fails to start leaves the token unused). The row lock
 * taken here is held until the caller commits, so single use still holds.
 */
export async function consumeOneTimeTokenInTx(tx: Executor, deps: Pick<Deps, 'clock'>, token: string): Promise<ConsumedToken | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const now = deps.clock.now();
  const row = await repo.consume(tx, sha256Hex(token), now);
  if (!row) return null;
  await recordAudit(tx, { tenantId: row.tenant_id, label: 'web:one-time-token' }, { action: 'one_time_token.used', entityType: 'one_time_token', entityId: row.id }, now);
  return { tenantId: row.tenant_id, user: row.user_email, method: row.method };
}

/** Housekeeping (an hourly sweep, flows/sweeps.ts); expiry is correct without it (consume checks `expires_at`). */
export async function sweepExpiredTokens(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  return repo.deleteExpiredBefore(deps.db, new Date(deps.clock.now().getTime() - KEEP_AFTER_EXPIRY_MS));
}
