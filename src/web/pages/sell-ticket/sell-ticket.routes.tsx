import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { Deps } from '../../../app/deps.js';
import { listTicket, previewTicketPrice, sellTicketView, type SellTicketView } from '../../../flows/seller-sell.js';
import { tenantOfShow } from '../../../modules/events/index.js';
import { listingPage } from '../../../modules/marketplace-urls/index.js';
import { messagesFor } from '../../i18n/messages.js';
import type { PageContext } from '../../shell/page-context.js';
import { seeOther, sendPage } from '../../shell/render.js';
import { majorOf, NO_FIGURES, parsePrice, previewFigures, priceFieldValue, refusalOf, sellerFan, type PreviewFigures, type Refusal } from '../seller/seller.forms.js';
import { ID, notFound, sendPreview, tenantPage, thisPage } from '../seller/seller.http.js';
import { sellerMessages } from '../seller/seller.messages.js';
import { pageHref, SignInInstead } from '../seller/seller.ui.js';
import { sellTicketMessages } from './sell-ticket.messages.js';
import { SellTicketPage } from './sell-ticket.view.js';

const Params = Type.Object({ showPk: Type.String(ID) });
const Query = Type.Object({ ticketId: Type.Optional(Type.String(ID)), returnTo: Type.Optional(Type.String({ maxLength: 2048 })) });
const PreviewQuery = Type.Object({ ticketId: Type.Optional(Type.String(ID)), price: Type.Optional(Type.String({ maxLength: 32 })) });
const Body = Type.Object({
  _csrf: Type.String(),
  ticketId: Type.String(ID),
  price: Type.Optional(Type.String({ maxLength: 32 })),
  action: Type.Optional(Type.Union([Type.Literal('preview'), Type.Literal('list')])),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
});

/** The figures for `price` (major units), or the refusal to show instead of them. */
async function figuresFor(deps: Deps, ctx: PageContext, view: SellTicketView, price: number): Promise<{ figures: PreviewFigures; refusal?: Refusal }> {
  const t = view.item.ticket;
  try {
    const p = await previewTicketPrice(deps, sellerFan(ctx)!, t.showPk, t.ticketId, price);
    if (!p) throw notFound();
    return { figures: previewFigures(p, ctx.lang) };
  } catch (err) {
    return { figures: NO_FIGURES, refusal: refusalOf(err, messagesFor(sellerMessages, ctx.lang), { bounds: view.item.bounds, currency: t.currency, lang: ctx.lang }) };
  }
}

/**
 * Sell a ticket (SPEC §4.1 item 3): GET the page, GET its live preview (JSON for encore.js), POST to
 * preview without JavaScript or to list. Listing goes through the listing-create flow and answers
 * 303 to the new listing's page; a refusal comes back on the form, next to the field it is about.
 */
export function sellTicketRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const signIn = (reply: FastifyReply, ctx: PageContext, next: string) => sendPage(reply, ctx, <SignInInstead ctx={ctx} title={messagesFor(sellTicketMessages, ctx.lang).title} next={next} />);

    app.get('/marketplace/shows/:showPk/sell', { schema: { params: Params, querystring: Query, hide: true } }, async (request, reply) => {
      const ctx = await tenantPage(deps, request, reply, await tenantOfShow(deps.db, request.params.showPk));
      const fan = sellerFan(ctx);
      if (!fan) return signIn(reply, ctx, thisPage(ctx));
      const ticketId = request.query.ticketId;
      const view = ticketId === undefined ? undefined : await sellTicketView(deps, fan, request.params.showPk, ticketId);
      if (!view) throw notFound();
      const suggested = view.item.suggestedMinor;
      let shown: { figures: PreviewFigures; refusal?: Refusal } = { figures: NO_FIGURES };
      const currency = view.item.ticket.currency;
      if (view.item.status === 'SELLABLE' && suggested !== null) shown = await figuresFor(deps, ctx, view, majorOf(suggested, currency));
      // A suggested price the rule refuses is not the fan's mistake: the figures stay empty, no alert.
      return sendPage(reply, ctx, <SellTicketPage ctx={ctx} view={view} price={priceFieldValue(suggested, currency, ctx.lang)} figures={shown.figures} />);
    });

    app.get('/marketplace/shows/:showPk/sell/preview', { schema: { params: Params, querystring: PreviewQuery, hide: true } }, async (request, reply) => {
      const ctx = await tenantPage(deps, request, reply, await tenantOfShow(deps.db, request.params.showPk));
      const fan = sellerFan(ctx);
      if (!fan) return sendPreview(reply, 401, { error: ctx.shell.signInTitle });
      const m = messagesFor(sellerMessages, ctx.lang);
      const { ticketId } = request.query;
      const view = ticketId === undefined ? undefined : await sellTicketView(deps, fan, request.params.showPk, ticketId);
      if (!view || view.item.status !== 'SELLABLE') return sendPreview(reply, 404, { error: ctx.shell.notFoundTitle });
      const price = parsePrice(request.query.price);
      if (price === undefined) return sendPreview(reply, 200, { ...NO_FIGURES, error: m.priceInvalid });
      const { figures, refusal } = await figuresFor(deps, ctx, view, price);
      return sendPreview(reply, 200, { ...figures, error: refusal?.text ?? '' });
    });

    app.post('/marketplace/shows/:showPk/sell', { schema: { params: Params, body: Body, hide: true } }, async (request, reply) => {
      const { showPk } = request.params;
      const ctx = await tenantPage(deps, request, reply, await tenantOfShow(deps.db, showPk));
      const fan = sellerFan(ctx);
      const { ticketId } = request.body;
      const back = pageHref(ctx, { segments: ['marketplace', 'shows', showPk, 'sell'], query: { ticketId } });
      if (!fan) return signIn(reply, ctx, back);
      const view = await sellTicketView(deps, fan, showPk, ticketId);
      if (!view) throw notFound();
      const m = messagesFor(sellerMessages, ctx.lang);
      const typed = request.body.price ?? '';
      const render = (figures: PreviewFigures, refusal: Refusal | undefined, status: number) =>
        sendPage(reply, ctx, <SellTicketPage ctx={ctx} view={view} price={typed} figures={figures} refusal={refusal} />, status);
      // The ticket is no longer sellable (listed meanwhile, window closed…): the page says why.
      if (view.item.status !== 'SELLABLE') return render(NO_FIGURES, undefined, 409);
      const price = parsePrice(typed);
      if (price === undefined) return render(NO_FIGURES, { on: 'price', text: m.priceInvalid, status: 400 }, 400);
      if (request.body.action === 'preview') {
        const { figures, refusal } = await figuresFor(deps, ctx, view, price);
        return render(figures, refusal, 200);
      }
      try {
        const listing = await listTicket(deps, fan, showPk, ticketId, price);
        return seeOther(reply, pageHref(ctx, listingPage(listing.listingId), { done: 'listed' }));
      } catch (err) {
        const refusal = refusalOf(err, m, { bounds: view.item.bounds, currency: view.item.ticket.currency, lang: ctx.lang });
        return render(NO_FIGURES, refusal, refusal.status);
      }
    });
  };
}
