import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../app/deps.js';
import { signInRoutes } from '../sign-in/sign-in.routes.js';
import { buyPageRoutes } from './buy/buy.routes.js';
import { checkoutPageRoutes } from './checkout/checkout.routes.js';
import { listingRoutes } from './listing/listing.routes.js';
import { myTicketsRoutes } from './my-tickets/my-tickets.routes.js';
import { payoutDetailsRoutes } from './payout-details/payout-details.routes.js';
import { piCheckoutRoutes } from './pi-checkout/pi-checkout.routes.js';
import { sellOrderRoutes } from './sell-order/sell-order.routes.js';
import { sellTicketRoutes } from './sell-ticket/sell-ticket.routes.js';
import { transferRoutes } from './transfer/transfer.routes.js';

/**
 * Every page under `/{lang}/`, one plugin per page folder (handler + view + messages). The URLs are
 * the ones the URL builder hands out (modules/marketplace-urls).
 */
export function pageRoutes(deps: Deps, secure: boolean): FastifyPluginAsync {
  return async (app) => {
    await app.register(signInRoutes(deps, secure));
    await app.register(buyPageRoutes(deps));
    await app.register(checkoutPageRoutes(deps));
    await app.register(sellTicketRoutes(deps));
    await app.register(listingRoutes(deps));
    await app.register(sellOrderRoutes(deps));
    await app.register(myTicketsRoutes(deps));
    await app.register(payoutDetailsRoutes(deps));
    await app.register(piCheckoutRoutes(deps));
    await app.register(transferRoutes(deps));
  };
}
