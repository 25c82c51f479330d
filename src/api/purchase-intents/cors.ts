import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../app/deps.js';
import { publicOriginAllowed } from '../../flows/public-origins.js';
import { answerOptions } from '../shared/options.js';

const ALLOWED_HEADERS = 'content-type, idempotency-key, encore-strict, x-request-id';
const EXPOSED_HEADERS = 'encore-ignored-fields, x-request-id';
const MAX_AGE_SECONDS = '600';

/** `/api/public/purchaseintents/<id>/…` names an intent; `/checkout` (several, ids in the body) does not. */
function intentIdOf(request: FastifyRequest, prefix: string): string | undefined {
  const path = (request.url.split('?')[0] ?? '').slice(prefix.length);
  const first = path.split('/').filter((s) => s !== '')[0];
  if (first === undefined || first === 'checkout') return undefined;
  try {
    return decodeURIComponent(first);
  } catch {
    return undefined;
  }
}

/**
 * CORS for the public, secret-guarded endpoints (SPEC §1.1): an origin the tenant allows gets
 * `Access-Control-Allow-Origin` (never `*`: answers vary by origin) on the preflight and on the
 * answer; any other origin gets no CORS headers, so the browser withholds the answer.
 */
export function publicCors(app: FastifyInstance, deps: Deps): void {
  const allowed = async (request: FastifyRequest): Promise<string | undefined> => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || origin === '' || origin.length > 2000) return undefined;
    return (await publicOriginAllowed(deps, origin, intentIdOf(request, app.prefix))) ? origin : undefined;
  };

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method === 'OPTIONS') return;
    void reply.header('vary', 'Origin');
    const origin = await allowed(request);
    if (origin) void reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', EXPOSED_HEADERS);
  });

  answerOptions(app, 'purchaseIntents', async (request, reply, allowedMethods) => {
    void reply.header('vary', 'Origin');
    const origin = await allowed(request);
    if (!origin) return;
    void reply
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-methods', allowedMethods.join(', '))
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', MAX_AGE_SECONDS);
  });
}
