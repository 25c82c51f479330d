import { Type, type Static } from '@sinclair/typebox';

const Money = Type.Number({ description: 'major units of `currency`' });
const ListingId = Type.String({ minLength: 1, maxLength: 100 });

export const BuyIntentionBody = Type.Object(
  {
    items: Type.Array(ListingId, { minItems: 1, maxItems: 20, description: 'listing ids (from the listed tickets of an event), of one show' }),
    user: Type.String({ format: 'email', maxLength: 254, description: 'the buyer’s email' }),
  },
  { additionalProperties: false },
);
export type BuyIntentionBody = Static<typeof BuyIntentionBody>;

export const CheckoutUrlBody = Type.Object(
  { listingIds: Type.Array(ListingId, { minItems: 1, maxItems: 20, description: 'listings of one event, show and ticket option' }) },
  { additionalProperties: false },
);

export const CheckoutUrlQuery = Type.Object({
  lang: Type.Optional(Type.String({ maxLength: 35, description: 'any BCP 47 tag; `es` or `en` by its primary subtag, otherwise your default language' })),
  'loginTrust[withMethod]': Type.Optional(Type.String({ maxLength: 20, description: 'email: sign the buyer in on the checkout page' })),
  'loginTrust[user]': Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
});

export const IntentionParams = Type.Object({ intentionId: Type.String({ minLength: 1, maxLength: 100 }) });
export const SecretQuery = Type.Object({ secret: Type.String({ minLength: 1, maxLength: 200 }) });

export const PayBody = Type.Object(
  {
    secret: Type.String({ minLength: 1, maxLength: 200, description: 'the `secret` query parameter of the intention’s paymentUrl' }),
    cardNumber: Type.String({ minLength: 1, maxLength: 40, description: 'sandbox test cards: 4242424242424242 succeeds, 4000000000000002 is declined, 4000000000000259 fails after a delay, 4000000000003253 succeeds after a delay' }),
    buyerEmail: Type.Optional(Type.String({ format: 'email', maxLength: 254, description: 'required when the intention has no buyer yet (a checkout URL without login trust); it holds for this attempt only (a declined card clears it). When the integrator named the buyer, leave it out or send the same address (another one is 400).' })),
    holderFirstName: Type.Optional(Type.String({ maxLength: 100, description: 'the named holder’s first name; required (with holderLastName) when the event’s `configuration.policy` is MANDATORY. The tickets then carry the holder’s name' })),
    holderLastName: Type.Optional(Type.String({ maxLength: 100, description: 'the named holder’s last name; required when the event’s `configuration.policy` is MANDATORY' })),
  },
  { additionalProperties: false },
);
export type PayBody = Static<typeof PayBody>;

export const IntentionItemView = Type.Object({
  listingId: Type.String(),
  type: Type.Union([Type.Literal('SINGLE'), Type.Literal('PACK')]),
  quantity: Type.Integer(),
  ticketIds: Type.Array(Type.String()),
  price: Type.Number({ description: 'per ticket' }),
  fees: Type.Number({ description: 'buyer fee per ticket' }),
  total: Type.Number({ description: 'the item in all: (price + fees) × quantity' }),
});

export const IntentionStatusSchema = Type.Union([
  Type.Literal('RESERVED'),
  Type.Literal('PAYING'),
  Type.Literal('COMPLETED'),
  Type.Literal('EXPIRED'),
  Type.Literal('CANCELLED'),
  Type.Literal('REFUNDED'),
]);

export const IntentionView = Type.Object({
  intentionId: Type.String({ examples: ['bi_01jg…'] }),
  status: IntentionStatusSchema,
  expiresAt: Type.String({ format: 'date-time' }),
  items: Type.Array(IntentionItemView),
  subtotal: Money,
  fees: Money,
  total: Money,
  currency: Type.String(),
  user: Type.Union([Type.String(), Type.Null()]),
  paymentUrl: Type.Union([Type.String({ format: 'uri' }), Type.Null()], { description: 'only in the answer that created the intention: the secret is not stored' }),
  orderId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type IntentionView = Static<typeof IntentionView>;

export const OrderView = Type.Object({
  orderId: Type.String(),
  intentionId: Type.String(),
  status: Type.Union([Type.Literal('COMPLETED'), Type.Literal('REFUND_PENDING'), Type.Literal('REFUNDED')]),
  outcome: Type.String({ description: 'PAID, PAID_AFTER_HOLD_EXPIRED, REFUNDED_LISTINGS_UNAVAILABLE, REFUNDED_SHOW_CANCELLED…' }),
  refundReason: Type.Union([Type.String(), Type.Null()]),
  buyerEmail: Type.String(),
  ticketIds: Type.Array(Type.String()),
  subtotal: Money,
  fees: Money,
  total: Money,
  currency: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  refundedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type OrderView = Static<typeof OrderView>;

export const PaymentView = Type.Object({
  paymentId: Type.String(),
  provider: Type.String(),
  status: Type.Union([Type.Literal('PROCESSING'), Type.Literal('SUCCEEDED'), Type.Literal('DECLINED'), Type.Literal('FAILED'), Type.Literal('REFUNDED')]),
  amount: Money,
  currency: Type.String(),
  cardLast4: Type.Union([Type.String(), Type.Null()]),
  failureCode: Type.Union([Type.String(), Type.Null()]),
  failureMessage: Type.Union([Type.String(), Type.Null()]),
});

export const PayResultView = Type.Object({
  intention: IntentionView,
  payment: PaymentView,
  order: Type.Union([OrderView, Type.Null()]),
});
export type PayResultView = Static<typeof PayResultView>;
