import { Type } from '@sinclair/typebox';
import { IdRef, Nullable, StringEnum } from '../../lib/schema.js';

const Colors = Type.Object({ background: Type.String(), text: Type.String(), accent: Type.String() });
const Cta = Type.Object({ label: Type.String(), url: Type.String({ format: 'uri' }) });

export const ComponentView = Type.Object({
  id: Type.String(),
  type: StringEnum(['button', 'banner', 'modal', 'list', 'map'] as const),
  class: StringEnum(['buy', 'sell'] as const),
  visible: Type.Boolean(),
  order: Type.Integer(),
  title: Type.String(),
  description: Type.String(),
  image: Type.Optional(Type.String()),
  colors: Colors,
  cta: Type.Optional(Cta),
  badge: Type.Optional(Type.String({ description: 'a button’s badge ("from 38 €")' })),
  trigger: Type.Optional(Type.String({ description: 'a modal’s button (its id)' })),
  body: Type.Optional(Type.String({ description: 'a modal’s text' })),
  reason: Type.Optional(Type.String({ description: 'why a hidden banner is hidden: RESALE_DISABLED, WINDOW_NOT_OPEN, WINDOW_CLOSED, EVENT_CANCELLED' })),
  availableFrom: Type.Optional(Type.String({ format: 'date-time' })),
  availableUntil: Type.Optional(Type.String({ format: 'date-time' })),
  items: Type.Optional(
    Type.Array(
      Type.Object({
        ticketOptionId: Type.String(),
        priceTypeId: Type.Optional(Type.String()),
        title: Type.String(),
        listingsCount: Type.Integer(),
        minPrice: Type.Number({ description: 'lowest all-in price (ticket + buyer fee)' }),
        maxPrice: Type.Number(),
        currency: Type.String(),
        faceValue: Type.Number(),
        url: Type.String({ format: 'uri' }),
      }),
    ),
  ),
  zones: Type.Optional(
    Type.Array(
      Type.Object({
        zoneId: Type.String(),
        name: Type.String(),
        ticketOptionIds: Type.Array(Type.String()),
        listingsCount: Type.Integer(),
        minPrice: Nullable(Type.Number()),
        currency: Type.String(),
        url: Type.String({ format: 'uri' }),
      }),
    ),
  ),
});

export const AccessLayerQuery = Type.Object({
  type: StringEnum(['buy', 'sell'] as const, 'buy: the resale buy components of a show; sell: its sell banner'),
  eventId: IdRef('your event’s externalReferenceId'),
  showId: Type.Optional(IdRef('required (the show the components are for)')),
  lang: Type.Optional(Type.String({ maxLength: 35, description: 'es or en (any BCP 47 tag; others fall back to your default language)' })),
});

export const AccessLayerView = Type.Object({ components: Type.Array(ComponentView) });

export const BulkQuery = Type.Object({
  type: Type.Optional(StringEnum(['buy'] as const)),
  lang: Type.Optional(Type.String({ maxLength: 35 })),
});

export const BulkBody = Type.Array(Type.Object({ eventId: IdRef(), showIds: Type.Array(IdRef(), { minItems: 1, maxItems: 100 }) }), {
  minItems: 1,
  maxItems: 100,
  examples: [[{ eventId: 'rock-2027', showIds: ['rock-2027-1'] }]],
});

export const BulkView = Type.Array(
  Type.Object({
    eventId: Type.String(),
    showId: Type.String(),
    components: Type.Optional(Type.Array(ComponentView)),
    error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  }),
);

const SELL_REASONS = ['RESALE_DISABLED', 'WINDOW_NOT_OPEN', 'WINDOW_CLOSED', 'TICKET_USED', 'TICKET_CANCELLED', 'EVENT_CANCELLED', 'NOT_OWNER', 'TICKET_LOCKED', 'LISTING_LIMIT'] as const;
const SELL_STATUSES = ['SELLABLE', 'NOT_SELLABLE', 'FOR_SALE', 'SOLD'] as const;

/** At most this many tickets (or orders) per call: a fan's "my tickets" page, not an export. */
export const MAX_SELL_TICKETS = 200;
export const MAX_SELL_ORDERS = 100;

export const SellBody = Type.Object(
  {
    user: Type.String({ format: 'email', maxLength: 254, description: 'the fan’s e-mail: whose tickets these are, and who the URLs sign in' }),
    tickets: Type.Optional(Type.Array(Type.Object({ ticketId: IdRef() }), { minItems: 1, maxItems: MAX_SELL_TICKETS, description: 'either tickets or orders' })),
    orders: Type.Optional(Type.Array(Type.Object({ orderId: IdRef() }), { minItems: 1, maxItems: MAX_SELL_ORDERS, description: 'either tickets or orders' })),
  },
  {
    examples: [
      { user: 'fan@example.com', tickets: [{ ticketId: 'T-1001' }, { ticketId: 'T-1002' }] },
      { user: 'fan@example.com', orders: [{ orderId: 'ORD-77' }] },
    ],
  },
);

export const SellQuery = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 35, description: 'es or en (any BCP 47 tag; others fall back to your default language)' })) });

const SellCtaView = Type.Object({
  type: StringEnum(['SELL', 'P2P', 'EDIT', 'DETAILS', 'PENDING_PAYOUT_INFO', 'MANAGE'] as const),
  label: Type.String(),
  url: Type.String({ format: 'uri', description: 'the hosted page, with a single-use `oneTimeToken` that signs the fan in (10 minutes)' }),
});

export const SellTicketView = Type.Object({
  ticketId: Type.String(),
  status: StringEnum(SELL_STATUSES),
  reason: Type.Optional(StringEnum(SELL_REASONS)),
  availableFrom: Type.Optional(Type.String({ format: 'date-time', description: 'WINDOW_NOT_OPEN: when resale opens' })),
  availableUntil: Type.Optional(Type.String({ format: 'date-time', description: 'SELLABLE: until when; WINDOW_CLOSED: when it closed' })),
  listing: Type.Optional(
    Type.Object({
      listingId: Type.String(),
      price: Type.Number({ description: 'the seller’s price per ticket, before fees' }),
      currency: Type.String(),
      status: StringEnum(['ACTIVE', 'RESERVED', 'SOLD', 'TERMINATED'] as const),
    }),
  ),
  ctas: Type.Array(SellCtaView),
});

export const SellOrderView = Type.Object({
  orderId: Type.String(),
  status: StringEnum(SELL_STATUSES),
  reason: Type.Optional(StringEnum(['NOT_OWNER'] as const, 'the fan holds no ticket of this order (or it does not exist)')),
  counts: Type.Object({ sellable: Type.Integer(), forSale: Type.Integer(), sold: Type.Integer(), notSellable: Type.Integer() }),
  ctas: Type.Array(SellCtaView),
  tickets: Type.Array(SellTicketView),
});

export const SellView = Type.Union([Type.Object({ tickets: Type.Array(SellTicketView) }), Type.Object({ orders: Type.Array(SellOrderView) })]);
