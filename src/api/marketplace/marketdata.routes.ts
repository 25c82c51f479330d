import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';
import { getInventory, LeadBody, LeadView, listLeads, updateInventoryDetails, updateShowInventory, upsertLead, upsertLeads } from '../../modules/market-data/index.js';
import { Page } from '../shared/pagination.js';
import { marketDepth } from '../../flows/market-depth.js';
import { eraseLead } from '../../flows/lead-erasure.js';
import { actorOf, authenticate, tenantOf } from '../shared/auth.js';
import { Ok, errorResponses, ok } from './envelope.js';
import {
  ErasedView,
  InventoryBody,
  InventoryDetailsBody,
  InventoryDetailsView,
  InventoryParams,
  InventoryQuery,
  MarketDepthView,
  LeadParams,
  LeadsBulkBody,
  LeadsBulkResult,
  LeadsQuery,
  ShowInventoryView,
  StoredInventoryView,
} from './marketdata.schemas.js';

const NUMBERS =
  'Every number is optional; a field left out (or null) keeps its stored value. Negative numbers, `soldPercentage` outside 0–100, and ' +
  '`releasedTickets` or `reservedSpace` above the capacity (as stored after the change) are 400 `VALIDATION_ERROR` naming the field, and nothing is written.';

export function marketDataRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    app.put('/marketdata/events/:externalReferenceId/inventory', {
      schema: {
        tags: ['Market Data'],
        summary: 'Update event inventory',
        description:
          'The inventory of one show: capacity, released tickets, reserved space, sold out and sold percentage, as your primary sale sees it. ' +
          '`showId` is required when the event has several shows (400 `SHOW_ID_REQUIRED`). ' + NUMBERS + ' Answers the stored inventory of the show.',
        params: InventoryParams,
        querystring: InventoryQuery,
        body: InventoryBody,
        response: { 200: Ok(ShowInventoryView), ...errorResponses(404) },
      },
    }, async (req) => ok(await updateShowInventory(deps, actorOf(req), req.params.externalReferenceId, req.query.showId, req.body)));

    app.put('/marketdata/events/:externalReferenceId/inventory/details', {
      schema: {
        tags: ['Market Data'],
        summary: 'Update event inventory details',
        description:
          'The inventory per show, ticket option and price type, at most 1,000 items in one call (all stored or none). Each item names its show ' +
          '(`showId`, optional for a one-show event) and optionally a `ticketOptionId` and a `priceTypeId` of that show; the numbers are stored for ' +
          'that combination. A ticket option’s capacity given here (without a price type) is the capacity purchase intents check against. ' + NUMBERS +
          ' The body is `{items: [...]}`; a bare array of items is accepted too.',
        params: InventoryParams,
        body: InventoryDetailsBody,
        response: { 200: Ok(InventoryDetailsView), ...errorResponses(404) },
      },
    }, async (req) => ok(await updateInventoryDetails(deps, actorOf(req), req.params.externalReferenceId, Array.isArray(req.body) ? req.body : req.body.items)));

    app.get('/marketdata/events/:externalReferenceId/inventory', {
      schema: {
        tags: ['Market Data'],
        summary: 'Get event inventory (Encore extension)',
        description: 'What is stored for the event’s shows (or the one named by `showId`): each show’s own inventory (null until reported) and its details.',
        params: InventoryParams,
        querystring: InventoryQuery,
        response: { 200: Ok(StoredInventoryView), ...errorResponses(404) },
      },
    }, async (req) => ok(await getInventory(deps, tenantOf(req).tenantId, req.params.externalReferenceId, req.query.showId)));

    app.get('/marketdata/events/:externalReferenceId/depth', {
      schema: {
        tags: ['Market Data'],
        summary: 'Market depth of an event (Encore extension)',
        description:
          'Per show (or the one named by `showId`) and ticket option: the resale listings a buyer can take now (count, tickets, lowest / median / highest ' +
          'asking price per ticket, without the buyer fee), the listings held right now, the face value, the tickets sold in the last 24 hours, the median ' +
          'time from listing to sale, and the fans waiting (WISHLIST leads naming the option or the whole show).',
        params: InventoryParams,
        querystring: InventoryQuery,
        response: { 200: Ok(MarketDepthView), ...errorResponses(404) },
      },
    }, async (req) => ok(await marketDepth(deps, tenantOf(req).tenantId, req.params.externalReferenceId, req.query.showId)));

    const LEAD_RULES =
      'A lead is one fan of one show, found again by any of its identifiers (`buyer.email`, lower-cased; `buyer.phone`, E.164; `buyer.id`): sending ' +
      'it again updates it (fields left out are kept) and a change of `type` is kept in its `history`. `buyer` needs at least one identifier; a ' +
      'TICKET_HOLDER needs `ticketId` and `price`; `showId` may be left out for a one-show event; `ticketOptionId` and `priceTypeId` must be the show’s. ' +
      'A WISHLIST lead’s `price` is the most the fan will pay.';
    for (const path of ['/marketdata/users', '/marketdata/ticket-leads']) {
      app.post(path, {
        schema: {
          tags: ['Market Data'],
          summary: path === '/marketdata/users' ? 'Create a ticket lead' : 'Create a ticket lead (alias of /v1/marketdata/users)',
          description: `The four lead types of the reference (TICKET_HOLDER, ABANDONED_CART, VIRTUAL_QUEUE, WISHLIST) in one body. ${LEAD_RULES} Answers the lead with its Encore \`id\`.`,
          body: LeadBody,
          response: { 200: Ok(LeadView), ...errorResponses(404) },
        },
      }, async (req) => ok((await upsertLead(deps, actorOf(req), req.body)).lead));

      app.post(`${path}/bulk`, {
        schema: {
          tags: ['Market Data'],
          summary: 'Create ticket leads in bulk',
          description: `At most 1,000 leads of any types; each is validated and stored on its own, and the answer says per lead (by \`index\`) whether it was \`created\`, \`updated\` or refused (\`error\` with its errors, naming the field). Fields a lead body does not know are ignored. ${LEAD_RULES}`,
          body: LeadsBulkBody,
          response: { 200: Ok(LeadsBulkResult), ...errorResponses() },
        },
      }, async (req) => ok(await upsertLeads(deps, actorOf(req), req.body)));
    }

    app.get('/marketdata/users', {
      schema: {
        tags: ['Market Data'],
        summary: 'List ticket leads (Encore extension)',
        description: 'Your leads, oldest first, optionally of one event (`externalReferenceEventId`), one of its shows (`showId`) and one `type`.',
        querystring: LeadsQuery,
        response: { 200: Ok(Page(LeadView)), ...errorResponses(404) },
      },
    }, async (req) => ok(await listLeads(deps, tenantOf(req).tenantId, { ...req.query, limit: req.query.limit ?? 20, offset: req.query.offset ?? 0 })));

    app.delete('/marketdata/users/:id', {
      schema: {
        tags: ['Market Data'],
        summary: 'Erase a ticket lead (Encore extension)',
        description: 'The fan’s right to erasure: the lead and its personal data are deleted, the mails it was sent keep no address or text (one not sent yet never will be), and the audit log keeps only that a lead was erased.',
        params: LeadParams,
        response: { 200: Ok(ErasedView), ...errorResponses(404) },
      },
    }, async (req) => ok(await eraseLead(deps, actorOf(req), req.params.id)));
  };
}
