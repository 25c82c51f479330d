import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../app/deps.js';
import type { Actor } from '../../modules/audit/index.js';
import { authenticateKey, type Authenticated } from '../../modules/tenants/index.js';
import { AppError } from '../../lib/app-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: Authenticated | null;
  }
}

/**
 * Reads the API key from `Authorization`, raw (`<key>`, the marketplace family's form) or as
 * `Bearer <key>` (the purchase-intent family's); both forms work on both families.
 */
export function extractKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const match = /^bearer\s+(.+)$/i.exec(trimmed);
  const key = (match ? match[1]! : trimmed).trim();
  return key === '' ? undefined : key;
}

/** onRequest hook for every authenticated route: a missing, unknown or revoked key is a 401. */
export function authenticate(deps: Pick<Deps, 'db'>): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async function (request: FastifyRequest): Promise<void> {
    const key = extractKey(request.headers.authorization);
    const auth = key ? await authenticateKey(deps, key) : undefined;
    if (!auth) throw new AppError('UNAUTHORIZED', key ? 'the API key is unknown or revoked' : 'send your API key in the Authorization header');
    request.auth = auth;
  };
}

/** The authenticated tenant; routes behind `authenticate` always have one. */
export function tenantOf(request: FastifyRequest): Authenticated {
  if (!request.auth) throw new Error('route is missing the authenticate hook');
  return request.auth;
}

export function actorOf(request: FastifyRequest): Actor {
  const auth = tenantOf(request);
  return { tenantId: auth.tenantId, keyId: auth.keyId, label: `key:${auth.keyId}` };
}
