import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';
import { buyMode } from '../../flows/access-layer-buy.js';
import { AppError } from '../../lib/app-error.js';
import { authenticate, tenantOf } from '../shared/auth.js';
import { AccessLayerQuery, AccessLayerView, BulkBody, BulkQuery, BulkView } from './access-layer.schemas.js';
import { Ok, errorResponses, ok } from './envelope.js';

const TABLE =
  'Chosen by one decision table from the RESALE rule and its window, your inventory (`soldOut`, or `soldPercentage` ≥ 90) and the live listings: ' +
  'resale closed or not open yet → a hidden banner with the `reason` (and `availableFrom`); open without listings → a "Notify me" button; open with ' +
  'listings → a "Resale from {lowest all-in price}" button with its badge and modal, a list per ticket option (count, lowest and highest all-in price, ' +
  'face value) and, when the event has a seating map with zones, a map; sold out → a "Sold out — official resale" banner first. Texts in `lang` ' +
  '(es, en); colours and logo from your theme (`tenant create --theme-*`).';

export function accessLayerRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    app.get('/wrapper/accesslayer', {
      schema: {
        tags: ['Smart Access Layer'],
        summary: 'Get the Smart Access Layer components of a show',
        description: `\`type=buy\`: the components that put Encore's resale into your event page. ${TABLE} \`type=sell\`: the sell banner (shown while resale is open, hidden with its reason otherwise). \`showId\` is required; an unknown event or show is 404.`,
        querystring: AccessLayerQuery,
        response: { 200: Ok(AccessLayerView), ...errorResponses(404) },
      },
    }, async (req) => {
      const q = req.query;
      if (q.showId === undefined) throw new AppError('VALIDATION_ERROR', 'showId is required: the show the components are for', { field: 'showId' });
      const [answer] = await buyMode(deps, tenantOf(req).tenantId, [{ eventId: q.eventId, showIds: [q.showId] }], { lang: q.lang, details: true, type: q.type });
      if (!answer || 'error' in answer) {
        const code = answer?.error.code === 'SHOW_NOT_FOUND' ? 'SHOW_NOT_FOUND' : 'EVENT_NOT_FOUND';
        throw new AppError(code, answer?.error.message ?? `event ${q.eventId} does not exist`, { field: code === 'SHOW_NOT_FOUND' ? 'showId' : 'eventId' });
      }
      return ok({ components: answer.components });
    });

    app.post('/wrapper/accesslayer/bulk', {
      schema: {
        tags: ['Smart Access Layer'],
        summary: 'Get the buy components of many shows',
        description:
          'At most 100 shows in all (`[{eventId, showIds}]`), answered per show in the order asked, with buttons, banners and modals only (no lists or maps). ' +
          'An unknown event or show is an entry with an `error`, not a failed request. Read with a fixed number of queries whatever the number of shows. ' + TABLE,
        querystring: BulkQuery,
        body: BulkBody,
        response: { 200: Ok(BulkView), ...errorResponses() },
      },
    }, async (req) => {
      const shows = req.body.reduce((n, e) => n + e.showIds.length, 0);
      if (shows > 100) throw new AppError('VALIDATION_ERROR', `at most 100 shows in all (got ${shows})`, { field: 'body', details: { shows } });
      return ok(await buyMode(deps, tenantOf(req).tenantId, req.body, { lang: req.query.lang, details: false, type: 'buy' }));
    });
  };
}
