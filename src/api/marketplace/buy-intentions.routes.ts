import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../app/deps.js';
import { actorOf, authenticate, tenantOf } from '../shared/auth.js';
import { Ok, errorResponses, ok } from './envelope.js';
import { BuyIntentionBody, CheckoutUrlBody, CheckoutUrlQuery, IntentionParams, IntentionView, OrderView } from '../../modules/orders/index.js';
import { getBuyIntention } from '../../modules/orders/index.js';
import { createBuyIntention, createCheckoutUrl } from '../../flows/buy-intention.js';

const HOLD =
  'The listings are held for the tenant’s hold time (10 minutes by default), all or none: a listing that is not ACTIVE, or that an unexpired hold ' +
  'holds, is 409 `LISTING_UNAVAILABLE` (naming the listings in `details.listingIds`) and nothing is reserved.';

export function buyIntentionRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    app.post('/marketplace/buyingflow/buyIntention', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Create a buy intention',
        description:
          'Reserves listings (of one show) for `user`. ' + HOLD + ' Answers the intention with its money (price, fees, total, summed from the ' +
          'listings’ stored per-ticket figures) and `paymentUrl`, the hosted checkout page (its `secret` is shown only here). A buyer cannot buy ' +
          'their own listing (409 `OWN_LISTING`).',
        body: BuyIntentionBody,
        response: { 200: Ok(IntentionView), ...errorResponses(404, 409) },
      },
    }, async (req) => ok(await createBuyIntention(deps, actorOf(req), req.body)));

    app.get('/marketplace/buyingflow/buyIntention/:intentionId', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Get a buy intention and its order (Encore extension)',
        params: IntentionParams,
        response: { 200: Ok(Type.Object({ intention: IntentionView, order: Type.Union([OrderView, Type.Null()]) })), ...errorResponses(404) },
      },
    }, async (req) => ok(await getBuyIntention(deps, tenantOf(req).tenantId, req.params.intentionId)));

    app.post('/marketplace/checkout/url', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Create a marketplace checkout URL',
        description:
          'Creates the same reservation as a buy intention, for listings of one event, show and ticket option (a PACK is bought whole), and ' +
          'answers the hosted checkout page’s URL. ' + HOLD + ' With `loginTrust[withMethod]=email&loginTrust[user]=…` the buyer is known and ' +
          'signed in on the page (a one-time token is appended); otherwise the page asks for their email.',
        querystring: CheckoutUrlQuery,
        body: CheckoutUrlBody,
        response: { 200: Ok(Type.String({ format: 'uri' })), ...errorResponses(404, 409) },
      },
    }, async (req) =>
      ok(
        await createCheckoutUrl(deps, actorOf(req), {
          listingIds: req.body.listingIds,
          lang: req.query.lang,
          loginTrust: { withMethod: req.query['loginTrust[withMethod]'], user: req.query['loginTrust[user]'] },
        }),
      ),
    );
  };
}
