import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import formatsPlugin from 'ajv-formats';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { handleError, sendErrors } from '../http/errors.js';
import { registerIdempotency } from '../http/idempotency.js';
import { docsRoutes } from '../modules/docs/index.js';
import { eventsRoutes } from '../modules/events/index.js';
import { admissionRoutes } from '../modules/tickets/admission.routes.js';
import { ticketsRoutes } from '../modules/tickets/index.js';
import { saleUrlRoutes } from '../modules/tickets/sale-url.routes.js';
import { listingsRoutes } from '../modules/listings/index.js';
import { buyingRoutes } from '../modules/buying/index.js';
import { checkoutRoutes } from '../flows/checkout.routes.js';
import { authTokensRoutes } from '../modules/auth-tokens/index.js';
import { marketplaceUrlsRoutes } from '../modules/marketplace-urls/index.js';
import { webhooksRoutes } from '../modules/webhooks/index.js';
import { purchaseIntentRoutes, strategiesRoutes } from '../modules/purchase-intents/index.js';
import { publicPurchaseIntentRoutes } from '../modules/purchase-intents/intents.public.routes.js';
import type { Deps } from './deps.js';

export type App = FastifyInstance;

function makeAjv(coerce: boolean): Ajv {
  // removeAdditional: false — an unknown field is reported, never silently dropped.
  const ajv = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    allErrors: false,
    strict: false,
  });
  // ajv-formats is CommonJS; its default export arrives wrapped under ESM.
  const addFormats = (formatsPlugin as unknown as { default: (a: Ajv) => Ajv }).default ?? formatsPlugin;
  addFormats(ajv);
  return ajv;
}

export async function buildApp(deps: Deps, opts: { logger?: boolean | object } = {}): Promise<App> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 32 * 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Types are coerced only where HTTP gives strings (query, params, headers); JSON bodies must be exact.
  const bodyAjv = makeAjv(false);
  const stringAjv = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : stringAjv).compile(schema));

  app.decorateRequest('auth', null);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerIdempotency(app, deps);
  app.setErrorHandler((error, request, reply) => handleError(error as Error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendErrors(request, reply, 404, [{ code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` }]),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Encore API',
        version: '1.0.0',
        description:
          'Encore: the open ticketing platform for resale and reservations. The marketplace integration API lives under `/v1` ' +
          '(envelope `{status, data, errors}`); the purchase-intent API under `/api/purchaseintents` (resources as-is, errors ' +
          '`{statusCode, error, message}`). Authenticate with `Authorization: <api key>` or `Authorization: Bearer <api key>`.',
      },
      servers: [{ url: deps.config.publicUrl }],
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Your Encore API key, raw or as `Bearer <key>`' },
        },
      },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'Events', description: 'The event catalogue: events, shows, ticket options, price types and rules.' },
        { name: 'Tickets', description: 'Ticket ingestion (asynchronous and synchronous), updates, deletion and history.' },
        { name: 'Admission', description: 'Admission at the gate: single and batch scans.' },
        { name: 'Marketplace', description: 'The resale marketplace: hosted buying and selling flow URLs, listings and checkout.' },
        { name: 'Auth', description: 'One-time tokens that sign fans in on the hosted pages.' },
        { name: 'Webhooks', description: 'Webhook endpoints and their delivery log (Encore extension).' },
        { name: 'Purchase intents', description: 'Reservations with strategies, approval and expiry, on `/api/purchaseintents` (the reference’s objects and errors).' },
        { name: 'System', description: 'Health and the API reference.' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });

  app.get('/health', { schema: { tags: ['System'], summary: 'Liveness and database check', security: [] } }, async () => {
    await deps.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
    return { status: 'ok' };
  });

  await app.register(docsRoutes);
  await app.register(eventsRoutes(deps), { prefix: '/v1' });
  await app.register(webhooksRoutes(deps), { prefix: '/v1' });
  await app.register(ticketsRoutes(deps), { prefix: '/v1' });
  await app.register(admissionRoutes(deps), { prefix: '/v1' });
  await app.register(saleUrlRoutes(deps), { prefix: '/v1' });
  await app.register(listingsRoutes(deps), { prefix: '/v1' });
  await app.register(buyingRoutes(deps), { prefix: '/v1' });
  await app.register(checkoutRoutes(deps), { prefix: '/v1' });
  await app.register(marketplaceUrlsRoutes(deps), { prefix: '/v1' });
  await app.register(authTokensRoutes(deps), { prefix: '/v1' });
  await app.register(strategiesRoutes(deps), { prefix: '/api/purchaseintents' });
  await app.register(purchaseIntentRoutes(deps));
  await app.register(publicPurchaseIntentRoutes(deps));

  await app.ready();
  return app;
}
