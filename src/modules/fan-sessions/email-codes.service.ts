import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import { sweepInBatches } from '../../db/batch-sweep.js';
import { withTx } from '../../db/tx.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { sha256Hex } from '../../lib/signing.js';
import type { Lang } from '../../lib/urls.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { queueMail } from '../mail/index.js';
import { consume } from '../rate-limits/index.js';
import { fanSessionsRepository as repo } from './fan-sessions.repository.js';
import { normalizeFanEmail, startSessionInTx, type StartedSession } from './fan-sessions.service.js';

/**
 * The e-mail code sign-in (SPEC §4.1 item 10): a page that needs a fan and has no one-time token
 * asks for an e-mail and mails a 6-digit code; the right code starts a session. Guessing is bounded
 * three ways: 5 tries per code (the 5th wrong one burns it), 10 minutes per code, and 5 codes an hour
 * per e-mail (20 per IP), so an attacker gets at most 25 guesses an hour at one fan's 10^6 codes.
 * Refusals are answers (data), never errors, and the request answers the same whether or not the
 * e-mail is anyone's (no account enumeration: the code is mailed in every case).
 */

export const CODE_TTL_MS = 10 * 60 * 1000;
export const CODE_MAX_TRIES = 5;
export const CODES_PER_EMAIL_PER_HOUR = 5;
export const CODES_PER_IP_PER_HOUR = 20;
const HOUR_MS = 60 * 60 * 1000;
/** The mail outbox's `kind` for these mails. */
export const EMAIL_CODE_MAIL_KIND = 'fan.sign-in-code';

export interface EmailCodeRequest {
  tenantId: string;
  email: string;
  /** The client's address, as the web layer determined it: the second rate-limit key. */
  ip: string;
  lang: Lang;
  /** What the mail calls the integrator (its display name). */
  tenantName: string;
}

export type EmailCodeRequestResult = { ok: true; expiresAt: Date } | { ok: false; reason: 'RATE_LIMITED'; retryAfterSeconds: number };

export interface EmailCodeVerification {
  tenantId: string;
  email: string;
  code: string;
  /** The session cookie the browser carried, if any: ended when the new session starts. */
  previousToken?: string | undefined;
}

export type EmailCodeRefusal = 'INVALID_CODE' | 'EXPIRED' | 'TOO_MANY_TRIES';
export type EmailCodeVerificationResult = { ok: true; session: StartedSession } | { ok: false; reason: EmailCodeRefusal; triesLeft?: number };

const TEXTS: Record<Lang, (v: { tenant: string; code: string }) => { subject: string; text: string }> = {
  en: (v) => ({
    subject: `Your code for ${v.tenant}: ${v.code}`,
    text: `Your code for ${v.tenant}: ${v.code}, valid 10 minutes.\n\nIf you did not ask for it, ignore this mail: nobody can sign in without the code.`,
  }),
  es: (v) => ({
    subject: `Tu código para ${v.tenant}: ${v.code}`,
    text: `Tu código para ${v.tenant}: ${v.code}, válido 10 minutos.\n\nSi no lo has pedido, ignora este correo: nadie puede entrar sin el código.`,
  }),
};

const actorFor = (tenantId: string): Actor => ({ tenantId, label: 'web:fan-email-code' });

/**
 * Salted with the code's own id, so equal codes of two fans hash differently. No key is needed:
 * the code sits in clear in the mail outbox anyway for its 10 minutes, and a hash only keeps it
 * out of this table.
 */
function codeHash(id: string, code: string): string {
  return sha256Hex(`${id}:${code}`);
}

/** Both are 64 hex characters; compared in constant time, so timing tells nothing of how close a guess was. */
function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Mails a new code (replacing the e-mail's previous one) unless a rate limit refuses. The limits
 * are counted first, outside the transaction, by the shared fixed-window counters (rate-limits
 * module): per IP, then per e-mail, both per tenant and per hour. The code, its row and its mail
 * commit together. The code is never logged: it is only in the mail.
 * An address that is not an e-mail is VALIDATION_ERROR on `email` (a form error).
 */
export async function requestEmailCode(deps: Pick<Deps, 'db' | 'clock' | 'queue'>, input: EmailCodeRequest): Promise<EmailCodeRequestResult> {
  const email = normalizeFanEmail(input.email);
  const byIp = await consume(deps, input.tenantId, `fan-code:ip:${input.ip}`, CODES_PER_IP_PER_HOUR, HOUR_MS);
  if (!byIp.allowed) return { ok: false, reason: 'RATE_LIMITED', retryAfterSeconds: byIp.resetSeconds };
  const byEmail = await consume(deps, input.tenantId, `fan-code:email:${email}`, CODES_PER_EMAIL_PER_HOUR, HOUR_MS);
  if (!byEmail.allowed) return { ok: false, reason: 'RATE_LIMITED', retryAfterSeconds: byEmail.resetSeconds };

  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const id = newId(ID_PREFIX.fanEmailCode, now.getTime());
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
    await repo.upsertCode(tx, { tenant_id: input.tenantId, email, id, code_hash: codeHash(id, code), created_at: now, expires_at: expiresAt, failed_tries: 0 });
    const { subject, text } = TEXTS[input.lang]({ tenant: input.tenantName, code });
    await queueMail(tx, deps, { tenantId: input.tenantId, to: email, subject, text, kind: EMAIL_CODE_MAIL_KIND, ref: id });
    await recordAudit(tx, actorFor(input.tenantId), { action: 'fan_email_code.sent', entityType: 'fan_email_code', entityId: id, after: { email, ip: input.ip, expiresAt } }, now);
    return { ok: true, expiresAt };
  });
}

/**
 * Checks a code under the row lock of the e-mail's code, so concurrent guesses are counted one by
 * one and none escapes the limit. A wrong code counts a try (and the refusal commits with it); the
 * 5th wrong one burns the code: from then on TOO_MANY_TRIES, even for the right code, until a new
 * one is requested. The right code is deleted as it starts the session (single use), in one
 * transaction. No code for this e-mail at all answers as a wrong code does, without `triesLeft`.
 */
export async function verifyEmailCode(deps: Pick<Deps, 'db' | 'clock'>, input: EmailCodeVerification): Promise<EmailCodeVerificationResult> {
  const email = normalizeFanEmail(input.email);
  const code = input.code.replace(/\s+/g, '');
  return withTx(deps.db, async (tx): Promise<EmailCodeVerificationResult> => {
    const now = deps.clock.now();
    const row = await repo.lockCode(tx, input.tenantId, email);
    if (!row) return { ok: false, reason: 'INVALID_CODE' };
    if (row.failed_tries >= CODE_MAX_TRIES) return { ok: false, reason: 'TOO_MANY_TRIES', triesLeft: 0 };
    if (row.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'EXPIRED' };
    if (!sameHash(codeHash(row.id, code), row.code_hash)) {
      const tries = row.failed_tries + 1;
      await repo.setFailedTries(tx, input.tenantId, email, tries);
      if (tries < CODE_MAX_TRIES) return { ok: false, reason: 'INVALID_CODE', triesLeft: CODE_MAX_TRIES - tries };
      await recordAudit(tx, actorFor(input.tenantId), { action: 'fan_email_code.burned', entityType: 'fan_email_code', entityId: row.id, after: { email, failedTries: tries } }, now);
      return { ok: false, reason: 'TOO_MANY_TRIES', triesLeft: 0 };
    }
    await repo.deleteCode(tx, input.tenantId, email);
    const session = await startSessionInTx(tx, deps, { tenantId: input.tenantId, email, previousToken: input.previousToken, method: 'email_code' });
    return { ok: true, session };
  });
}

/** Housekeeping (an hourly sweep, flows/sweeps.ts): codes past their 10 minutes, burned ones included. */
export async function deleteExpiredEmailCodes(deps: Pick<Deps, 'db' | 'clock'>, batch = 1000): Promise<number> {
  const now = deps.clock.now();
  return sweepInBatches(deps.db, batch, (tx, limit) => repo.deleteExpiredCodes(tx, now, limit));
}
