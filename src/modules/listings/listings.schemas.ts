import { Type, type Static } from '@sinclair/typebox';

const Email = Type.String({ format: 'email', maxLength: 254 });
const Money = Type.Number({ minimum: 0, description: 'major units of the event currency (55.5)' });

export const CreateListingBody = Type.Object(
  {
    ticketIds: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 50, description: 'one ticket (SINGLE) or several of one order (PACK)' }),
    price: Type.Number({ minimum: 0, maximum: 10_000_000, description: 'price per ticket, in major units of the event currency' }),
    sellerEmail: Email,
  },
  { additionalProperties: false },
);
export type CreateListingBody = Static<typeof CreateListingBody>;

export const PatchListingBody = Type.Object({ price: Type.Number({ minimum: 0, maximum: 10_000_000, description: 'the new price per ticket' }) }, { additionalProperties: false });
export const ListingParams = Type.Object({ listingId: Type.String({ minLength: 1, maxLength: 100 }) });
export const TicketParams = Type.Object({ ticketId: Type.String({ minLength: 1, maxLength: 200 }) });
export const ListingByTicketQuery = Type.Object({ sellerEmail: Type.Optional(Email) });
export const EventParams = Type.Object({ eventId: Type.String({ minLength: 1, maxLength: 200, description: 'the integrator’s event id (externalReferenceId)' }) });
export const BrowseQuery = Type.Object({
  showId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the integrator’s show id' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

const Seat = Type.Object({
  ticketId: Type.String(),
  row: Type.Optional(Type.String()),
  seat: Type.Optional(Type.String()),
  section: Type.Optional(Type.String()),
  door: Type.Optional(Type.String()),
});

const Fees = Type.Object({ buyer: Money, seller: Money }, { description: 'fees per ticket' });

export const ListingView = Type.Object({
  listingId: Type.String({ examples: ['lst_01jg…'] }),
  type: Type.Union([Type.Literal('SINGLE'), Type.Literal('PACK')]),
  status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('RESERVED'), Type.Literal('SOLD'), Type.Literal('TERMINATED')]),
  quantity: Type.Integer(),
  ticketIds: Type.Array(Type.String()),
  price: Type.Number({ description: 'per ticket, what the seller asks' }),
  fees: Fees,
  total: Type.Number({ description: 'per ticket, what the buyer pays (price + buyer fee)' }),
  currency: Type.String(),
  amounts: Type.Object(
    { subtotal: Money, buyerFees: Money, total: Money, sellerFees: Money, payout: Money },
    { description: 'the whole listing: what the buyer pays in all, and what the seller is paid' },
  ),
  seller: Type.Object({ email: Type.String() }),
  externalReferenceEventId: Type.String(),
  showId: Type.String(),
  ticketOptionId: Type.String(),
  priceTypeId: Type.Union([Type.String(), Type.Null()]),
  seats: Type.Array(Seat),
  orderId: Type.Union([Type.String(), Type.Null()]),
  reservedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  endedReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ListingView = Static<typeof ListingView>;

export const ListedTicketView = Type.Object({
  listingId: Type.String(),
  type: Type.Union([Type.Literal('SINGLE'), Type.Literal('PACK')]),
  quantity: Type.Integer(),
  ticketIds: Type.Array(Type.String()),
  price: Type.Number({ description: 'per ticket' }),
  fees: Type.Number({ description: 'buyer fee per ticket' }),
  total: Type.Number({ description: 'per ticket, price + fees' }),
  currency: Type.String(),
  showId: Type.String(),
  ticketOption: Type.Object({ ticketOptionId: Type.String(), title: Type.Union([Type.String(), Type.Null()]) }),
  priceType: Type.Union([Type.Object({ priceTypeId: Type.String(), title: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  seats: Type.Array(Seat),
});
export type ListedTicketView = Static<typeof ListedTicketView>;
