import type { AsyncResource } from 'node:async_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../app/deps.js';
import { AppError } from '../../lib/app-error.js';
import { addCommitHook, runInCommitScope } from '../../db/commit-hooks.js';
import { claimKey, finishKey, markKeyCommitted, requestHash } from '../../modules/idempotency/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | null;
  }
}

const scopes = new WeakMap<FastifyRequest, AsyncResource>();

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on every authenticated POST, scoped to the tenant (ARCHITECTURE: transactions).
 * It runs after validation, so only requests that reached the business logic are remembered; their
 * answer, success or refusal, is replayed byte for byte to a retry with the same key and body.
 * The record turns COMMITTED inside the transaction of the change itself (commit hooks), so a crash
 * between that commit and storing the answer never lets a retry apply the change twice.
 */
export function registerIdempotency(app: FastifyInstance, deps: Pick<Deps, 'db' | 'clock'>): void {
  app.decorateRequest('idempotencyKey', null);
  // Every request runs in its own commit scope, so a key claimed below commits with the change.
  // The scope is re-entered once the body is parsed: Node gives no guarantee that the request
  // stream's events run in it (Fastify 5 keeps it today; this keeps it whatever the body reader does).
  app.addHook('onRequest', (request, _reply, done) => {
    scopes.set(request, runInCommitScope(done));
  });
  app.addHook('preValidation', (request, _reply, done) => {
    const scope = scopes.get(request);
    if (scope) scope.runInAsyncScope(done);
    else done();
  });

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
    addCommitHook(markKeyCommitted(request.auth.tenantId, header));
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
