import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../app/deps.js';
import { changeSellerListingPrice, delistSellerListing, listingPageView, previewListingNewPrice, type ListingPageView } from '../../../flows/seller-listing.js';
import { AppError, ERROR_CODES } from '../../../lib/app-error.js';
import { tenantOfListing, totalsFor } from '../../../modules/listings/index.js';
import { listingPage } from '../../../modules/marketplace-urls/index.js';
import { messagesFor } from '../../i18n/messages.js';
import type { PageContext } from '../../shell/page-context.js';
import { seeOther, sendPage } from '../../shell/render.js';
import { NO_FIGURES, parsePrice, previewFigures, priceFieldValue, refusalOf, sellerFan, type PreviewFigures, type Refusal } from '../seller/seller.forms.js';
import { ID, notFound, sendPreview, tenantPage, thisPage } from '../seller/seller.http.js';
import { sellerMessages } from '../seller/seller.messages.js';
import { pageHref, SignInInstead } from '../seller/seller.ui.js';
import { listingMessages } from './listing.messages.js';
import { ListingPage, type ListingDone } from './listing.view.js';

const Params = Type.Object({ listingId: Type.String(ID) });
const Query = Type.Object({
  done: Type.Optional(Type.Union([Type.Literal('listed'), Type.Literal('price'), Type.Literal('delisted')])),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
});
const PreviewQuery = Type.Object({ price: Type.Optional(Type.String({ maxLength: 32 })) });
const Mode = Type.Optional(Type.Union([Type.Literal('details'), Type.Literal('edit')]));
const PriceBody = Type.Object({
  _csrf: Type.String(),
  price: Type.Optional(Type.String({ maxLength: 32 })),
  action: Type.Optional(Type.Union([Type.Literal('preview'), Type.Literal('save')])),
  mode: Mode,
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
});
const DelistBody = Type.Object({ _csrf: Type.String(), mode: Mode, returnTo: Type.Optional(Type.String({ maxLength: 2048 })) });

/** The listing's own figures (what it is listed at now), as the preview shows them. */
function currentFigures(view: ListingPageView, ctx: PageContext): PreviewFigures {
  const l = view.listing;
  return previewFigures({ currency: l.currency, money: l.money, totals: totalsFor(l.money, l.quantity) }, ctx.lang);
}

/**
 * The listing page (SPEC §4.1 item 5) and its `/edit` form, the live preview of a new price (JSON for
 * encore.js), and the two actions: a new price (the listing-price flow, the API's PATCH) and delist
 * (ended as the API's DELETE ends it). Both answer 303 to the listing page, or come back on the form
 * with the refusal: a price the rule refuses, or a listing a buyer is paying for right now.
 */
export function listingRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const context = async (request: FastifyRequest, reply: FastifyReply, listingId: string) => tenantPage(deps, request, reply, await tenantOfListing(deps.db, listingId));
    const signIn = (reply: FastifyReply, ctx: PageContext, next: string) => sendPage(reply, ctx, <SignInInstead ctx={ctx} title={messagesFor(listingMessages, ctx.lang).title} next={next} />);

    const show = (mode: 'details' | 'edit') => async (request: FastifyRequest<{ Params: { listingId: string }; Querystring: { done?: ListingDone } }>, reply: FastifyReply) => {
      const ctx = await context(request, reply, request.params.listingId);
      const fan = sellerFan(ctx);
      if (!fan) return signIn(reply, ctx, thisPage(ctx));
      const view = await listingPageView(deps, fan, request.params.listingId);
      if (!view) throw notFound();
      const l = view.listing;
      return sendPage(
        reply,
        ctx,
        <ListingPage ctx={ctx} view={view} mode={mode} price={priceFieldValue(l.money.priceMinor, l.currency, ctx.lang)} figures={currentFigures(view, ctx)} done={request.query.done} />,
      );
    };
    app.get('/marketplace/listings/:listingId', { schema: { params: Params, querystring: Query, hide: true } }, show('details'));
    app.get('/marketplace/listings/:listingId/edit', { schema: { params: Params, querystring: Query, hide: true } }, show('edit'));

    app.get('/marketplace/listings/:listingId/preview', { schema: { params: Params, querystring: PreviewQuery, hide: true } }, async (request, reply) => {
      const ctx = await context(request, reply, request.params.listingId);
      const fan = sellerFan(ctx);
      if (!fan) return sendPreview(reply, 401, { error: ctx.shell.signInTitle });
      const view = await listingPageView(deps, fan, request.params.listingId);
      if (!view) return sendPreview(reply, 404, { error: ctx.shell.notFoundTitle });
      const m = messagesFor(sellerMessages, ctx.lang);
      const price = parsePrice(request.query.price);
      if (price === undefined) return sendPreview(reply, 200, { ...NO_FIGURES, error: m.priceInvalid });
      try {
        const p = await previewListingNewPrice(deps, fan, request.params.listingId, price);
        if (!p) return sendPreview(reply, 404, { error: ctx.shell.notFoundTitle });
        return sendPreview(reply, 200, { ...previewFigures(p, ctx.lang), error: '' });
      } catch (err) {
        return sendPreview(reply, 200, { ...NO_FIGURES, error: refusalOf(err, m, { bounds: view.bounds, currency: view.listing.currency, lang: ctx.lang }).text });
      }
    });

    app.post('/marketplace/listings/:listingId/price', { schema: { params: Params, body: PriceBody, hide: true } }, async (request, reply) => {
      const { listingId } = request.params;
      const ctx = await context(request, reply, listingId);
      const fan = sellerFan(ctx);
      const mode = request.body.mode ?? 'details';
      const page = listingPage(listingId);
      if (!fan) return signIn(reply, ctx, pageHref(ctx, mode === 'edit' ? { ...page, segments: [...page.segments, 'edit'] } : page));
      const view = await listingPageView(deps, fan, listingId);
      if (!view) throw notFound();
      const m = messagesFor(sellerMessages, ctx.lang);
      const typed = request.body.price ?? '';
      const render = (v: ListingPageView, figures: PreviewFigures, refusal: Refusal | undefined, status: number) =>
        sendPage(reply, ctx, <ListingPage ctx={ctx} view={v} mode={mode} price={typed} figures={figures} refusal={refusal} refused={status === 409} />, status);
      // Reserved by a buyer, sold or removed meanwhile: the page says why nothing can change.
      if (view.listing.view.status !== 'ACTIVE') return render(view, NO_FIGURES, undefined, 409);
      const price = parsePrice(typed);
      if (price === undefined) return render(view, NO_FIGURES, { on: 'price', text: m.priceInvalid, status: 400 }, 400);
      const refusal = (err: unknown) => refusalOf(err, m, { bounds: view.bounds, currency: view.listing.currency, lang: ctx.lang });
      if (request.body.action === 'preview') {
        try {
          const p = await previewListingNewPrice(deps, fan, listingId, price);
          if (!p) throw notFound();
          return render(view, previewFigures(p, ctx.lang), undefined, 200);
        } catch (err) {
          return render(view, NO_FIGURES, refusal(err), 200);
        }
      }
      try {
        await changeSellerListingPrice(deps, fan, listingId, price);
        return seeOther(reply, pageHref(ctx, page, { done: 'price' }));
      } catch (err) {
        if (err instanceof AppError && err.code === 'LISTING_NOT_ACTIVE') {
          const now = await listingPageView(deps, fan, listingId);
          if (!now) throw notFound();
          return render(now, NO_FIGURES, undefined, ERROR_CODES.LISTING_NOT_ACTIVE);
        }
        const r = refusal(err);
        return render(view, NO_FIGURES, r, r.status);
      }
    });

    app.post('/marketplace/listings/:listingId/delist', { schema: { params: Params, body: DelistBody, hide: true } }, async (request, reply) => {
      const { listingId } = request.params;
      const ctx = await context(request, reply, listingId);
      const fan = sellerFan(ctx);
      const page = listingPage(listingId);
      if (!fan) return signIn(reply, ctx, pageHref(ctx, page));
      try {
        await delistSellerListing(deps, fan, listingId);
        return seeOther(reply, pageHref(ctx, page, { done: 'delisted' }));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        if (err.code === 'LISTING_NOT_FOUND') throw notFound();
        if (err.code !== 'LISTING_NOT_ACTIVE') throw err;
        // A buyer is paying right now, or it has ended: the page shows which, and why nothing changes.
        const view = await listingPageView(deps, fan, listingId);
        if (!view) throw notFound();
        const l = view.listing;
        return sendPage(
          reply,
          ctx,
          <ListingPage ctx={ctx} view={view} mode={request.body.mode ?? 'details'} price={priceFieldValue(l.money.priceMinor, l.currency, ctx.lang)} figures={currentFigures(view, ctx)} refused />,
          ERROR_CODES.LISTING_NOT_ACTIVE,
        );
      }
    });
  };
}
