import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../app/deps.js';
import { actorOf, authenticate, tenantOf } from '../shared/auth.js';
import { Ok, errorResponses, ok } from './envelope.js';
import { BrowseQuery, CreateListingBody, EventParams, ListedTicketView, ListingByTicketQuery, ListingParams, ListingView, PatchListingBody, TicketParams } from '../../modules/listings/index.js';
import { getListingOfTicket, listedTickets, terminateListingOfTicket } from '../../modules/listings/index.js';
import { createListing } from '../../flows/listing-create.js';
import { changeListingPrice } from '../../flows/listing-price.js';

const RULE_REFUSALS =
  'A refusal by the RESALE rule is a 422 naming the setting and its limit in `details` (`RESALE_DISABLED`, `RESALE_NOT_OPEN`, `RESALE_CLOSED`, ' +
  '`PRICE_BELOW_MINIMUM`, `PRICE_ABOVE_MAXIMUM`, `PRICE_ABOVE_MARKUP_CAP`, `TOO_MANY_TICKETS_IN_LISTING`).';

export function listingsRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    app.post('/marketplace/listings', {
      schema: {
        tags: ['Marketplace'],
        summary: 'List tickets for resale (Encore extension)',
        description:
          'For integrators that build their own selling flow. The seller (`sellerEmail`, the tickets’ current owner) lists one ticket (SINGLE) or several ' +
          'tickets of one order, show, ticket option and price type together (PACK), at `price` per ticket. Fees come from the FEES rule (or the tenant’s ' +
          'defaults) and are computed once. ' + RULE_REFUSALS + ' A ticket that is not VALID is refused with its status (`TICKET_NOT_LISTABLE`, ' +
          '`TICKET_ALREADY_LISTED`); a ticket of someone else is `NOT_TICKET_OWNER`. Sends `listing.created`.',
        body: CreateListingBody,
        response: { 200: Ok(ListingView), ...errorResponses(404, 409, 422) },
      },
    }, async (req) => ok(await createListing(deps, actorOf(req), req.body)));

    app.patch('/marketplace/listings/:listingId', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Change a listing’s price',
        description: 'Only an ACTIVE listing (not held by a buyer). The RESALE rule is checked again and the fees recomputed. ' + RULE_REFUSALS + ' Sends `listing.updated`.',
        params: ListingParams,
        body: PatchListingBody,
        response: { 200: Ok(ListingView), ...errorResponses(404, 409, 422) },
      },
    }, async (req) => ok(await changeListingPrice(deps, actorOf(req), req.params.listingId, req.body.price)));

    app.get('/marketplace/listings/ticket/:ticketId', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Get the listing of a ticket',
        description: 'The ticket’s open listing, or else its newest one (SOLD, TERMINATED); with `sellerEmail`, only that seller’s. 404 `LISTING_NOT_FOUND` when there is none.',
        params: TicketParams,
        querystring: ListingByTicketQuery,
        response: { 200: Ok(ListingView), ...errorResponses(404) },
      },
    }, async (req) => ok(await getListingOfTicket(deps, tenantOf(req).tenantId, req.params.ticketId, req.query.sellerEmail)));

    app.delete('/marketplace/items/ticket/:ticketId', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Terminate the listing of a ticket',
        description: 'Ends the ticket’s open listing (TERMINATED); its tickets are VALID again and can be listed later. A listing held by a buyer right now is 409 `LISTING_NOT_ACTIVE`. Sends `listing.deleted`.',
        params: TicketParams,
        response: { 200: Ok(ListingView), ...errorResponses(404, 409) },
      },
    }, async (req) => ok(await terminateListingOfTicket(deps, actorOf(req), req.params.ticketId)));

    app.get('/marketplace/items/events/:eventId/listedTickets', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Get the listed tickets of an event',
        description: 'Listings a buyer can take now (not held), cheapest first (price + fees per ticket), optionally of one show; paged with `limit` (1..100, default 50) and `offset`.',
        params: EventParams,
        querystring: BrowseQuery,
        response: { 200: Ok(Type.Object({ items: Type.Array(ListedTicketView), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() })), ...errorResponses(404) },
      },
    }, async (req) =>
      ok(await listedTickets(deps, tenantOf(req).tenantId, { eventId: req.params.eventId, showId: req.query.showId, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 })),
    );
  };
}
