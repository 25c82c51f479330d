import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { BODY_LIMIT } from '../shared/body-limits.js';
import type { Deps } from '../../app/deps.js';
import { Ok, ErrorEnvelope, ok } from './envelope.js';
import { getCheckout, IntentionParams, IntentionView, OrderView, PayBody, PayResultView, SecretQuery } from '../../modules/orders/index.js';
import { payIntention } from '../../flows/resale-purchase.js';

/**
 * The checkout page's API: no API key (the fan's browser calls it), guarded by the secret of the
 * intention's paymentUrl. A wrong secret is the same 404 as an unknown intention.
 */
export function checkoutRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const errors = { 400: ErrorEnvelope, 404: ErrorEnvelope, 409: ErrorEnvelope };

    app.get('/checkout/:intentionId', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Read a checkout (the hosted checkout page)',
        description: 'The buy intention and, once paid, its order. No API key: `secret` is the `secret` query parameter of the paymentUrl.',
        security: [],
        params: IntentionParams,
        querystring: SecretQuery,
        response: { 200: Ok(Type.Object({ intention: IntentionView, order: Type.Union([OrderView, Type.Null()]) })), ...errors },
      },
    }, async (req) => ok(await getCheckout(deps, req.params.intentionId, req.query.secret)));

    app.post('/checkout/:intentionId/pay', {
      bodyLimit: BODY_LIMIT.anonymous,
      schema: {
        tags: ['Marketplace'],
        summary: 'Pay a buy intention (the hosted checkout page)',
        description:
          'Charges the card through the payment provider (the built-in `sandbox`: 4242424242424242 succeeds, 4000000000000002 is declined, ' +
          '4000000000000259 fails after a delay, 4000000000003253 succeeds after a delay) and, when paid, settles the purchase in one transaction: order, listings SOLD, the buyer becomes each ' +
          'ticket’s owner (the seller’s access code stops working), seller payouts scheduled. A declined card is an answer, not an error ' +
          '(`payment.status` DECLINED or FAILED; the hold stays and another card can be tried). A payment after the hold expired completes if the ' +
          'listings are still free (`order.outcome` PAID_AFTER_HOLD_EXPIRED); when another buyer holds them, or they were re-priced or withdrawn, it is refused ' +
          'before any charge (409 LISTING_UNAVAILABLE, `details.listingIds`); only a listing taken while the card is being charged is refunded (`order.outcome` REFUNDED_LISTINGS_UNAVAILABLE). Repeating a finished payment answers the same result and ' +
          'charges nothing. No API key: `secret` guards it (a wrong one is 404).',
        security: [],
        params: IntentionParams,
        body: PayBody,
        response: { 200: Ok(PayResultView), ...errors },
      },
    }, async (req) => ok(await payIntention(deps, req.params.intentionId, req.body)));
  };
}
