import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BODY_LIMIT } from '../shared/body-limits.js';
import type { Deps } from '../../app/deps.js';
import { IntentParams, intentResourceSchema, jsonSchema, LIMITS, requestSchema } from '../../modules/purchase-intents/index.js';
import { getPublicIntent } from '../../modules/purchase-intents/index.js';
import { checkoutIntents } from '../../flows/purchase-intent-checkout.js';
import { createCheckoutSession } from '../../flows/purchase-intent-checkout-session.js';
import { cancelPublicIntent, getPublicIntentTickets } from '../../flows/purchase-intent-public.js';

const TAGS = ['Purchase intents'];
const ERRORS = {
  400: { description: 'Bad Request: `{statusCode, error, message}`; the message gives the reason (not payable, declined card, …)' },
  404: { description: 'Not Found: no such purchase intent, or a missing or wrong secret (indistinguishable)' },
};

/** The reference's schemas (OpenAPI 3.0 rewritten as JSON Schema, intents.schemas.ts). */
export const PublicIntentResource = intentResourceSchema('PublicPurchaseIntentResource');
export const PublicIntentTickets = jsonSchema('GET_Purchaseintents_GetPublicPurchaseIntentTickets_200_response');

/**
 * The card to charge at once: an Encore extension of the reference's checkout bodies (ADR 0011), for
 * server-side tests. Without it the checkout answers a session whose `url` is the hosted page.
 */
const CARD_NUMBER = {
  type: 'string',
  minLength: 1,
  maxLength: 40,
  description:
    'Encore extension, optional: pay at once, without the hosted page, with this card through the configured payment provider (sandbox test cards: ' +
    '4242424242424242 succeeds, 4000000000000002 is declined, 4000000000000259 fails after a delay, 4000000000003253 succeeds after a delay). ' +
    'Spaces and dashes are ignored; only the last four digits are stored. Without it, the answer is a checkout session.',
};

function withCard(schema: Record<string, unknown>): Record<string, unknown> {
  return { ...schema, properties: { ...(schema.properties as Record<string, unknown>), cardNumber: CARD_NUMBER } };
}

// Request bodies: the reference's, with Encore's size limits (intents.limits.ts).
const SingleCheckoutBody = withCard(requestSchema('POST_Purchaseintents_CreatePurchaseIntentsCheckout'));
const MultiCheckoutBody = (() => {
  const s = withCard(requestSchema('POST_Purchaseintents_CreateACheckoutForMultiplePurchaseIntents'));
  // The reference lists no required field; without `items` there is nothing to check out.
  return { ...s, required: ['items'] };
})();
// A missing secret is a 404 like a wrong one (never a hint that the id exists): not required here.
const CancelBody = (() => {
  const { required: _r, ...s } = requestSchema('POST_Purchaseintents_PublicCancelAPurchaseIntent');
  return s;
})();

const SecretQuery = Type.Object({ secret: Type.Optional(Type.String({ maxLength: LIMITS.id, description: 'The secret of the purchase intent' })) });
const CheckoutQuery = Type.Object({
  lang: Type.Optional(
    Type.String({ maxLength: 64, description: 'The hosted page’s language for a checkout session: any BCP 47 tag (`es-AR` → es, `en` → en); otherwise the seller’s default language' }),
  ),
});

/** A checkout session (the answer without `cardNumber`): SPEC §7, the shape the reference's checkout answers. */
const CheckoutSession = Type.Object(
  {
    _id: Type.String({ description: 'The checkout (`chk_…`): `outcome.checkoutId` of every intent paid on its page' }),
    url: Type.String({ format: 'uri', description: 'The hosted purchase-intent checkout page where the fan pays (the deposit first when the strategy asks for one) or cancels; it carries the session’s secret' }),
    purchaseIntentIds: Type.Array(Type.String(), { description: 'Its purchase intents, in the order given' }),
    amount: Type.Number({ description: 'What is due now, in major units: the deposit when the strategy asks for one and it is unpaid, otherwise the full price or the balance' }),
    currency: Type.String(),
    status: Type.Union([Type.Literal('open'), Type.Literal('complete'), Type.Literal('expired'), Type.Literal('canceled')], {
      description: '`open` when created; later `complete` (every intent paid), `expired` (an intent expired) or `canceled`',
    }),
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'The earliest expiry of its intents; null when none expires' }),
  },
  { description: 'Without `cardNumber`: a checkout session' },
);

/** Encore's answer to a checkout (the reference documents a bare 200 without a body schema). */
const CheckoutResult = Type.Object(
  {
  checkoutId: Type.String({ description: 'The checkout: `outcome.checkoutId` of every intent it completed' }),
  status: Type.Union([Type.Literal('complete'), Type.Literal('depositPaid'), Type.Literal('partial')], {
    description: 'complete: every intent is complete; depositPaid: only deposits were paid (intents stay new); partial: a mix',
  }),
  amount: Type.Number({ description: 'The amount charged, in major units' }),
  currency: Type.String(),
  payment: Type.Object({
    _id: Type.String({ description: 'Encore payment id; the completed intents’ `transactionId`' }),
    status: Type.String(),
    amount: Type.Number(),
    cardLast4: Type.Union([Type.String(), Type.Null()]),
    balanceTransactionId: Type.Union([Type.String(), Type.Null()], { description: 'The provider’s reference of the charge' }),
  }),
  purchaseIntents: Type.Array(PublicIntentResource as never),
  },
  { description: 'With `cardNumber`: the payment taken at once' },
);

/** Either answer, told apart by their required fields (`_id`/`url` or `checkoutId`/`payment`). */
const CheckoutAnswer = Type.Union([CheckoutSession, CheckoutResult]);
const SESSION_OR_PAYMENT =
  'Without `cardNumber` (the reference’s form) the answer is a checkout session `{_id, url, purchaseIntentIds, amount, currency, status, expiresAt}`: ' +
  'nothing is charged, `url` is the hosted page (language: `?lang=`, else the seller’s default) where the fan pays what is due — the deposit first when ' +
  'the strategy asks for one, the balance on a later visit — or cancels (unless the strategy forbids it). With `cardNumber` (Encore extension) the payment ' +
  'is taken at once and the answer is `{checkoutId, status, amount, currency, payment, purchaseIntents}`.';

interface SingleBody {
  secret?: string;
  salesChannelId?: string;
  cardNumber?: string;
}
interface MultiBody {
  items: { purchaseIntentId: string; secret: string }[];
  cardNumber?: string;
}

/**
 * The public purchase-intent endpoints of SPEC §7: no API key, the intent's `secret` (query for the
 * reads, body for checkout and cancel) is the credential. Errors `{statusCode, error, message}`.
 */
export function publicPurchaseIntentRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/:id', {
      schema: {
        tags: TAGS,
        summary: 'Get public PurchaseIntent',
        description: 'The intent for the holder of its `secret`; a missing or wrong secret is a 404, like an unknown id.',
        params: IntentParams,
        querystring: SecretQuery,
        security: [],
        response: { 200: PublicIntentResource, ...ERRORS },
      },
    }, async (req) => getPublicIntent(deps, req.params.id, req.query.secret));

    app.get('/:id/tickets', {
      schema: {
        tags: TAGS,
        summary: 'Get public PurchaseIntent tickets',
        description:
          'The tickets the intent issued (with `createTickets`, or at completion); an empty array before. `status` RESERVED until the intent is complete, ' +
          'then VALID; INVALID once it is canceled. `barcode` is the access code once revealed (`barcodeRevealed`), a placeholder before.',
        params: IntentParams,
        querystring: SecretQuery,
        security: [],
        response: { 200: PublicIntentTickets, ...ERRORS },
      },
    }, async (req) => getPublicIntentTickets(deps, req.params.id, req.query.secret));

    app.post('/checkout', {
      bodyLimit: BODY_LIMIT.anonymous,
      schema: {
        tags: TAGS,
        summary: 'Create a checkout for multiple PurchaseIntents',
        description:
          'One checkout for the sum of what each intent owes (its deposit, its balance after a deposit, or its realPrice). Every intent must be payable ' +
          '(new, approved, not expired, Online allowed) and belong to the same seller; all are paid together or none is. ' +
          SESSION_OR_PAYMENT,
        body: MultiCheckoutBody,
        querystring: CheckoutQuery,
        security: [],
        response: { 200: CheckoutAnswer, ...ERRORS },
      },
    }, async (req) => {
      const body = req.body as MultiBody;
      if (body.cardNumber === undefined) return createCheckoutSession(deps, { items: body.items, lang: req.query.lang });
      return checkoutIntents(deps, { items: body.items, cardNumber: body.cardNumber });
    });

    app.post('/:id/checkout', {
      bodyLimit: BODY_LIMIT.anonymous,
      schema: {
        tags: TAGS,
        summary: 'Create PurchaseIntent’s checkout',
        description:
          'Checks out the intent: refused (400, with the reason) unless it is new, approved, not expired and `Online` is allowed by `restrictedCompletion`. ' +
          'With a strategy deposit, the first payment charges the deposit only (recorded in `deposit`, the intent stays new) and the next one the rest. ' +
          'Completion: status complete, `transactionId`, `outcome.checkoutId`, tickets VALID. With `cardNumber`, a declined card is a 400 and changes nothing. ' +
          '`secret` in the body. ' +
          SESSION_OR_PAYMENT,
        params: IntentParams,
        body: SingleCheckoutBody,
        querystring: CheckoutQuery,
        security: [],
        response: { 200: CheckoutAnswer, ...ERRORS },
      },
    }, async (req) => {
      const body = req.body as SingleBody;
      const items = [{ purchaseIntentId: req.params.id, secret: body.secret }];
      if (body.cardNumber === undefined) return createCheckoutSession(deps, { items, salesChannelId: body.salesChannelId, lang: req.query.lang });
      return checkoutIntents(deps, { items, cardNumber: body.cardNumber, salesChannelId: body.salesChannelId });
    });

    app.post('/:id/cancel', {
      bodyLimit: BODY_LIMIT.anonymous,
      schema: {
        tags: TAGS,
        summary: 'Public Cancel a Purchase Intent',
        description:
          'The customer cancels: status canceled, reserved tickets INVALID, places released. Refused (400) when the strategy’s `cancellationStrategy` ' +
          'is notAllowed, when the intent is complete or already canceled, or while a payment is in progress. A paid deposit is kept.',
        params: IntentParams,
        body: CancelBody,
        security: [],
        response: { 200: PublicIntentResource, ...ERRORS },
      },
    }, async (req) => cancelPublicIntent(deps, req.params.id, (req.body as { secret?: string }).secret));
  };
}
