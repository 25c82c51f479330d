import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';
import { buyModeCached } from '../../flows/access-layer-buy.js';
import { sellMode } from '../../flows/access-layer-sell.js';
import { AppError } from '../../lib/app-error.js';
import { actorOf, authenticate, tenantOf } from '../shared/auth.js';
import { AccessLayerQuery, AccessLayerView, BulkBody, BulkQuery, BulkView, MAX_SELL_ORDERS, MAX_SELL_TICKETS, SellBody, SellQuery, SellView } from './access-layer.schemas.js';
import { Ok, errorResponses, ok } from './envelope.js';

const TABLE =
  'Chosen by one decision table from the RESALE rule and its window, your inventory (`soldOut`, or `soldPercentage` ≥ 90) and the live listings: ' +
  'resale closed or not open yet → a hidden banner with the `reason` (and `availableFrom`); open without listings → a "Notify me" button; open with ' +
  'listings → a "Resale from {lowest all-in price}" button with its badge and modal, a list per ticket option and price type (count, lowest and highest all-in price, ' +
  'face value) and, when the event has a seating map with zones, a map; sold out → a "Sold out — official resale" banner first. Texts in `lang` ' +
  '(es, en); colours and logo from your theme (`tenant create --theme-*`). Each Encore process may answer a show from memory for up to ACCESS_LAYER_CACHE_MS (default 1 s): a change shows within that time.';

const SELL_TABLE = [
  'The body carries `tickets` ([{ticketId}]) or `orders` ([{orderId}]) of the fan `user` (their e-mail); the answer is `{tickets: [...]}` or `{orders: [...]}` in the order asked.',
  'Per ticket, the first matching row wins: not the fan’s ticket and not sold by the fan (or unknown) → NOT_SELLABLE `NOT_OWNER`, with no listing, price or CTA; ' +
    'sold by the fan → SOLD with its listing, DETAILS, and PENDING_PAYOUT_INFO while the fan has no payout account; event or show cancelled → `EVENT_CANCELLED`; ' +
    'ticket cancelled, deleted or invalid → `TICKET_CANCELLED`; admitted → `TICKET_USED`; listed → FOR_SALE with its listing, EDIT and DETAILS; ' +
    'reserved by an unpaid purchase intent → `TICKET_LOCKED`; RESALE rule disabled → `RESALE_DISABLED`; not open yet → `WINDOW_NOT_OPEN` with `availableFrom`; ' +
    'closed → `WINDOW_CLOSED` with `availableUntil`; the fan already has `maxListedTicketsPerSeller` tickets of the show on sale → `LISTING_LIMIT`; ' +
    'otherwise SELLABLE with `availableUntil` and SELL. P2P is added to SELLABLE and to the resale-window and limit reasons when a TRANSFER rule allows a transfer now.',
  'Per order (only the tickets the fan holds or sold): SELLABLE if any ticket is, else FOR_SALE if any is, else SOLD if all are, else NOT_SELLABLE; ' +
    '`counts` per status; CTAs SELL (the sell-order page) when any is SELLABLE, MANAGE when any is FOR_SALE or SOLD, PENDING_PAYOUT_INFO when a payout waits for details. ' +
    'An order the fan holds nothing of is NOT_SELLABLE with `reason: NOT_OWNER` and no tickets.',
  'Every CTA `url` is a hosted page on your PUBLIC_URL with its own single-use `oneTimeToken` for `user` (valid 10 minutes): render them when the fan looks, not ahead of time. ' +
    `Texts in \`lang\` (es, en). At most ${MAX_SELL_TICKETS} tickets or ${MAX_SELL_ORDERS} orders; answered with a fixed number of queries whatever the count.`,
].join('\n\n');

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
      const [answer] = await buyModeCached(deps, tenantOf(req).tenantId, [{ eventId: q.eventId, showIds: [q.showId] }], { lang: q.lang, details: true, type: q.type });
      if (!answer || 'error' in answer) {
        const code = answer?.error.code === 'SHOW_NOT_FOUND' ? 'SHOW_NOT_FOUND' : 'EVENT_NOT_FOUND';
        throw new AppError(code, answer?.error.message ?? `event ${q.eventId} does not exist`, { field: code === 'SHOW_NOT_FOUND' ? 'showId' : 'eventId' });
      }
      return ok({ components: answer.components });
    });

    app.post('/wrapper/accesslayer', {
      schema: {
        tags: ['Smart Access Layer'],
        summary: 'Evaluate a fan’s tickets or orders for resale (sell mode)',
        description: SELL_TABLE,
        querystring: SellQuery,
        body: SellBody,
        response: { 200: Ok(SellView), ...errorResponses() },
      },
    }, async (req) => {
      const { user, tickets, orders } = req.body;
      if ((tickets === undefined) === (orders === undefined)) {
        throw new AppError('VALIDATION_ERROR', 'send either tickets ([{ticketId}]) or orders ([{orderId}]), not both and not neither', { field: tickets === undefined ? 'tickets' : 'orders' });
      }
      const input = tickets !== undefined ? { user, tickets, lang: req.query.lang } : { user, orders: orders!, lang: req.query.lang };
      return ok(await sellMode(deps, actorOf(req), input));
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
      return ok(await buyModeCached(deps, tenantOf(req).tenantId, req.body, { lang: req.query.lang, details: false, type: 'buy' }));
    });
  };
}
