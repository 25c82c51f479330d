import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';
import { actorOf, authenticate, tenantOf } from '../shared/auth.js';
import { ApprovalSchema,
  CreateIntentSchema,
  IntentList,
  IntentParams,
  IntentResource,
  ListQuery,
  PatchIntentSchema,
  SearchQuery,
  type ApprovalBody,
  type CreateIntentBody,
  type PatchIntentBody, } from '../../modules/purchase-intents/index.js';
import { purchaseIntentItemsRoutes } from './intents.items.routes.js';
import { purchaseIntentOpsRoutes } from './intents.ops.routes.js';
import { cancelIntent, getIntent, listIntents, searchIntent, setApproval, updateIntent } from '../../modules/purchase-intents/index.js';
import { createIntent } from '../../flows/purchase-intent-create.js';

const TAGS = ['Purchase intents'];
const ERRORS = {
  400: { description: 'Bad Request: `{statusCode, error, message}`, the message naming the field' },
  401: { description: 'Unauthorized: no or unknown API key' },
  404: { description: 'Not Found: no such purchase intent for this seller' },
};

/**
 * The purchase-intent API of SPEC §7 on absolute paths (`/api/purchaseintents…`, no `/v1`): request
 * and response schemas are the reference's own (intents.schemas.ts), errors `{statusCode, error, message}`.
 */
export function purchaseIntentRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    app.get('/', {
      schema: {
        tags: TAGS,
        summary: 'Get all purchase intents',
        description: 'Oldest first, filtered by any of the query fields; `top` (1..1000, default 25) and `skip` page the `{rows, total}` result.',
        querystring: ListQuery,
        response: { 200: IntentList, 400: ERRORS[400], 401: ERRORS[401] },
      },
    }, async (req) => listIntents(deps, tenantOf(req).tenantId, req.query));

    app.post('/', {
      schema: {
        tags: TAGS,
        summary: 'Create a purchase intent',
        description:
          '`eventId` names one show: its Encore id (`shw_…`), or the event’s externalReferenceId when the event has one show. Each cart ticket’s ' +
          '`ticketTypeId` is a ticket option (`ticketId`) of that show. The strategy (`strategyId`, else the event’s `configuration.defaultPurchaseIntentStrategyId`, ' +
          'else the default: approved, no availability check, no expiry, cancellation allowed) sets `approvalStatus`, `expiresAt` and the availability check: ' +
          'with `checkAvailability` the ticket option’s capacity minus its live tickets and the places held by open intents must cover the cart (else 400). ' +
          '`regularPrice` is the cart at the ticket options’ list prices, `realPrice` at the cart’s prices; `innerCharge`/`outerCharge` are 0.',
        body: CreateIntentSchema,
        response: { 201: IntentResource, 400: ERRORS[400], 401: ERRORS[401] },
      },
    }, async (req, reply) => reply.status(201).send(await createIntent(deps, actorOf(req), req.body as CreateIntentBody)));

    app.get('/search', {
      schema: {
        tags: TAGS,
        summary: 'Search a purchase intent by id and secret',
        description: 'The intent whose `_id` and `secret` both match; a wrong secret is a 404, like an unknown id.',
        querystring: SearchQuery,
        response: { 200: IntentResource, ...ERRORS },
      },
    }, async (req) => searchIntent(deps, tenantOf(req).tenantId, req.query.id, req.query.secret));

    app.get('/:id', {
      schema: { tags: TAGS, summary: 'Get a purchase intent', params: IntentParams, response: { 200: IntentResource, ...ERRORS } },
    }, async (req) => getIntent(deps, tenantOf(req).tenantId, req.params.id));

    app.patch('/:id', {
      schema: {
        tags: TAGS,
        summary: 'Update a purchase intent',
        description: 'Changes `expiresAt` (null: never expires) of a `new` intent; adds a `purchaseIntent.updated` history entry and increments `__v`.',
        params: IntentParams,
        body: PatchIntentSchema,
        response: { 200: IntentResource, ...ERRORS },
      },
    }, async (req) => updateIntent(deps, actorOf(req), req.params.id, req.body as PatchIntentBody));

    app.post('/:id/cancel', {
      schema: {
        tags: TAGS,
        summary: 'Cancel a purchase intent',
        description: 'A `new` intent becomes `canceled` and its places are released; a complete or already canceled intent is a 400 with the reason.',
        params: IntentParams,
        response: { 200: IntentResource, ...ERRORS },
      },
    }, async (req) => cancelIntent(deps, actorOf(req), req.params.id));

    app.post('/:id/approval', {
      schema: {
        tags: TAGS,
        summary: 'Set the approval status of a purchase intent',
        description:
          '`approvalStatus` awaiting|approved|rejected (with an optional `rejectionReason` when rejected; with another status a reason is ignored, as in the reference’s own example). Only a `new` intent; anything else is a 400. ' +
          'The status it already has is an idempotent 200: no history entry, no webhook, `__v` unchanged (a new `rejectionReason` on a rejected intent ' +
          'replaces the reason, as an update).',
        params: IntentParams,
        body: ApprovalSchema,
        response: { 200: IntentResource, ...ERRORS },
      },
    }, async (req) => setApproval(deps, actorOf(req), req.params.id, req.body as ApprovalBody));

    // History, reservation mail, create-tickets, then split and items: same auth hook (registered after it).
    await app.register(purchaseIntentOpsRoutes(deps));
    await app.register(purchaseIntentItemsRoutes(deps));
  };
}
