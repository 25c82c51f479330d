import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { BODY_LIMIT } from '../shared/body-limits.js';
import { IGNORED_FIELDS_HEADER } from '../shared/edge.js';
import type { Deps } from '../../app/deps.js';
import { actorOf, authenticate, tenantOf } from '../shared/auth.js';
import { Ok, errorResponses, ok } from './envelope.js';
import { rateLimit } from '../shared/rate-limit.js';
import { AppError } from '../../lib/app-error.js';
import { createIngestionJob, getJob } from '../../modules/tickets/index.js';
import { ingestTickets, type IngestResult } from '../../modules/tickets/index.js';
import { AsyncTicketsBody,
  JobAccepted,
  JobParams,
  JobView,
  MAX_ASYNC_BATCH,
  MAX_SYNC_BATCH,
  SyncTicketsBody,
  TicketParams,
  TicketPatchBody,
  TicketResult,
  TicketView, } from '../../modules/tickets/index.js';
import { deleteTicket, getTicket, updateTicket } from '../../modules/tickets/index.js';
import { firstStringIssueInBatch } from '../../modules/tickets/index.js';

const tags = ['Tickets'];
export const SYNC_LIMIT_PER_MINUTE = 60;

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body as received, kept by the tickets plugin's parser for its POST routes. */
    rawBody?: string;
  }
}

/**
 * In JSON text, a NUL or a lone surrogate can only arrive escaped (`\u0000`, `\ud800`…): raw
 * control characters are invalid JSON and raw UTF-8 cannot encode a lone surrogate. So a body
 * without such an escape needs no walk through its strings.
 */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/** NUL characters and lone surrogates cannot be stored: refused for the whole request, naming the field. */
function rejectBadStrings(req: FastifyRequest, _reply: unknown, done: (err?: Error) => void): void {
  if (req.rawBody !== undefined && !SUSPECT_ESCAPE.test(req.rawBody)) {
    done();
    return;
  }
  const issue = firstStringIssueInBatch(req.body);
  done(issue ? new AppError(issue.code, issue.message, { ...(issue.field ? { field: issue.field } : {}) }) : undefined);
}

function resultOf(r: IngestResult, index: number): TicketResult {
  if (!r.issue) return { ticketId: r.ticketId, status: r.status };
  const { code, message, field, details } = r.issue;
  return {
    ticketId: r.ticketId,
    status: 'ERROR',
    errors: [{ code, message, field: field ? `[${index}].${field}` : `[${index}]`, ...(details ? { details } : {}) }],
  };
}

const TICKET_RULES =
  'Each ticket names a live event (`externalReferenceEventId`; per-ticket codes `EVENT_NOT_FOUND`, `EVENT_CANCELLED`), its show ' +
  '(`showId`, required when the event has several: `SHOW_ID_REQUIRED`; `SHOW_NOT_FOUND`, `SHOW_CANCELLED`), a ticket option and optionally a price type ' +
  'of that show (`UNKNOWN_REFERENCE`). `price` is a number in major units (optional sibling `currency`) or `{amount, currency}`; the currency must be ' +
  'the event’s (`INVALID_CURRENCY`). `buyer` is an email or an object with at least one of `email`, `phone`, `id`. Re-sending an identical ticket is a ' +
  'no-op success (`UNCHANGED`); the same `ticketId` with different content is `TICKET_EXISTS` (use PUT). Ids (`ticketId`, `orderId`, …) are ' +
  'up to 200 characters, any but control characters; percent-encode them in paths.';

const UNKNOWN_FIELDS =
  'Unknown fields, at any depth, are ignored (not stored) and named in the `Encore-Ignored-Fields` response header; with `Encore-Strict: true` ' +
  'they are 400 `UNKNOWN_FIELD` for the whole request, naming the first in `field` and all in `details.fields`.';

export function ticketsRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    // Keeps the body text of ticket batches: POST /v1/tickets stores it verbatim instead of
    // serialising the parsed array again, and both POSTs scan it for suspect escapes (the same
    // parser, prototype-poisoning checks included). As at the family's edge, an empty body is no
    // body whatever its Content-Type (a DELETE sent with `application/json`).
    const defaultJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      const text = body as string; // parseAs: 'string'
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      if (req.method === 'POST') req.rawBody = text;
      void defaultJson(req, text, done);
    });

    app.post('/tickets', {
      bodyLimit: BODY_LIMIT.ticketBatch,
      preValidation: rejectBadStrings,
      schema: {
        tags,
        summary: 'Create tickets (asynchronous)',
        description:
          `Accepts 1 to ${MAX_ASYNC_BATCH} tickets, stores the batch durably with a job and answers at once with \`{jobId, accepted}\`; a worker ingests it ` +
          'and `GET /v1/jobs/{jobId}` shows progress and per-ticket errors; the `job.completed` webhook reports the counts. The body is validated as a whole ' +
          `first (400 \`VALIDATION_ERROR\` naming \`[i].field\`). ${TICKET_RULES} ${UNKNOWN_FIELDS}`,
        body: AsyncTicketsBody,
        response: { 200: Ok(JobAccepted), ...errorResponses(413) },
      },
    }, async (req, reply) => {
      // Unknown fields were taken out of the parsed batch at the edge: the text as received then
      // holds more than was validated, so the batch is stored as parsed instead.
      const raw = reply.hasHeader(IGNORED_FIELDS_HEADER) ? undefined : req.rawBody;
      return ok(await createIngestionJob(deps, actorOf(req), req.body, raw));
    });

    app.post('/sync/tickets', {
      bodyLimit: BODY_LIMIT.ticketBatch,
      onRequest: rateLimit(deps, {
        limit: SYNC_LIMIT_PER_MINUTE,
        windowMs: 60_000,
        subject: (r) => `sync-tickets:key:${tenantOf(r).keyId}`,
      }),
      preValidation: rejectBadStrings,
      schema: {
        tags,
        summary: 'Create tickets (synchronous)',
        description:
          `Ingests 1 to ${MAX_SYNC_BATCH} tickets inline and returns one result per ticket, in order: \`CREATED\`, \`UNCHANGED\` or \`ERROR\` with ` +
          `\`errors[{code, message, field}]\` (the answer is 200 even when some tickets failed). At most ${SYNC_LIMIT_PER_MINUTE} requests a minute per API key ` +
          `(429 \`RATE_LIMITED\` with \`Retry-After\`). ${TICKET_RULES} ${UNKNOWN_FIELDS}`,
        body: SyncTicketsBody,
        response: { 200: Ok(Type.Array(TicketResult)), ...errorResponses(413, 429) },
      },
    }, async (req) => {
      const results = await ingestTickets(deps, actorOf(req), req.body, { via: 'sync', validated: true });
      return ok(results.map(resultOf));
    });

    app.get('/tickets/:ticketId', {
      schema: {
        tags,
        summary: 'Get a ticket',
        description: 'Encore extension. The ticket as stored (money in major units), its status and reason, its admission if any, and its history (404 `TICKET_NOT_FOUND`).',
        params: TicketParams,
        response: { 200: Ok(TicketView), ...errorResponses(404) },
      },
    }, async (req) => ok(await getTicket(deps, tenantOf(req).tenantId, req.params.ticketId)));

    app.put('/tickets/:ticketId', {
      schema: {
        tags,
        summary: 'Update a ticket',
        description:
          'Partial update: any subset of the ticket fields; a field sent replaces the stored one (objects as a whole), `null` clears an optional one. ' +
          'A new `buyer` is an ownership change and a new `ticketAccess` replaces the access code (its version goes up): both are recorded in the history. ' +
          'Moving to another event, show, ticket option or price type is checked like a new ticket. A DELETED, CANCELLED, USED or INVALID ticket cannot change ' +
          '(409 `TICKET_DELETED`, `TICKET_CANCELLED`, `TICKET_USED`, `TICKET_INVALID`). Sends `ticket.updated` unless nothing changed. ' +
          `${UNKNOWN_FIELDS}`,
        params: TicketParams,
        body: TicketPatchBody,
        response: { 200: Ok(TicketView), ...errorResponses(404, 409) },
      },
    }, async (req) => ok(await updateTicket(deps, actorOf(req), req.params.ticketId, req.body)));

    app.delete('/tickets/:ticketId', {
      schema: {
        tags,
        summary: 'Delete a ticket',
        description:
          'The ticket becomes DELETED, irreversibly (it can no longer be updated, admitted or re-created under the same id). Deleting it again answers ' +
          '200 with the deleted ticket and changes nothing. A USED, CANCELLED or INVALID ticket cannot be deleted (409). Takes no body (a ' +
          '`Content-Type` without one is fine). Sends `ticket.deleted`.',
        params: TicketParams,
        response: { 200: Ok(TicketView), ...errorResponses(404, 409) },
      },
    }, async (req) => ok(await deleteTicket(deps, actorOf(req), req.params.ticketId)));

    app.get('/jobs/:jobId', {
      schema: {
        tags,
        summary: 'Get an ingestion job',
        description:
          'Encore extension. Status (QUEUED, RUNNING, COMPLETED, FAILED), counts and per-ticket errors (`index` in the batch, `field` as `[index].path`) ' +
          'of a `POST /v1/tickets` batch (404 `JOB_NOT_FOUND`).',
        params: JobParams,
        response: { 200: Ok(JobView), ...errorResponses(404) },
      },
    }, async (req) => ok(await getJob(deps, tenantOf(req).tenantId, req.params.jobId)));
  };
}
