import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../app/deps.js';
import { answerOptions } from '../shared/options.js';
import { installEdge } from '../shared/edge.js';
import { accessLayerRoutes } from './access-layer.routes.js';
import { admissionRoutes } from './admission.routes.js';
import { authTokensRoutes } from './auth-tokens.routes.js';
import { buyIntentionRoutes } from './buy-intentions.routes.js';
import { checkoutRoutes } from './checkout.routes.js';
import { eventsRoutes } from './events.routes.js';
import { listingsRoutes } from './listings.routes.js';
import { marketDataRoutes } from './marketdata.routes.js';
import { payoutAccountsRoutes } from './payout-accounts.routes.js';
import { saleUrlRoutes } from './sale-url.routes.js';
import { ticketsRoutes } from './tickets.routes.js';
import { marketplaceUrlsRoutes } from './urls.routes.js';
import { webhooksRoutes } from './webhooks.routes.js';

/**
 * The marketplace integration API (`/v1`, SPEC §1): one plugin that owns the family's envelope,
 * error and not-found handling, body parsing and forgiving edge; every resource's routes inside.
 */
export function marketplaceApi(deps: Deps): FastifyPluginAsync {
  return async (app) => {
    installEdge(app, 'marketplace');
    answerOptions(app, 'marketplace');
    await app.register(eventsRoutes(deps));
    await app.register(webhooksRoutes(deps));
    await app.register(ticketsRoutes(deps));
    await app.register(admissionRoutes(deps));
    await app.register(saleUrlRoutes(deps));
    await app.register(listingsRoutes(deps));
    await app.register(buyIntentionRoutes(deps));
    await app.register(checkoutRoutes(deps));
    await app.register(payoutAccountsRoutes(deps));
    await app.register(marketplaceUrlsRoutes(deps));
    await app.register(authTokensRoutes(deps));
    await app.register(marketDataRoutes(deps));
    await app.register(accessLayerRoutes(deps));
  };
}
