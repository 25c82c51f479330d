import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/app-error.js';
import { errorHandlerFor, sendErrors, type ApiFamily } from './errors.js';
import { nestingDepthExceeds, stripUnknownFields } from './unknown-fields.js';

/** Deeper than any body of either reference (a ticket's `props.seating` is five levels down). */
export const MAX_NESTING_DEPTH = 32;
/** At most this many paths in `Encore-Ignored-Fields`; the header stays readable. */
const MAX_IGNORED_LISTED = 20;
export const IGNORED_FIELDS_HEADER = 'encore-ignored-fields';
export const STRICT_HEADER = 'encore-strict';

/** A client's key may hold anything; a header value holds visible ASCII only (and commas separate paths). */
function headerSafe(path: string): string {
  return path.replace(/[^\x21-\x7e]|,/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The methods some route answers on this concrete path (the router is the whole server's). */
export function allowedMethods(app: FastifyInstance, path: string): string[] {
  return METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
}

function isStrict(request: FastifyRequest): boolean {
  const v = request.headers[STRICT_HEADER];
  return typeof v === 'string' && v.trim().toLowerCase() === 'true';
}

/**
 * What every API family does the same way at its edge (SPEC §1.1); each family plugin calls this
 * once with its own name, so the envelope of every answer, framework errors included, is its own.
 */
export function installEdge(app: FastifyInstance, family: ApiFamily): void {
  app.setErrorHandler(errorHandlerFor(family));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = allowedMethods(app, path);
    if (allowed.length > 0) {
      void reply.header('allow', allowed.join(', '));
      return sendErrors(family, request, reply, 405, [{ code: 'METHOD_NOT_ALLOWED', message: `${request.method} is not allowed here; use ${allowed.join(', ')}` }]);
    }
    return sendErrors(family, request, reply, 404, [{ code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${path}` }]);
  });

  // Clients send `Content-Type: application/json` on every call, DELETE included: a request without
  // a body is a request without a body whatever its type says. A route that needs one says so
  // through its schema (400 naming `body`).
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void json(request, text, done);
  });
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    if (body.length === 0) done(null, undefined);
    else done(new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'), undefined);
  });

  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const body: unknown = request.body;
    if (body === undefined || body === null || typeof body !== 'object') return;
    if (nestingDepthExceeds(body, MAX_NESTING_DEPTH)) {
      throw new AppError('NESTING_TOO_DEEP', `the body is nested deeper than ${MAX_NESTING_DEPTH} levels`, { field: 'body' });
    }
    const schema = request.routeOptions.schema?.body;
    if (typeof schema !== 'object' || schema === null) return;
    const ignored = stripUnknownFields(schema as Record<string, unknown>, body);
    if (ignored.length === 0) return;
    if (isStrict(request)) {
      const listed = ignored.slice(0, 50);
      throw new AppError('UNKNOWN_FIELD', `unknown field${listed.length > 1 ? 's' : ''}: ${listed.join(', ')}`, {
        field: listed[0]!,
        details: { fields: listed, total: ignored.length },
      });
    }
    const listed = ignored.slice(0, MAX_IGNORED_LISTED).map(headerSafe).join(', ');
    const shown = ignored.length > MAX_IGNORED_LISTED ? `${listed}, ...(${ignored.length} in all)` : listed;
    void reply.header(IGNORED_FIELDS_HEADER, shown);
  });
}
