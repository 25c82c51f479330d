import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../app/deps.js';
import { cancelSession, paySession, readCheckoutSession, type CheckoutSessionView } from '../../../flows/purchase-intent-checkout-session.js';
import { AppError } from '../../../lib/app-error.js';
import { normalizeCardNumber } from '../../../modules/payments/index.js';
import { messagesFor } from '../../i18n/messages.js';
import { href, pageContext, type PageContext } from '../../shell/page-context.js';
import { seeOther, sendPage } from '../../shell/render.js';
import { piCheckoutMessages } from './pi-checkout.messages.js';
import { PiCheckoutPage, type CardField, type CardFormState, type DeclineReason, type PiFlash, type PiNotice } from './pi-checkout.view.js';

/** The expiry turns into a live countdown in its last hour. */
const COUNTDOWN_MS = 3_600_000;

const DECLINES: readonly DeclineReason[] = ['card_declined', 'processing_error', 'test_mode_live_card', 'other'];
const NOTICES: readonly PiNotice[] = ['unpayable', 'refunded', 'cancelRefused'];

const Params = Type.Object({ checkoutId: Type.String({ minLength: 1, maxLength: 100 }) });
const Query = Type.Object({
  secret: Type.Optional(Type.String({ maxLength: 200 })),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
  paid: Type.Optional(Type.String({ maxLength: 20 })),
  declined: Type.Optional(Type.String({ maxLength: 40 })),
  canceled: Type.Optional(Type.String({ maxLength: 4 })),
  notice: Type.Optional(Type.String({ maxLength: 20 })),
});
const PayForm = Type.Object({
  _csrf: Type.String(),
  secret: Type.String({ maxLength: 200 }),
  cardNumber: Type.String({ maxLength: 40 }),
  cardExpiry: Type.String({ maxLength: 10 }),
  cardCvc: Type.String({ maxLength: 10 }),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
});
const CancelForm = Type.Object({
  _csrf: Type.String(),
  secret: Type.String({ maxLength: 200 }),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
});

/**
 * The session for its id and secret, and the page context in its seller's brand. An unknown id and a
 * wrong or missing secret are the same 404 (the flow answers null for both), in Encore's own shell:
 * nothing tells whose checkout the id would have been.
 */
async function sessionContext(deps: Deps, request: FastifyRequest, reply: FastifyReply, id: string, secret: string | undefined): Promise<{ ctx: PageContext; session: CheckoutSessionView }> {
  const session = await readCheckoutSession(deps, id, secret);
  if (!session) throw new AppError('NOT_FOUND', 'this checkout does not exist');
  return { ctx: await pageContext(deps, request, reply, session.sellerId), session };
}

/**
 * The card's expiry and CVC: the sandbox charges by number only, but the form asks what a real card
 * form asks, and refuses what no card could carry (a past month, a 5-digit code) before charging.
 */
function checkCard(now: Date, body: { cardNumber: string; cardExpiry: string; cardCvc: string }, m: (typeof piCheckoutMessages)['en']): Partial<Record<CardField, string>> {
  const errors: Partial<Record<CardField, string>> = {};
  try {
    // The flow checks it again (Luhn) before charging; checked here too so every field's error shows at once.
    if (!/^\d{12,19}$/.test(normalizeCardNumber(body.cardNumber))) errors.cardNumber = m.cardNumberInvalid;
  } catch {
    errors.cardNumber = m.cardNumberInvalid;
  }
  const exp = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(body.cardExpiry);
  if (!exp) errors.cardExpiry = m.cardExpiryInvalid;
  else {
    const month = Number(exp[1]);
    const year = exp[2]!.length === 2 ? 2000 + Number(exp[2]) : Number(exp[2]);
    if (month < 1 || month > 12) errors.cardExpiry = m.cardExpiryInvalid;
    // A card is valid through the last day of its month.
    else if (year * 12 + month < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1) errors.cardExpiry = m.cardExpiryPast;
  }
  if (!/^\d{3,4}$/.test(body.cardCvc.trim())) errors.cardCvc = m.cardCvcInvalid;
  return errors;
}

/**
 * The hosted purchase-intent checkout page (SPEC §4.1 item 9, §7) at the `url` of a checkout session:
 * `GET /{lang}/purchaseintents/checkout/:checkoutId?secret=…`, its "Pay" (POST …/pay) and "Cancel"
 * (POST …/cancel), each answered with a 303 back to the page carrying what happened in the query
 * (`paid=deposit|full`, `declined=<reason>`, `canceled=1`, `notice=…`), so a reload repeats nothing.
 * Everything goes through flows/purchase-intent-checkout-session.ts; the secret travels in the URL for
 * the GET and in a hidden field for the POSTs.
 */
export function piCheckoutRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const back = (ctx: PageContext, id: string, secret: string, flash: Record<string, string | undefined> = {}) => href(ctx, ['purchaseintents', 'checkout', id], { secret, ...flash });

    app.get('/purchaseintents/checkout/:checkoutId', { schema: { params: Params, querystring: Query, hide: true } }, async (request, reply) => {
      const q = request.query;
      const { ctx, session } = await sessionContext(deps, request, reply, request.params.checkoutId, q.secret);
      const flash: PiFlash = {
        paid: q.paid === 'deposit' || q.paid === 'full' ? q.paid : undefined,
        declined: q.declined === undefined ? undefined : (DECLINES.find((d) => d === q.declined) ?? 'other'),
        canceled: q.canceled === '1',
        notice: NOTICES.find((n) => n === q.notice),
      };
      return sendPage(reply, ctx, <PiCheckoutPage ctx={ctx} session={session} secret={q.secret ?? ''} flash={flash} countdownMs={COUNTDOWN_MS} />);
    });

    app.post('/purchaseintents/checkout/:checkoutId/pay', { schema: { params: Params, body: PayForm, hide: true } }, async (request, reply) => {
      const id = request.params.checkoutId;
      const { secret } = request.body;
      const { ctx, session } = await sessionContext(deps, request, reply, id, secret);
      const m = messagesFor(piCheckoutMessages, ctx.lang);
      const again = (errors: CardFormState['errors']) =>
        sendPage(reply, ctx, <PiCheckoutPage ctx={ctx} session={session} secret={secret} flash={{}} card={{ errors, expiry: request.body.cardExpiry }} countdownMs={COUNTDOWN_MS} />, 400);
      // Not payable (any more): the page's GET says why; nothing is charged.
      if (!session.payable) return seeOther(reply, back(ctx, id, secret, { notice: 'unpayable' }));
      const errors = checkCard(deps.clock.now(), request.body, m);
      if (Object.keys(errors).length > 0) return again(errors);
      try {
        const paid = await paySession(deps, id, secret, request.body.cardNumber);
        if (!paid) throw new AppError('NOT_FOUND', 'this checkout does not exist');
        if (paid.outcome === 'declined') {
          const code = paid.payment.code;
          return seeOther(reply, back(ctx, id, secret, { declined: DECLINES.find((d) => d === code) ?? 'other' }));
        }
        // A first payment of deposits leaves the session open; anything else completed it.
        return seeOther(reply, back(ctx, id, secret, { paid: paid.session.status === 'complete' ? 'full' : 'deposit' }));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        if (err.code === 'VALIDATION_ERROR' && err.field === 'cardNumber') return again({ cardNumber: m.cardNumberInvalid });
        if (err.code === 'PURCHASE_INTENT_NOT_PAYABLE') {
          const refunded = (err.details as { refunded?: boolean } | undefined)?.refunded === true;
          return seeOther(reply, back(ctx, id, secret, { notice: refunded ? 'refunded' : 'unpayable' }));
        }
        throw err;
      }
    });

    app.post('/purchaseintents/checkout/:checkoutId/cancel', { schema: { params: Params, body: CancelForm, hide: true } }, async (request, reply) => {
      const id = request.params.checkoutId;
      const { secret } = request.body;
      const { ctx } = await sessionContext(deps, request, reply, id, secret);
      try {
        const view = await cancelSession(deps, id, secret);
        if (!view) throw new AppError('NOT_FOUND', 'this checkout does not exist');
        return seeOther(reply, back(ctx, id, secret, { canceled: '1' }));
      } catch (err) {
        // Forbidden by the strategy, no longer open, or a payment in flight: nothing changed; the page says where it stands.
        if (err instanceof AppError && (err.code === 'INVALID_STATE_TRANSITION' || err.code === 'PURCHASE_INTENT_NOT_PAYABLE')) {
          return seeOther(reply, back(ctx, id, secret, { notice: 'cancelRefused' }));
        }
        throw err;
      }
    });
  };
}
