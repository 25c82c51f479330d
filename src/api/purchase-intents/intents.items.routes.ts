import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';
import { actorOf } from '../shared/auth.js';
import { IntentParams, IntentResource, requestSchema, splitIntent, type AmendItemsBody, type ReplaceItemsBody, type SplitBody } from '../../modules/purchase-intents/index.js';
import { amendItems, replaceItems } from '../../flows/purchase-intent-items.js';
import { CHANGE_ERRORS as ERRORS } from './intents.changes.schemas.js';

const TAGS = ['Purchase intents'];

// The reference's request bodies with Encore's size limits (intents.limits.ts).
const SplitSchema = requestSchema('POST_Purchaseintents_SplitAPurchaseIntent');
const ReplaceItemsSchema = requestSchema('PUT_Purchaseintents_UpdateAPurchaseIntentsItems');
const AmendItemsSchema = requestSchema('PATCH_Purchaseintents_AmendAPurchaseIntentsItems');

/**
 * Cart changes of an existing purchase intent (SPEC §7): split, and cart replacement / amendment
 * (services: modules/purchase-intents/intents.items.service.ts, and the flow flows/purchase-intent-items.ts).
 * Registered inside `purchaseIntentRoutes` right after the other operations, so the same
 * authentication hook guards them. Every change appends history, bumps `__v` and sends a webhook in
 * its transaction; changing a complete or canceled intent is a 400 with the reason.
 */
export function purchaseIntentItemsRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
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
