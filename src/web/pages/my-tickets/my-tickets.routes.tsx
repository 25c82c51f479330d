import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../../app/deps.js';
import { myTicketsView } from '../../../flows/seller-tickets.js';
import { messagesFor } from '../../i18n/messages.js';
import { sendPage } from '../../shell/render.js';
import { sellerFan } from '../seller/seller.forms.js';
import { ID, tenantPage, thisPage } from '../seller/seller.http.js';
import { SignInInstead } from '../seller/seller.ui.js';
import { myTicketsMessages } from './my-tickets.messages.js';
import { MyTicketsPage } from './my-tickets.view.js';

const Params = Type.Object({ tenantId: Type.String(ID) });
const Query = Type.Object({
  orderId: Type.Optional(Type.String(ID)),
  done: Type.Optional(Type.Literal('listed')),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
});

/** My tickets (SPEC §4.1 item 6): the signed-in fan's tickets with this integrator, optionally one order's. */
export function myTicketsRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/marketplace/tenants/:tenantId/tickets', { schema: { params: Params, querystring: Query, hide: true } }, async (request, reply) => {
      const ctx = await tenantPage(deps, request, reply, request.params.tenantId);
      const fan = sellerFan(ctx);
      if (!fan) return sendPage(reply, ctx, <SignInInstead ctx={ctx} title={messagesFor(myTicketsMessages, ctx.lang).title} next={thisPage(ctx)} />);
      const { orderId, done } = request.query;
      const view = await myTicketsView(deps, fan, orderId);
      return sendPage(reply, ctx, <MyTicketsPage ctx={ctx} view={view} orderId={orderId} done={done} />);
    });
  };
}
