import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';
import { actorOf } from '../shared/auth.js';
import { amendItems, replaceItems, splitIntent, type AmendItemsBody, type ReplaceItemsBody, type SplitBody } from '../../modules/purchase-intents/index.js';
import { addHistoryEntry, createTicketsOfIntent, sendReservationMail, type HistoryEntryBody, type ReservationMailBody } from '../../modules/purchase-intents/index.js';
import { IntentParams, IntentResource, requestSchema } from '../../modules/purchase-intents/index.js';

const TAGS = ['Purchase intents'];
const ERRORS = {
  400: { description: 'Bad Request: `{statusCode, error, message}`, the message naming the field or the reason the change is not allowed' },
  401: { description: 'Unauthorized: no or unknown API key' },
  404: { description: 'Not Found: no such purchase intent for this seller' },
};

// The reference's request bodies with Encore's size limits (intents.limits.ts).
const HistoryEntrySchema = requestSchema('POST_Purchaseintents_AddHistoryEntry');
const ReservationMailSchema = requestSchema('POST_Purchaseintents_SendAReservationMail');
const SplitSchema = requestSchema('POST_Purchaseintents_SplitAPurchaseIntent');
const ReplaceItemsSchema = requestSchema('PUT_Purchaseintents_UpdateAPurchaseIntentsItems');
const AmendItemsSchema = requestSchema('PATCH_Purchaseintents_AmendAPurchaseIntentsItems');

/**
 * Operations on an existing purchase intent (SPEC §7): history comments, reservation mail, ticket
 * creation, split, and cart replacement / amendment. Registered inside `purchaseIntentRoutes`, so
 * the same authentication hook guards them. Every change appends history, bumps `__v` and sends a
 * webhook in its transaction; changing a complete or canceled intent is a 400 with the reason.
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

    app.post('/:id/split', {
      schema: {
        tags: TAGS,
        summary: 'Split a purchase intent',
        description:
          'Moves the given cart tickets (by `_id`, else `ticketTypeId`; `amount` may take part of an item) to a new intent for `customerId`. Both carts are ' +
          're-priced and get a history entry; the answer is the new intent. The source must keep at least one ticket.',
        params: IntentParams,
        body: SplitSchema,
        response: { 200: IntentResource, ...ERRORS },
      },
    }, async (req) => splitIntent(deps, actorOf(req), req.params.id, req.body as SplitBody));

    app.put('/:id/items', {
      schema: {
        tags: TAGS,
        summary: 'Replace the items of a purchase intent',
        description:
          'Replaces `tickets` (and `products` when sent); availability is re-checked under the ticket-option locks as at creation. A ticket without `price` ' +
          'keeps the price of the cart item with the same `_id`, else its list price. Intents with issued tickets are amended with PATCH.',
        params: IntentParams,
        body: ReplaceItemsSchema,
        response: { 200: IntentResource, ...ERRORS },
      },
    }, async (req) => replaceItems(deps, actorOf(req), req.params.id, req.body as ReplaceItemsBody));

    app.patch('/:id/items', {
      schema: {
        tags: TAGS,
        summary: 'Amend the items of a purchase intent',
        description:
          '`$invalidateTicketRanges`: inclusive 0-based `[from, to]` ranges of the intent’s issued tickets in issue order; those become INVALID (VALID ones ' +
          'CANCELLED) and the cart loses their places, prices recomputed.',
        params: IntentParams,
        body: AmendItemsSchema,
        response: { 200: IntentResource, ...ERRORS },
      },
    }, async (req) => amendItems(deps, actorOf(req), req.params.id, req.body as AmendItemsBody));
  };
}
