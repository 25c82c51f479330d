import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../../app/deps.js';
import { listOrderTickets, packBoundsOf, previewOrderPrices, sellOrderView, type SellOrderRequest, type SellOrderView } from '../../../flows/seller-sell.js';
import { AppError } from '../../../lib/app-error.js';
import type { Lang } from '../../../lib/urls.js';
import { listingPage, myTicketsPage } from '../../../modules/marketplace-urls/index.js';
import { messagesFor } from '../../i18n/messages.js';
import { seeOther, sendPage } from '../../shell/render.js';
import { parsePrice, previewFigures, priceFieldValue, refusalOf, sellerFan, type PreviewFigures } from '../seller/seller.forms.js';
import { ID, notFound, tenantPage, thisPage } from '../seller/seller.http.js';
import { sellerMessages } from '../seller/seller.messages.js';
import { pageHref, SignInInstead } from '../seller/seller.ui.js';
import { sellOrderMessages } from './sell-order.messages.js';
import { SellOrderPage, type SellOrderFormState } from './sell-order.view.js';

const Params = Type.Object({ tenantId: Type.String(ID) });
const Query = Type.Object({ orderId: Type.Optional(Type.String(ID)), returnTo: Type.Optional(Type.String({ maxLength: 2048 })) });
/**
 * The form: the picked tickets (`pick`, their positions on the page), each ticket's id and price
 * (`ticket.<i>`, `price.<i>`), the mode and the pack's price. Per-ticket fields are additional
 * properties, each a bounded string (the form body itself is at most 16 KiB).
 */
const Body = Type.Object(
  {
    _csrf: Type.String(),
    orderId: Type.String(ID),
    mode: Type.Optional(Type.Union([Type.Literal('separate'), Type.Literal('pack')])),
    packPrice: Type.Optional(Type.String({ maxLength: 32 })),
    action: Type.Optional(Type.Union([Type.Literal('preview'), Type.Literal('list')])),
    returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
    pick: Type.Optional(Type.Union([Type.String({ maxLength: 8 }), Type.Array(Type.String({ maxLength: 8 }), { maxItems: 200 })])),
  },
  { additionalProperties: Type.String({ maxLength: 200 }) },
);

/** The page's first offer: every sellable ticket at its suggested price, picked when it is the only one. */
function firstForm(view: SellOrderView, lang: Lang): SellOrderFormState {
  const sellable = view.items.filter((i) => i.status === 'SELLABLE');
  const price = (minor: number | null, currency: string) => priceFieldValue(minor, currency, lang);
  return {
    mode: 'separate',
    picked: new Set(sellable.length === 1 ? [sellable[0]!.ticket.ticketId] : []),
    prices: new Map(sellable.map((i) => [i.ticket.ticketId, price(i.suggestedMinor, i.ticket.currency)])),
    packPrice: sellable[0] ? price(sellable[0].suggestedMinor, sellable[0].ticket.currency) : '',
    errors: new Map(),
    figures: new Map(),
  };
}

/** The form as sent: ticket ids come from the page's own hidden fields; the flow re-checks every one. */
function sentForm(body: Record<string, unknown>): SellOrderFormState & { packPriceRaw: string } {
  const idOf = new Map<string, string>();
  const prices = new Map<string, string>();
  for (const [key, value] of Object.entries(body)) {
    const m = /^ticket\.(\d{1,4})$/.exec(key);
    if (m && typeof value === 'string') idOf.set(m[1]!, value);
  }
  for (const [i, id] of idOf) {
    const typed = body[`price.${i}`];
    prices.set(id, typeof typed === 'string' ? typed : '');
  }
  const picks = ([] as unknown[]).concat(body.pick ?? []).filter((v): v is string => typeof v === 'string');
  const packPrice = typeof body.packPrice === 'string' ? body.packPrice : '';
  return {
    mode: body.mode === 'pack' ? 'pack' : 'separate',
    picked: new Set(picks.flatMap((i) => idOf.get(i) ?? [])),
    prices,
    packPrice,
    packPriceRaw: packPrice,
    errors: new Map(),
    figures: new Map(),
  };
}

/**
 * Sell an order (SPEC §4.1 item 4): GET the page, POST to preview (without JavaScript) or to list the
 * picked tickets in one flow call — separately or as one PACK — answering 303 to the listing page
 * (one listing) or to the fan's tickets of the order (several). Refusals come back next to the price
 * they are about.
 */
export function sellOrderRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/marketplace/tenants/:tenantId/sell', { schema: { params: Params, querystring: Query, hide: true } }, async (request, reply) => {
      const ctx = await tenantPage(deps, request, reply, request.params.tenantId);
      const fan = sellerFan(ctx);
      if (!fan) return sendPage(reply, ctx, <SignInInstead ctx={ctx} title={messagesFor(sellOrderMessages, ctx.lang).title} next={thisPage(ctx)} />);
      const { orderId } = request.query;
      const view = orderId === undefined ? undefined : await sellOrderView(deps, fan, orderId);
      if (!view) throw notFound();
      return sendPage(reply, ctx, <SellOrderPage ctx={ctx} view={view} form={firstForm(view, ctx.lang)} />);
    });

    app.post('/marketplace/tenants/:tenantId/sell', { schema: { params: Params, body: Body, hide: true } }, async (request, reply) => {
      const ctx = await tenantPage(deps, request, reply, request.params.tenantId);
      const fan = sellerFan(ctx);
      const { orderId } = request.body;
      const p = messagesFor(sellOrderMessages, ctx.lang);
      if (!fan) return sendPage(reply, ctx, <SignInInstead ctx={ctx} title={p.title} next={pageHref(ctx, { segments: ['marketplace', 'tenants', ctx.brand!.tenantId, 'sell'], query: { orderId } })} />);
      const view = await sellOrderView(deps, fan, orderId);
      if (!view) throw notFound();
      const m = messagesFor(sellerMessages, ctx.lang);
      const form = sentForm(request.body);
      const errors = new Map<string, string>();
      const figures = new Map<string, PreviewFigures>();
      const state: { packError?: string; formError?: string; packFigures?: PreviewFigures } = {};
      const render = (status: number) => sendPage(reply, ctx, <SellOrderPage ctx={ctx} view={view} form={{ ...form, errors, figures, ...state }} />, status);
      const items = new Map(view.items.map((i) => [i.ticket.ticketId, i]));
      const picked = [...form.picked];
      const currency = view.items[0]!.ticket.currency;
      const say = (err: unknown, ticketId: string | undefined) => {
        const it = ticketId === undefined ? undefined : items.get(ticketId);
        const bounds = it ? it.bounds : packBoundsOf(picked.flatMap((id) => items.get(id) ?? []));
        const r = refusalOf(err, m, { bounds, currency, lang: ctx.lang });
        if (r.on === 'price' && ticketId !== undefined && form.mode === 'separate') errors.set(ticketId, r.text);
        else if (r.on === 'price') state.packError = r.text;
        else state.formError = ticketId === undefined ? r.text : `${m.ticketNumber(ticketId)}: ${r.text}`;
        return r.status;
      };

      if (picked.length === 0) {
        state.formError = p.chooseOne;
        return render(400);
      }
      let req: SellOrderRequest;
      if (form.mode === 'pack') {
        if (picked.length < 2) state.packError = p.packNeedsTwo;
        const price = parsePrice(form.packPriceRaw);
        if (price === undefined && state.packError === undefined) state.packError = m.priceInvalid;
        if (state.packError !== undefined) return render(400);
        req = { mode: 'pack', ticketIds: picked, price: price! };
      } else {
        const list: { ticketId: string; price: number }[] = [];
        for (const id of picked) {
          const price = parsePrice(form.prices.get(id));
          if (price === undefined) errors.set(id, m.priceInvalid);
          else list.push({ ticketId: id, price });
        }
        if (errors.size > 0) return render(400);
        req = { mode: 'separate', items: list };
      }

      if (request.body.action === 'preview') {
        const out = await previewOrderPrices(deps, fan, orderId, req);
        for (const [id, o] of out.items) {
          if (o.ok) figures.set(id, previewFigures(o.preview, ctx.lang));
          else say(o.error, id);
        }
        if (out.pack?.ok) state.packFigures = previewFigures(out.pack.preview, ctx.lang);
        else if (out.pack) say(out.pack.error, undefined);
        return render(200);
      }
      try {
        const listings = await listOrderTickets(deps, fan, orderId, req);
        const only = listings.length === 1 ? listings[0] : undefined;
        return seeOther(reply, only ? pageHref(ctx, listingPage(only.listingId), { done: 'listed' }) : pageHref(ctx, myTicketsPage(ctx.brand!.tenantId, orderId), { done: 'listed' }));
      } catch (err) {
        const ticketId = err instanceof AppError && typeof err.details?.ticketId === 'string' ? err.details.ticketId : undefined;
        return render(say(err, form.mode === 'separate' ? ticketId : undefined));
      }
    });
  };
}
