import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BODY_LIMIT } from '../shared/body-limits.js';
import type { Deps } from '../../app/deps.js';
import { actorOf, authenticate } from '../shared/auth.js';
import { Ok, errorResponses, ok } from './envelope.js';
import { AdmissionAnswer, AdmissionBody, AdmissionParams, BatchAdmissionBody, BatchAdmissionReply, MAX_BATCH } from './admission.schemas.js';
import { admitBatch, admitTicket } from '../../modules/tickets/index.js';

const tags = ['Admission'];

const RULES =
  'One admission per ticket, enforced by the database: an exact repeat (same `ticketId` and `entryDate`, as a scanner retrying) is a success that ' +
  'writes nothing; a scan at another time is `ALREADY_ADMITTED` with the first entry time in `details.firstEntryDate`. A `locator` that is not the ' +
  "ticket's current access code is `ACCESS_CODE_MISMATCH`, or `ACCESS_CODE_SUPERSEDED` when it is a code a resale replaced (the seller's) " +
  '(checked first: a wrong code never opens the gate, not even as a repeat). DELETED tickets are ' +
  '`TICKET_DELETED`; CANCELLED ones `TICKET_CANCELLED` with the reason in `details.statusReason`; RESERVED and INVALID ones `TICKET_NOT_ADMISSIBLE`. ' +
  "Unknown tickets (and another integrator's) are `TICKET_NOT_FOUND`. An admission moves the ticket (VALID or LISTED) to USED and records it in the " +
  "ticket's history (`ADMITTED`) and the audit log, in one transaction, with the webhook `ticket.admitted` " +
  '(`{ticketIds: [...], admissions: [{ticketId, entryDate}]}`).';

export function admissionRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    app.post('/tickets/:ticketId/eventAdmission', {
      // The body is optional: no body at all (whatever its Content-Type, see the family's edge) is `{}`.
      preValidation: (req, _reply, done) => {
        if (req.body === undefined || req.body === null) req.body = {};
        done();
      },
      schema: {
        tags,
        summary: 'Register event admission',
        description:
          'Records the admission of one ticket at the gate. The body is optional: `entryDate` defaults to now, and without `locator` the code is not ' +
          `checked. ${RULES} Refusals are 409 (404 for an unknown ticket, 400 \`INVALID_DATE\` for a malformed \`entryDate\`). ` +
          'The answer is `data: true`, as in the reference, for a new admission and for a repeat alike; the recorded entry time is in ' +
          '`GET /v1/tickets/{ticketId}` (`admission`). Unknown fields are ignored and named in `Encore-Ignored-Fields` (400 `UNKNOWN_FIELD` with ' +
          '`Encore-Strict: true`).',
        params: AdmissionParams,
        body: AdmissionBody,
        response: { 200: Ok(AdmissionAnswer), ...errorResponses(404, 409) },
      },
    }, async (req) => {
      await admitTicket(deps, actorOf(req), req.params.ticketId, req.body);
      return ok(true as const);
    });

    app.post('/tickets/batch/eventAdmission', {
      bodyLimit: BODY_LIMIT.large,
      schema: {
        tags,
        summary: 'Register batch event admissions',
        description:
          `Records up to ${MAX_BATCH.toLocaleString('en-US')} scans at once, each decided as if sent alone and in order (a ticket twice in one batch: the ` +
          `first admissible scan admits it, a later one is a repeat or \`ALREADY_ADMITTED\`). ${RULES} Every admissible scan is recorded whatever ` +
          'the others do: the answer is 200 with `data: true` when every scan succeeded, otherwise 200 with `data: false` and one error per refused ' +
          'scan in `errors`, its `field` naming the entry (`[3].ticketId`, `[3].entryDate`, `[3].locator`) and `details.ticketId` the ticket. A body ' +
          'that is not an array of `{ticketId, entryDate, locator?}` is a 400 for the whole request. Unknown fields in an entry are ignored and named ' +
          'in `Encore-Ignored-Fields` (400 `UNKNOWN_FIELD` for the whole request with `Encore-Strict: true`). One audit row and one `ticket.admitted` ' +
          'webhook per batch (not per ticket).',
        body: BatchAdmissionBody,
        response: { 200: BatchAdmissionReply, ...errorResponses() },
      },
    }, async (req) => {
      const refusals = await admitBatch(deps, actorOf(req), req.body);
      if (refusals.length === 0) return ok(true);
      return {
        status: 200,
        data: false,
        errors: refusals.map((r) => ({ code: r.code, message: r.message, field: `[${r.index}].${r.field}`, details: r.details })),
      };
    });
  };
}
