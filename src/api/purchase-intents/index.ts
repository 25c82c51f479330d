import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../app/deps.js';
import { installEdge } from '../shared/edge.js';
import { answerOptions } from '../shared/options.js';
import { publicCors } from './cors.js';
import { purchaseIntentRoutes } from './intents.routes.js';
import { publicPurchaseIntentRoutes } from './intents.public.routes.js';
import { strategiesRoutes } from './strategies.routes.js';

/**
 * The purchase-intent API (SPEC §1, §7), mounted at `/api`: the API-key routes under
 * `/purchaseintents` and the secret-guarded ones under `/public/purchaseintents`, each with the
 * family's envelope, edge and not-found handling; only the public ones answer CORS.
 */
export function purchaseIntentsApi(deps: Deps): FastifyPluginAsync {
  return async (app) => {
    await app.register(async (priv) => {
      installEdge(priv, 'purchaseIntents');
      answerOptions(priv, 'purchaseIntents');
      await priv.register(strategiesRoutes(deps));
      await priv.register(purchaseIntentRoutes(deps));
    }, { prefix: '/purchaseintents' });
    await app.register(async (pub) => {
      installEdge(pub, 'purchaseIntents');
      publicCors(pub, deps);
      await pub.register(publicPurchaseIntentRoutes(deps));
    }, { prefix: '/public/purchaseintents' });
  };
}
