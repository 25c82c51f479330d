import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../app/deps.js';
import { extendCheckoutHold } from '../../../flows/checkout-extension.js';
import { checkPayForm, loadCheckoutPage, payFromPage, type CheckoutPageData } from '../../../flows/checkout-page.js';
import { AppError } from '../../../lib/app-error.js';
import { href, pageContext, type PageContext } from '../../shell/page-context.js';
import { seeOther, sendPage } from '../../shell/render.js';
import { CheckoutPage, type ExtensionNotice, type PayFormState } from './checkout.view.js';

const NOTICES: readonly ExtensionNotice[] = ['ok', 'ALREADY_EXTENDED', 'SOMEONE_WAITING', 'NOT_EXTENDABLE'];

const Params = Type.Object({ intentionId: Type.String({ minLength: 1, maxLength: 100 }) });
// `secret` is optional here so that a missing one is the same 404 page as a wrong one.
const Query = Type.Object({
  secret: Type.Optional(Type.String({ maxLength: 200 })),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
  extension: Type.Optional(Type.String({ maxLength: 20 })),
});
const Secret = Type.String({ maxLength: 200 });
const PayForm = Type.Object({
  _csrf: Type.String(),
  secret: Secret,
  buyerEmail: Type.Optional(Type.String({ maxLength: 320 })),
  holderFirstName: Type.Optional(Type.String({ maxLength: 100 })),
  holderLastName: Type.Optional(Type.String({ maxLength: 100 })),
  cardNumber: Type.String({ maxLength: 40 }),
  expiry: Type.String({ maxLength: 10 }),
  cvc: Type.String({ maxLength: 10 }),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
});
const ExtendForm = Type.Object({ _csrf: Type.String(), secret: Secret, returnTo: Type.Optional(Type.String({ maxLength: 2048 })) });

/**
 * The intention behind the page, read with the API's guard (a wrong or missing secret is the same
 * 404 page as an unknown id, in no tenant's colours), then the tenant's brand for everything after.
 */
async function checkoutContext(deps: Deps, request: FastifyRequest, reply: FastifyReply, intentionId: string, secret: string | undefined): Promise<{ ctx: PageContext; data: CheckoutPageData }> {
  if (secret === undefined || secret === '') throw new AppError('NOT_FOUND', `buy intention ${intentionId} does not exist`);
  const data = await loadCheckoutPage(deps, intentionId, secret);
  return { ctx: await pageContext(deps, request, reply, data.tenantId), data };
}

/**
 * The resale checkout page (SPEC §4.1 item 2) at the URL of a buy intention's `paymentUrl` and of
 * POST /v1/marketplace/checkout/url: `GET /{lang}/checkout/:intentionId?secret=`, its "Pay" (POST
 * …/pay → `payIntention`, the API's code; a finished payment 303s back to the page, a declined card
 * shows the form again) and the hold's one extension (POST …/extend → 303 back with the answer).
 */
export function checkoutPageRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/checkout/:intentionId', { schema: { params: Params, querystring: Query, hide: true } }, async (request, reply) => {
      const secret = request.query.secret;
      const { ctx, data } = await checkoutContext(deps, request, reply, request.params.intentionId, secret);
      const notice = NOTICES.find((n) => n === request.query.extension) ?? null;
      return sendPage(reply, ctx, <CheckoutPage ctx={ctx} data={data} secret={secret!} notice={notice} />);
    });

    app.post('/checkout/:intentionId/pay', { schema: { params: Params, body: PayForm, hide: true } }, async (request, reply) => {
      const body = request.body;
      const id = request.params.intentionId;
      const { ctx, data } = await checkoutContext(deps, request, reply, id, body.secret);
      const back = href(ctx, ['checkout', id], { secret: body.secret });
      // Paid, refunded, taken, in flight, cancelled: the page says so (a repeated "Pay" charges nothing).
      if (data.state !== 'PENDING' && data.state !== 'EXPIRED') return seeOther(reply, back);
      const values = { buyerEmail: body.buyerEmail, holderFirstName: body.holderFirstName, holderLastName: body.holderLastName, expiry: body.expiry };
      const again = async (form: PayFormState, status: number) => {
        const fresh = await loadCheckoutPage(deps, id, body.secret);
        return sendPage(reply, ctx, <CheckoutPage ctx={ctx} data={fresh} secret={body.secret} notice={null} form={form} />, status);
      };
      const errors = checkPayForm(data, { ...body }, deps.clock.now());
      if (Object.keys(errors).length > 0) return again({ values, errors }, 400);
      const named = data.intention.buyer_email !== null;
      const outcome = await payFromPage(deps, id, {
        secret: body.secret,
        cardNumber: body.cardNumber,
        // The integrator named the buyer: the page shows it and sends none (the API refuses another).
        ...(named ? {} : { buyerEmail: body.buyerEmail?.trim().toLowerCase() }),
        holderFirstName: body.holderFirstName,
        holderLastName: body.holderLastName,
      });
      switch (outcome.kind) {
        case 'finished':
          return seeOther(reply, back);
        case 'declined':
        case 'failed':
          return again({ values, errors: {}, alert: outcome.kind }, 402);
        case 'invalid':
          return again({ values, errors: { [outcome.field]: outcome.error } }, 400);
      }
    });

    app.post('/checkout/:intentionId/extend', { schema: { params: Params, body: ExtendForm, hide: true } }, async (request, reply) => {
      const id = request.params.intentionId;
      const { ctx } = await checkoutContext(deps, request, reply, id, request.body.secret);
      const result = await extendCheckoutHold(deps, id, request.body.secret);
      return seeOther(reply, href(ctx, ['checkout', id], { secret: request.body.secret, extension: result.ok ? 'ok' : result.reason }));
    });
  };
}
