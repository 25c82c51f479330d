import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../app/deps.js';
import { actorOf, authenticate, tenantOf } from '../shared/auth.js';
import { Ok, errorResponses, ok } from './envelope.js';
import { Page, pageOf } from '../shared/pagination.js';
import { Delivery, DeliveriesQuery, Endpoint, EndpointBody, EndpointParams } from './webhooks.schemas.js';
import { createEndpoint, deleteEndpoint, getEndpoint, listDeliveries, listEndpoints, redeliver, replaceEndpoint } from '../../modules/webhooks/index.js';

const tags = ['Webhooks'];

export function webhooksRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    app.get('/webhooks', {
      schema: { tags, summary: 'List webhook endpoints', response: { 200: Ok(Type.Array(Endpoint)), ...errorResponses() } },
    }, async (req) => ok(await listEndpoints(deps, tenantOf(req).tenantId)));

    app.post('/webhooks', {
      schema: {
        tags,
        summary: 'Create a webhook endpoint',
        description:
          'Registers a URL that receives signed webhooks (`encore-signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, `encore-event-id`). The response ' +
          'carries the signing secret. Each webhook is POSTed as `{"message": {"family", "action", "type"?, "data"}}`, where `action` is ' +
          '`<family>.<verb>` as menta documents it (`listing.created`, `ticket.updated`, `event.unlock`, `payouts.delivered`, `job.completed`) and is ' +
          'also the delivery\'s `eventType`, the value `eventTypes` filters on. Unknown fields are ignored and named in `Encore-Ignored-Fields` ' +
          '(400 `UNKNOWN_FIELD` with `Encore-Strict: true`).',
        body: EndpointBody,
        response: { 200: Ok(Endpoint), ...errorResponses() },
      },
    }, async (req) => ok(await createEndpoint(deps, actorOf(req), req.body)));

    app.get('/webhooks/:id', {
      schema: { tags, summary: 'Get a webhook endpoint', params: EndpointParams, response: { 200: Ok(Endpoint), ...errorResponses(404) } },
    }, async (req) => ok(await getEndpoint(deps, tenantOf(req).tenantId, req.params.id)));

    app.put('/webhooks/:id', {
      schema: {
        tags,
        summary: 'Replace a webhook endpoint',
        description: 'Full replace: absent `eventTypes` means all events, absent `enabled` means enabled.',
        params: EndpointParams,
        body: EndpointBody,
        response: { 200: Ok(Endpoint), ...errorResponses(404) },
      },
    }, async (req) => ok(await replaceEndpoint(deps, actorOf(req), req.params.id, req.body)));

    app.delete('/webhooks/:id', {
      schema: {
        tags,
        summary: 'Delete a webhook endpoint',
        description: 'Deletes the endpoint and its delivery log; pending retries are dropped.',
        params: EndpointParams,
        response: { 200: Ok(Type.Object({ id: Type.String(), deleted: Type.Literal(true) })), ...errorResponses(404) },
      },
    }, async (req) => ok(await deleteEndpoint(deps, actorOf(req), req.params.id)));

    app.get('/webhooks/:id/deliveries', {
      schema: {
        tags,
        summary: 'List deliveries of a webhook endpoint',
        description: 'Newest first, each with its attempt log.',
        params: EndpointParams,
        querystring: DeliveriesQuery,
        response: { 200: Ok(Page(Delivery)), ...errorResponses(404) },
      },
    }, async (req) => ok(await listDeliveries(deps, tenantOf(req).tenantId, req.params.id, pageOf(req.query), req.query.status)));

    app.post('/webhooks/deliveries/:id/redeliver', {
      schema: {
        tags,
        summary: 'Send a delivery again',
        description: 'Queues the same body (same `encore-event-id`) for immediate delivery, whatever the delivery state.',
        params: EndpointParams,
        response: { 200: Ok(Delivery), ...errorResponses(404) },
      },
    }, async (req) => ok(await redeliver(deps, actorOf(req), req.params.id)));
  };
}
