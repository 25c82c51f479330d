import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allowedMethods } from './edge.js';
import { sendErrors, type ApiFamily } from './errors.js';

/** Adds headers to an `OPTIONS` answer (the public routes' CORS preflight); `allowed` ends with OPTIONS. */
export type OptionsDecorator = (request: FastifyRequest, reply: FastifyReply, allowed: string[]) => Promise<void>;

/**
 * `OPTIONS` on any path of a family: 204 with `Allow`. API-key families never add CORS headers (a
 * key must never live in a browser, SPEC §1.1); the public routes add them through `decorate`. An
 * unknown path is the family's 404.
 */
export function answerOptions(app: FastifyInstance, family: ApiFamily, decorate?: OptionsDecorator): void {
  const answer = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const path = request.url.split('?')[0] ?? '';
    const methods = allowedMethods(app, path);
    if (methods.length === 0) return sendErrors(family, request, reply, 404, [{ code: 'ROUTE_NOT_FOUND', message: `no route ${path}` }]);
    const allowed = [...methods, 'OPTIONS'];
    void reply.header('allow', allowed.join(', '));
    if (decorate) await decorate(request, reply, allowed);
    return reply.status(204).send();
  };
  // `/*` does not match the family's own prefix (`/api/purchaseintents` is a route too).
  app.options('/', { schema: { hide: true } }, answer);
  app.options('/*', { schema: { hide: true } }, answer);
}
