import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import formatsPlugin from 'ajv-formats';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { docsRoutes } from '../api/docs/docs.routes.js';
import { documentEdge } from '../api/docs/edge-docs.js';
import { marketplaceApi } from '../api/marketplace/index.js';
import { purchaseIntentsApi } from '../api/purchase-intents/index.js';
import { errorHandlerFor, familyOfPath, frameworkError, sendErrors } from '../api/shared/errors.js';
import { registerIdempotency } from '../api/shared/idempotency.js';
import { limitRequestTime } from '../api/shared/request-timeout.js';
import { pingDatabase } from '../db/kysely.js';
import { webPages } from '../web/index.js';
import type { Deps } from './deps.js';
import { lazySerializers, lazyValidator } from './lazy-schemas.js';

export type App = FastifyInstance;

/** 1 MiB: any single resource; batch routes set their own. */
const DEFAULT_BODY_LIMIT = 1024 * 1024;

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
    // Routes that take large batches raise this for themselves (tickets, events, admission).
    bodyLimit: DEFAULT_BODY_LIMIT,
    routerOptions: {
      ignoreTrailingSlash: true,
      // Ids are stored up to 200 characters; percent-encoded, a path segment can be several times longer.
      maxParamLength: 2048,
    },
    // Headers must arrive within the request time limit too (Node checks it on this timer); the
    // body's limit is ours (limitRequestTime), since Node stops watching once the handler runs.
    http: { headersTimeout: deps.config.requestTimeoutMs, connectionsCheckingInterval: 1000 },
    // Errors raised before routing (bad percent-encoding, a parameter past maxParamLength): the
    // route's family is not known yet, so its path prefix decides the envelope.
    frameworkErrors: (error, request, reply) => {
      const mapped = frameworkError(error) ?? { status: 400, item: { code: 'INVALID_URL' as const, message: 'the request cannot be routed' } };
      void sendErrors(familyOfPath(request.url), request, reply, mapped.status, [mapped.item]);
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Types are coerced only where HTTP gives strings (query, params, headers); JSON bodies must be exact.
  const bodyAjv = makeAjv(false);
  const stringAjv = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => lazyValidator(httpPart === 'body' ? bodyAjv : stringAjv, schema));

  app.decorateRequest('auth', null);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  limitRequestTime(app, deps.config.requestTimeoutMs);
  registerIdempotency(app, deps);
  app.setErrorHandler(errorHandlerFor('marketplace'));
  app.setNotFoundHandler((request, reply) =>
    sendErrors(familyOfPath(request.url), request, reply, 404, [{ code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` }]),
  );

  await app.register(swagger, {
    transform: documentEdge,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Encore API',
        version: '1.0.0',
        description:
          'Encore: the open ticketing platform for resale and reservations. The marketplace integration API lives under `/v1` ' +
          '(envelope `{status, data, errors}`); the purchase-intent API under `/api/purchaseintents` (resources as-is, errors ' +
          '`{statusCode, error, message}`). Authenticate with `Authorization: <api key>` or `Authorization: Bearer <api key>`.\n\n' +
          '**What a client may send** (both families): unknown fields anywhere in a body are ignored and named in the response header ' +
          '`Encore-Ignored-Fields`; send `Encore-Strict: true` to have them refused (400 `UNKNOWN_FIELD`). A route without a body accepts a ' +
          'request without one whatever its `Content-Type`; a route with one answers an empty body with 400 naming `body`. Trailing slashes ' +
          'are ignored. `lang` takes any BCP 47 tag. Dates without an offset are read in the event’s time zone. Errors the framework raises ' +
          '(invalid JSON, 408 too slow, 413 body too large, 414 URI too long, 415, 405 with `Allow`) come in the family’s envelope. `OPTIONS` ' +
          'answers 204 with `Allow`; only `/api/public/...` answers CORS, for the origins you allow. Bodies are at most 1 MiB (ticket batches ' +
          '32 MiB, events, rules and admission batches 8 MiB, routes without a key 16 KiB); a body may nest at most 32 levels.',
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
        { name: 'Smart Access Layer', description: 'Components (buttons, banners, modals, lists, maps) that put Encore’s resale inside your own pages.' },
        { name: 'Market Data', description: 'Inventory as your primary sale reports it (and, next, ticket leads and market depth).' },
        { name: 'Webhooks', description: 'Webhook endpoints and their delivery log (Encore extension).' },
        { name: 'Purchase intents', description: 'Reservations with strategies, approval and expiry, on `/api/purchaseintents` (the reference’s objects and errors).' },
        { name: 'System', description: 'Health and the API reference.' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });

  app.get('/health', { schema: { tags: ['System'], summary: 'Liveness and database check', security: [] } }, async () => {
    await pingDatabase(deps.db);
    return { status: 'ok' };
  });

  await app.register(docsRoutes);
  await app.register(marketplaceApi(deps), { prefix: '/v1' });
  await app.register(purchaseIntentsApi(deps), { prefix: '/api' });
  await app.register(webPages(deps));

  await app.ready();
  return app;
}
