import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';
import { actorOf, authenticate } from '../shared/auth.js';
import { Ok, errorResponses, ok } from './envelope.js';
import { BuyingFlowQuery, SellDetailsQuery, SellOrderQuery, SellTicketQuery, UrlData, commonOf } from './urls.schemas.js';
import { buyingFlowUrl, sellDetailsUrl, sellOrderUrl, sellTicketUrl } from '../../flows/marketplace-urls.js';

// Said once for the four endpoints (the rules live in lib/urls.ts and ADR 0008).
const COMMON =
  ' `lang` is `es` (the default) or `en`. A `returnTo` that is not an absolute http(s) URL is 400 `VALIDATION_ERROR`; one off your allowed ' +
  'return origins is 400 `RETURN_TO_NOT_ALLOWED`. Login trust: `loginTrust[withMethod]=email&loginTrust[user]=<email>` adds a one-time token ' +
  '(`oneTimeToken=`, valid once, for 10 minutes) that signs the fan in; give both or neither (400 `VALIDATION_ERROR` naming the missing one). ' +
  'Path segments are Encore’s own ids; your ids travel in the query.';

export function marketplaceUrlsRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    app.get('/marketplace/buyingflow/url/entrypoint', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Get the buying flow URL of a show',
        description:
          'The resale marketplace page of a show: `{PUBLIC_URL}/{lang}/marketplace/shows/{shw_…}?ticketOptionId=…&returnTo=…`. Unknown event 404 ' +
          '`EVENT_NOT_FOUND`, unknown show 404 `SHOW_NOT_FOUND`; a `ticketOptionId` that is not one of the show’s is 400 `UNKNOWN_REFERENCE`.' + COMMON,
        querystring: BuyingFlowQuery,
        response: { 200: Ok(UrlData), ...errorResponses(404) },
      },
    }, async (req) => {
      const q = req.query;
      return ok(await buyingFlowUrl(deps, actorOf(req), { ...commonOf(q), externalReferenceEventId: q.externalReferenceEventId, showId: q.showId, ticketOptionId: q.ticketOptionId }));
    });

    app.get('/marketplace/sellingflow/url/entrypoint', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Get the URL to start selling a ticket',
        description:
          'The page where the fan lists one ticket: `{PUBLIC_URL}/{lang}/marketplace/shows/{shw_…}/sell?ticketId=…`. An unknown ticket (or another ' +
          'integrator’s) is 404 `TICKET_NOT_FOUND`.' + COMMON,
        querystring: SellTicketQuery,
        response: { 200: Ok(UrlData), ...errorResponses(404) },
      },
    }, async (req) => ok(await sellTicketUrl(deps, actorOf(req), { ...commonOf(req.query), ticketId: req.query.ticketId })));

    app.get('/marketplace/sellingflow/url/order/entrypoint', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Get the URL to start selling an order',
        description:
          'The page where the fan lists the tickets of one primary-sale order (the tickets you sent with this `orderId`): ' +
          '`{PUBLIC_URL}/{lang}/marketplace/tenants/{ten_…}/sell?orderId=…` (an order may span shows, so the page is named by your tenant id). ' +
          'An order with no tickets is 404 `ORDER_NOT_FOUND`.' + COMMON,
        querystring: SellOrderQuery,
        response: { 200: Ok(UrlData), ...errorResponses(404) },
      },
    }, async (req) => ok(await sellOrderUrl(deps, actorOf(req), { ...commonOf(req.query), orderId: req.query.orderId })));

    app.get('/marketplace/sellingflow/details/url', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Get the URL of a ticket’s listing',
        description:
          'The page where the seller sees and manages the ticket’s newest listing, whatever its status: `{PUBLIC_URL}/{lang}/marketplace/listings/{lst_…}`. ' +
          'With `sellerEmail`, only a listing by that seller counts. An unknown ticket is 404 `TICKET_NOT_FOUND`; a ticket without a listing 404 ' +
          '`LISTING_NOT_FOUND`.' + COMMON,
        querystring: SellDetailsQuery,
        response: { 200: Ok(UrlData), ...errorResponses(404) },
      },
    }, async (req) => ok(await sellDetailsUrl(deps, actorOf(req), { ...commonOf(req.query), ticketId: req.query.ticketId, sellerEmail: req.query.sellerEmail })));
  };
}
