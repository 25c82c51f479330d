import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';
import { actorOf } from '../shared/auth.js';
import { addHistoryEntry, sendReservationMail, type HistoryEntryBody, type ReservationMailBody } from '../../modules/purchase-intents/index.js';
import { IntentParams, IntentResource, requestSchema } from '../../modules/purchase-intents/index.js';
import { createTicketsOfIntent } from '../../flows/purchase-intent-tickets.js';
import { CHANGE_ERRORS as ERRORS } from './intents.changes.schemas.js';

const TAGS = ['Purchase intents'];

// The reference's request bodies with Encore's size limits (intents.limits.ts).
const HistoryEntrySchema = requestSchema('POST_Purchaseintents_AddHistoryEntry');
const ReservationMailSchema = requestSchema('POST_Purchaseintents_SendAReservationMail');

/**
 * Operations on an existing purchase intent (SPEC §7): history comments, reservation mail, ticket
 * creation (services: modules/purchase-intents/intents.ops.service.ts, and the flow
 * flows/purchase-intent-tickets.ts). Cart changes are intents.items.routes.ts. Registered inside
 * `purchaseIntentRoutes`, so the same authentication hook guards them. Every change appends history,
 * bumps `__v` and sends a webhook in its transaction; changing a complete or canceled intent is a
 * 400 with the reason.
 */
export function purchaseIntentOpsRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/:id/history', {
      schema: {
        tags: TAGS,
        summary: 'Add a history entry to a purchase intent',
        description: 'A `purchaseIntent.commented` entry with `data.comment`; allowed in any status (a note changes no state). `__v` + 1.',
        params: IntentParams,
        body: HistoryEntrySchema,
        response: { 201: IntentResource, ...ERRORS },
      },
    }, async (req, reply) => reply.status(201).send(await addHistoryEntry(deps, actorOf(req), req.params.id, req.body as HistoryEntryBody)));

    app.post('/:id/reservation-mail', {
      schema: {
        tags: TAGS,
        summary: 'Send a reservation mail',
        description:
          'Queues the reservation mail in Encore’s mail outbox (`purchase_intent_mails`, status PENDING) to `email`, else the intent’s own email, and records ' +
          '`purchaseIntent.resent.mail` in the history. Only a `new`, unexpired intent.',
        params: IntentParams,
        body: ReservationMailSchema,
        response: { 201: IntentResource, ...ERRORS },
      },
    }, async (req, reply) => reply.status(201).send(await sendReservationMail(deps, actorOf(req), req.params.id, req.body as ReservationMailBody | null)));

    app.post('/:id/create-tickets', {
      schema: {
        tags: TAGS,
        summary: 'Create the tickets of a purchase intent',
        description: 'Issues the real tickets of an intent whose strategy did not (RESERVED, or VALID with `createValidTickets`). Once only; a second call is a 400.',
        params: IntentParams,
        response: { 200: IntentResource, ...ERRORS },
      },
    }, async (req) => createTicketsOfIntent(deps, actorOf(req), req.params.id));
  };
}
