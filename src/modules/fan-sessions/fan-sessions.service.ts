import { randomBytes } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import { sweepInBatches } from '../../db/batch-sweep.js';
import { withTx, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { sha256Hex } from '../../lib/signing.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { fanSessionsRepository as repo } from './fan-sessions.repository.js';

/**
 * Fans' sessions on the hosted pages (SPEC §4.1 item 10): the cookie carries a random token, the
 * database only its SHA-256. A session belongs to one tenant — the fan's tickets are per integrator —
 * and `readSession` says which: the page must compare it with the tenant its URL names, and treat a
 * session of another tenant as no session. No HTTP here; the cookie itself is the web layer's.
 */

/** Idle lifetime: a session lives 30 days after the fan was last seen (sliding). */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** `last_seen_at` (and with it the expiry) moves at most once in this long: no write on every request. */
export const SESSION_TOUCH_INTERVAL_MS = 60 * 60 * 1000;
/** 32 random bytes = 256 bits: unguessable, so a plain SHA-256 is a safe lookup hash (as for one-time tokens). */
const TOKEN_BYTES = 32;
/** A token as `startSession` makes it: 43 base64url characters. Anything else cannot match. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
// The shape the one-time tokens' service checks too (and ajv-formats' "email").
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** How the fan proved the e-mail: recorded in the audit row of the session. */
export type SignInMethod = 'one_time_token' | 'email_code';

export interface StartSessionInput {
  tenantId: string;
  email: string;
  /** The session cookie the browser carried, if any: ended with the sign-in (no session fixation). */
  previousToken?: string | undefined;
  method?: SignInMethod | undefined;
}

export interface StartedSession {
  /** The cookie's value; exists only in this return value from now on. */
  token: string;
  expiresAt: Date;
}

export interface FanSession {
  /** `fss_…`: names the session (audit log, a CSRF token bound to it); not a credential. */
  sessionId: string;
  /** The session's tenant: the caller must check it is the tenant of the page. */
  tenantId: string;
  /** Lower-cased. */
  email: string;
  expiresAt: Date;
  /** True when this read moved the expiry (once an hour at most): the moment to re-send the cookie. */
  renewed: boolean;
}

const actorFor = (tenantId: string): Actor => ({ tenantId, label: 'web:fan-session' });

/** Trimmed and lower-cased, or VALIDATION_ERROR on `field`. */
export function normalizeFanEmail(email: string, field = 'email'): string {
  const e = email.trim().toLowerCase();
  if (e.length > 254 || !EMAIL.test(e) || e.includes('\u0000')) throw new AppError('VALIDATION_ERROR', `${field} must be an e-mail address`, { field });
  return e;
}

/** Ends the session of `token`, if live, in the caller's transaction; the audit row says why. */
async function endInTx(tx: Tx, token: string, now: Date, reason: 'signed_out' | 'rotated'): Promise<boolean> {
  if (!TOKEN_SHAPE.test(token)) return false;
  const ended = await repo.end(tx, sha256Hex(token), now);
  if (!ended) return false;
  await recordAudit(tx, actorFor(ended.tenant_id), { action: 'fan_session.ended', entityType: 'fan_session', entityId: ended.id, after: { reason } }, now);
  return true;
}

/**
 * Starts a session in the caller's transaction (a sign-in flow starts it with what proved the
 * e-mail). The previous session of the browser, whatever its tenant, is ended in the same
 * transaction: the cookie is replaced, so a token planted before the sign-in never becomes a
 * signed-in session.
 */
export async function startSessionInTx(tx: Tx, deps: Pick<Deps, 'clock'>, input: StartSessionInput): Promise<StartedSession> {
  const email = normalizeFanEmail(input.email);
  const now = deps.clock.now();
  if (input.previousToken !== undefined) await endInTx(tx, input.previousToken, now, 'rotated');
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const id = newId(ID_PREFIX.fanSession, now.getTime());
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await repo.insertSession(tx, { tenant_id: input.tenantId, id, token_hash: sha256Hex(token), email, created_at: now, last_seen_at: now, expires_at: expiresAt });
  // The audit row names the session by its id; the token (and its hash) never reach a log.
  await recordAudit(tx, actorFor(input.tenantId), { action: 'fan_session.started', entityType: 'fan_session', entityId: id, after: { email, method: input.method ?? null, expiresAt } }, now);
  return { token, expiresAt };
}

export async function startSession(deps: Pick<Deps, 'db' | 'clock'>, input: StartSessionInput): Promise<StartedSession> {
  return withTx(deps.db, (tx) => startSessionInTx(tx, deps, input));
}

/**
 * The session of a cookie's token, or null when it is unknown, ended or expired (one answer for
 * all three). A read costs one indexed SELECT; once the session was last seen an hour ago or more,
 * one conditional UPDATE slides it (last seen now, expiring 30 days from now).
 */
export async function readSession(deps: Pick<Deps, 'db' | 'clock'>, token: string): Promise<FanSession | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const now = deps.clock.now();
  const row = await repo.findLive(deps.db, sha256Hex(token), now);
  if (!row) return null;
  const session: FanSession = { sessionId: row.id, tenantId: row.tenant_id, email: row.email, expiresAt: row.expires_at, renewed: false };
  const staleBefore = new Date(now.getTime() - SESSION_TOUCH_INTERVAL_MS);
  if (row.last_seen_at.getTime() > staleBefore.getTime()) return session;
  // A concurrent request may have slid it first (nothing written here): its answer is as good.
  const expiresAt = await repo.touch(deps.db, row.tenant_id, row.id, now, staleBefore, new Date(now.getTime() + SESSION_TTL_MS));
  return expiresAt ? { ...session, expiresAt, renewed: true } : session;
}

/** Sign-out: true when a live session was ended, false when there was none (unknown, ended, expired). */
export async function endSession(deps: Pick<Deps, 'db' | 'clock'>, token: string): Promise<boolean> {
  if (!TOKEN_SHAPE.test(token)) return false;
  return withTx(deps.db, (tx) => endInTx(tx, token, deps.clock.now(), 'signed_out'));
}

/**
 * Housekeeping (an hourly sweep, flows/sweeps.ts): deletes sessions past their expiry, ended ones
 * included (ending sets the expiry). Correct without it: a read checks `expires_at` and `ended_at`.
 * Their start and end stay in the audit log.
 */
export async function deleteExpiredSessions(deps: Pick<Deps, 'db' | 'clock'>, batch = 1000): Promise<number> {
  const now = deps.clock.now();
  return sweepInBatches(deps.db, batch, (tx, limit) => repo.deleteExpiredSessions(tx, now, limit));
}
