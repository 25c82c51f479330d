import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../app/deps.js';
import { AppError } from '../lib/app-error.js';
import { claimKey, finishKey, requestHash } from '../modules/idempotency/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | null;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on every authenticated POST, scoped to the tenant (ARCHITECTURE: transactions).
 * It runs after validation, so only requests that reached the business logic are remembered; their
 * answer, success or refusal, is replayed byte for byte to a retry with the same key and body.
 */
export function registerIdempotency(app: FastifyInstance, deps: Pick<Deps, 'db' | 'clock'>): void {
  app.decorateRequest('idempotencyKey', null);

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || !request.auth || header === undefined) return;
    if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
      throw new AppError('VALIDATION_ERROR', 'Idempotency-Key must be 1 to 255 visible ASCII characters', { field: 'Idempotency-Key' });
    }
    const claim = await claimKey(deps, request.auth.tenantId, header, requestHash(request.method, request.url, request.body));
    if (claim.kind === 'replay') {
      await reply.status(claim.status).header('idempotent-replayed', 'true').type('application/json; charset=utf-8').send(claim.body);
      return reply;
    }
    request.idempotencyKey = header;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (key && request.auth) {
      request.idempotencyKey = null;
      await finishKey(deps, request.auth.tenantId, key, reply.statusCode, typeof payload === 'string' ? payload : JSON.stringify(payload));
    }
    return payload;
  });
}
