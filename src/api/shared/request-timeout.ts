import type { FastifyInstance } from 'fastify';
import { errorBody, familyOfPath } from './errors.js';

/**
 * A request must arrive whole within `ms` (issue 9, item 14). Node's own `requestTimeout` stops
 * watching a request once its handler runs, so a body trickled a byte at a time would hold the
 * connection (and a body buffer) forever. Here a timer per request answers 408 in the family's
 * envelope and closes the connection if the body is still incomplete when it fires; a request
 * whose body has arrived is never cut, however long its handler takes.
 */
export function limitRequestTime(app: FastifyInstance, ms: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    const timer = setTimeout(() => {
      if (raw.complete || reply.raw.headersSent) return;
      const body = JSON.stringify(
        errorBody(familyOfPath(request.url), 408, [{ code: 'REQUEST_TIMEOUT', message: `the request did not arrive within ${Math.round(ms / 1000)} s` }], request.id),
      );
      reply.raw.writeHead(408, { 'content-type': 'application/json; charset=utf-8', connection: 'close', 'content-length': Buffer.byteLength(body) });
      reply.raw.end(body, () => raw.destroy());
      request.log.warn({ ms }, 'request body too slow: cut off');
    }, ms);
    timer.unref();
    reply.raw.once('close', () => clearTimeout(timer));
    done();
  });
}
