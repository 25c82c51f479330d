import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../app/deps.js';
import { authenticate, tenantOf } from '../shared/auth.js';
import { Ok, errorResponses, ok } from './envelope.js';
import { SalePublicUrlQuery } from './sale-url.schemas.js';
import { salePublicUrl } from '../../flows/marketplace-urls.js';

export function saleUrlRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    app.get('/events/tickets/salePublicUrl', {
      schema: {
        tags: ['Tickets'],
        summary: 'Get the public sale URL of a ticket',
        description:
          'The URL of the resale marketplace page of the ticket’s show, filtered to this ticket, for sharing (social media, messages): ' +
          '`{PUBLIC_URL}/{lang}/marketplace/shows/{shw_…}?ticketId={ticketId}`, every part percent-encoded. `lang` is negotiated (any BCP 47 tag; ' +
          'your default language otherwise); an unknown ticket (or another integrator’s) is 404 `TICKET_NOT_FOUND`. The URL is the same whatever the ' +
          'ticket’s state; the page says whether it is on sale.',
        querystring: SalePublicUrlQuery,
        response: { 200: Ok(Type.String({ format: 'uri', examples: ['https://encore.example/es/marketplace/shows/shw_01jg…?ticketId=T-1001'] })), ...errorResponses(404) },
      },
    }, async (req) => ok(await salePublicUrl(deps, tenantOf(req).tenantId, req.query.ticketId, req.query.lang)));
  };
}
