import type { FastifyRequest } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../../lib/secret-box.js';
import { AppError } from '../../lib/app-error.js';

/**
 * CSRF protection for every form (signed double submit): each browser holds a random seed in an
 * HttpOnly cookie, and every form carries `_csrf` = MAC(seed) under the deployment's secret key. A
 * POST is accepted only when the two agree, so another site can neither read nor forge the field,
 * and a cookie planted by a sibling domain without the key is useless. SameSite=Lax is the second
 * line. The progressive-enhancement script sends the same value in `x-csrf-token`.
 */
export const CSRF_FIELD = '_csrf';
const PURPOSE = 'csrf';

export function newCsrfSeed(): string {
  return randomBytes(18).toString('base64url');
}

export function csrfToken(secrets: SecretBox, seed: string): string {
  return secrets.mac(PURPOSE, seed);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Throws FORM_EXPIRED (403, a page that says to reload) unless the request carries the seed's MAC. */
export function checkCsrf(secrets: SecretBox, seed: string | undefined, request: FastifyRequest): void {
  const body = request.body as Record<string, unknown> | undefined;
  const sent = (typeof body?.[CSRF_FIELD] === 'string' ? body[CSRF_FIELD] : undefined) ?? request.headers['x-csrf-token'];
  if (seed === undefined || typeof sent !== 'string' || !sameText(sent, csrfToken(secrets, seed))) {
    throw new AppError('FORM_EXPIRED', 'the form could not be verified (reload the page and send it again)', { field: CSRF_FIELD });
  }
}
