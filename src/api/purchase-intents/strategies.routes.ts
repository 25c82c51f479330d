import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';
import { actorOf, authenticate, tenantOf } from '../shared/auth.js';
import type { StoredStrategy } from '../../modules/purchase-intents/index.js';
import {
  CreateStrategyBody,
  StrategyList,
  StrategyListQuery,
  StrategyParams,
  StrategyResource,
  UpdateStrategyBody,
  piErrorResponses,
} from './strategies.schemas.js';
import { createStrategy, getStrategy, listStrategies, updateStrategy, type StrategyInput } from '../../modules/purchase-intents/index.js';

const tags = ['Purchase intents'];

/** The reference's `PurchaseIntentStrategyResource` (plus `_id`, `__v`). */
export function strategyView(s: StoredStrategy) {
  return {
    _id: s.id,
    name: s.name,
    availabilityStrategy: { ...s.availabilityStrategy },
    expirationStrategy: {
      hoursBeforeEvent: s.expirationStrategy.hoursBeforeEvent,
      hoursAfterCreation: s.expirationStrategy.hoursAfterCreation,
      expiresAt: s.expirationStrategy.expiresAt?.toISOString() ?? null,
    },
    ...(s.deposit ? { deposit: { ...s.deposit } } : {}),
    needsApproval: s.needsApproval,
    ...(s.restrictedCompletion.length > 0 ? { restrictedCompletion: [...s.restrictedCompletion] } : {}),
    cancellationStrategy: s.cancellationStrategy,
    sellerId: s.tenantId,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    __v: s.version,
  };
}

/** Mounted under `/api/purchaseintents` (SPEC §7): errors render as `{statusCode, error, message}`. */
export function strategiesRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    app.get('/strategies', {
      schema: {
        tags,
        summary: 'Get all PurchaseIntent Strategies',
        description:
          'An array, as in the reference (oldest first). Encore extension: `top` (1..1000, default 25) and `skip` page it; ' +
          'the number of strategies in all is in the `x-total-count` header.',
        querystring: StrategyListQuery,
        response: { 200: StrategyList, ...piErrorResponses() },
      },
    }, async (req, reply) => {
      const { rows, total } = await listStrategies(deps, tenantOf(req).tenantId, { top: req.query.top ?? 25, skip: req.query.skip ?? 0 });
      void reply.header('x-total-count', String(total));
      return rows.map(strategyView);
    });

    app.post('/strategies', {
      schema: {
        tags,
        summary: 'Create PurchaseIntent Strategies',
        description:
          '`deposit.method` is `fixed` (an amount in major units of the intent\'s currency) or `percentage` (0..100); ' +
          '`availabilityStrategy.createValidTickets` needs `createTickets` true and `withoutSeats` false.',
        body: CreateStrategyBody,
        response: { 201: StrategyResource, ...piErrorResponses() },
      },
    }, async (req, reply) => {
      const s = await createStrategy(deps, actorOf(req), req.body as StrategyInput);
      return reply.status(201).send(strategyView(s));
    });

    app.get('/strategies/:id', {
      schema: {
        tags,
        summary: 'Get a PurchaseIntent Strategy',
        params: StrategyParams,
        response: { 200: StrategyResource, ...piErrorResponses(404) },
      },
    }, async (req) => strategyView(await getStrategy(deps, tenantOf(req).tenantId, req.params.id)));

    app.put('/strategies/:id', {
      schema: {
        tags,
        summary: 'Update a PurchaseIntent Strategy',
        description:
          'A partial update, as the reference\'s body (no required field) says: each field given replaces that field whole ' +
          '(`availabilityStrategy`, `expirationStrategy` and `deposit` as a whole object), absent fields keep their value, ' +
          '`restrictedCompletion: null` lifts the restriction. `__v` goes up by one.',
        params: StrategyParams,
        body: UpdateStrategyBody,
        response: { 200: StrategyResource, ...piErrorResponses(404) },
      },
    }, async (req) => strategyView(await updateStrategy(deps, actorOf(req), req.params.id, req.body as StrategyInput)));
  };
}
