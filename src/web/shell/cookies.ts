import type { FastifyReply } from 'fastify';

/**
 * The hosted pages' two cookies. Both HttpOnly and SameSite=Lax (a fan arriving from the
 * integrator's site by a link is signed in; a cross-site POST carries no session), Secure when
 * PUBLIC_URL is https.
 * - the session: an opaque random token, stored hashed in PostgreSQL (modules/fan-sessions), 30 days;
 * - the CSRF seed: random per browser; forms carry its MAC (shell/csrf.ts).
 */
export const SESSION_COOKIE = 'encore_session';
export const CSRF_COOKIE = 'encore_csrf';
const SESSION_MAX_AGE_S = 30 * 24 * 3600;

export function cookieOptions(secure: boolean, maxAgeSeconds?: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}) };
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, token, cookieOptions(secure, SESSION_MAX_AGE_S));
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(secure));
}
