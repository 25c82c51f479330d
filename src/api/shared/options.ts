import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allowedMethods } from './edge.js';
import { sendErrors, type ApiFamily } from './errors.js';

/**
 * `OPTIONS` on any path of an API-key family: 204 with `Allow`, never CORS headers (a key must never
 * live in a browser, SPEC §1.1). An unknown path is the family's 404.
 */
export function answerOptions(app: FastifyInstance, family: ApiFamily): void {
  const answer = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const path = request.url.split('?')[0] ?? '';
    const methods = allowedMethods(app, path);
    if (methods.length === 0) return sendErrors(family, request, reply, 404, [{ code: 'ROUTE_NOT_FOUND', message: `no route ${path}` }]);
    return reply.status(204).header('allow', [...methods, 'OPTIONS'].join(', ')).send();
  };
  // `/*` does not match the family's own prefix (`/api/purchaseintents` is a route too).
  app.options('/', { schema: { hide: true } }, answer);
  app.options('/*', { schema: { hide: true } }, answer);
}
