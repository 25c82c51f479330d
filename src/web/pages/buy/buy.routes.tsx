import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../app/deps.js';
import { buyFromPage, loadBuyPage, notifyFromPage, tenantOfShowPage } from '../../../flows/buy-page.js';
import { messagesFor } from '../../i18n/messages.js';
import { href, pageContext, type PageContext } from '../../shell/page-context.js';
import { sendPublicPage } from '../../shell/page-cache.js';
import { seeOther, sendPage } from '../../shell/render.js';
import { buyMessages } from './buy.messages.js';
import { BuyPage, type BuyNotice, type NotifyFormState } from './buy.view.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NOTICES: readonly BuyNotice[] = ['taken', 'notified', 'closed'];

const Params = Type.Object({ showPk: Type.String({ minLength: 1, maxLength: 100 }) });
const Query = Type.Object({
  ticketOptionId: Type.Optional(Type.String({ maxLength: 200 })),
  ticketId: Type.Optional(Type.String({ maxLength: 200 })),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
  notice: Type.Optional(Type.String({ maxLength: 20 })),
  notify: Type.Optional(Type.String({ maxLength: 4 })),
});
const BuyForm = Type.Object({
  _csrf: Type.String(),
  listingId: Type.String({ minLength: 1, maxLength: 100 }),
  /** Listings identical to it (one offer on the page), tried in order when it was taken. */
  alternates: Type.Optional(Type.String({ maxLength: 1000 })),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
});
const NotifyForm = Type.Object({
  _csrf: Type.String(),
  email: Type.String({ maxLength: 320 }),
  ticketOptionId: Type.Optional(Type.String({ maxLength: 200 })),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
});

/** The show's tenant, then its brand: every later error wears it (an unknown show is a plain 404 page). */
async function showContext(deps: Deps, request: FastifyRequest, reply: FastifyReply, showPk: string): Promise<{ ctx: PageContext; tenantId: string }> {
  const tenantId = await tenantOfShowPage(deps, showPk);
  return { ctx: await pageContext(deps, request, reply, tenantId), tenantId };
}

/** How many "Notify me" a browser's address may send per hour to one organiser (each lead may be mailed later). */
const NOTIFY_PER_IP_PER_HOUR = 20;

/**
 * The buy page (SPEC §4.1 item 1) at the URL the buying-flow endpoint and the sale URL hand out:
 * `GET /{lang}/marketplace/shows/:showPk` (`ticketOptionId` filters, `ticketId` is the sale link),
 * its "Buy" (POST …/buy → 303 to the checkout page) and "Notify me" (POST …/notify → 303 back).
 */
export function buyPageRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const render = async (reply: FastifyReply, ctx: PageContext, tenantId: string, showPk: string, opts: { ticketOptionId?: string | undefined; ticketId?: string | undefined; notice: BuyNotice | null; notifyOpen: boolean; notify?: NotifyFormState; status?: number }) => {
      const data = await loadBuyPage(deps, tenantId, showPk, { ticketOptionId: opts.ticketOptionId, ticketId: opts.ticketId, lang: ctx.lang });
      return sendPage(reply, ctx, <BuyPage ctx={ctx} data={data} notice={opts.notice} notifyOpen={opts.notifyOpen} {...(opts.notify ? { notify: opts.notify } : {})} />, opts.status);
    };

    // The page every fan of a show opens, signed in or not: from the page cache when not (shell/page-cache.ts).
    app.get('/marketplace/shows/:showPk', { schema: { params: Params, querystring: Query, hide: true } }, async (request, reply) =>
      sendPublicPage(deps, request, reply, async () => {
        const showPk = request.params.showPk;
        const { ctx, tenantId } = await showContext(deps, request, reply, showPk);
        const q = request.query;
        const notice = NOTICES.find((n) => n === q.notice) ?? null;
        const data = await loadBuyPage(deps, tenantId, showPk, { ticketOptionId: q.ticketOptionId, ticketId: q.ticketId, lang: ctx.lang });
        return { ctx, page: <BuyPage ctx={ctx} data={data} notice={notice} notifyOpen={q.notify === '1'} /> };
      }),
    );

    app.post('/marketplace/shows/:showPk/buy', { schema: { params: Params, body: BuyForm, hide: true } }, async (request, reply) => {
      const showPk = request.params.showPk;
      const { ctx, tenantId } = await showContext(deps, request, reply, showPk);
      const alternates = (request.body.alternates ?? '').split(/\s+/).filter((id) => id !== '').slice(0, 5);
      const outcome = await buyFromPage(deps, tenantId, showPk, [request.body.listingId, ...alternates], ctx.lang);
      if (outcome.kind !== 'reserved') return seeOther(reply, href(ctx, ['marketplace', 'shows', showPk], { notice: outcome.kind }));
      // The checkout page of the new intention, on this site and in this language, keeping returnTo.
      const url = new URL(outcome.checkoutUrl);
      const intentionId = decodeURIComponent(url.pathname.split('/').pop() ?? '');
      return seeOther(reply, href(ctx, ['checkout', intentionId], { secret: url.searchParams.get('secret') ?? '' }));
    });

    app.post('/marketplace/shows/:showPk/notify', { schema: { params: Params, body: NotifyForm, hide: true } }, async (request, reply) => {
      const showPk = request.params.showPk;
      const { ctx, tenantId } = await showContext(deps, request, reply, showPk);
      const m = messagesFor(buyMessages, ctx.lang);
      const email = request.body.email.trim().toLowerCase();
      const ticketOptionId = request.body.ticketOptionId === '' ? undefined : request.body.ticketOptionId;
      const again = (error: string, status: number) =>
        render(reply, ctx, tenantId, showPk, { ticketOptionId, notice: null, notifyOpen: true, notify: { email: request.body.email, error }, status });
      if (!EMAIL.test(email) || email.length > 254) return again(m.invalidEmail, 400);
      const result = await notifyFromPage(deps, tenantId, showPk, { email, ticketOptionId, ip: request.ip, perHour: NOTIFY_PER_IP_PER_HOUR });
      if (!result.ok) return again(m.notifyLimited(Math.max(1, Math.ceil(result.retryAfterSeconds / 60))), 429);
      return seeOther(reply, href(ctx, ['marketplace', 'shows', showPk], { ticketOptionId, notice: 'notified' }));
    });
  };
}
