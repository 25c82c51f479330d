import { Type } from '@sinclair/typebox';
import { Id, IdRef, Nullable, Opt, StringEnum } from '../../lib/schema.js';
import { LEAD_TYPES, LeadView } from '../../modules/market-data/index.js';

/** The numbers both inventory calls take (SPEC §6): all optional; left out or null keeps what is stored. */
const numbers = {
  capacity: Opt(Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'places of the show (or of the ticket option / price type)', examples: [5000] })),
  releasedTickets: Opt(Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'places put on sale so far; at most `capacity`', examples: [5000] })),
  reservedSpace: Opt(Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'places held back (production, guests); at most `capacity`', examples: [100] })),
  soldOut: Opt(Type.Boolean({ description: 'the primary sale is sold out' })),
  soldPercentage: Opt(Type.Number({ minimum: 0, maximum: 100, description: 'share of the places sold, 0–100', examples: [75] })),
};

export const InventoryParams = Type.Object({ externalReferenceId: IdRef('the event’s externalReferenceId') });
export const InventoryQuery = Type.Object({ showId: Type.Optional(IdRef('required when the event has several shows')) });

export const InventoryBody = Type.Object(numbers, { examples: [{ capacity: 5000, releasedTickets: 5000, reservedSpace: 100, soldOut: false, soldPercentage: 75 }] });

const DetailItem = Type.Object({
  showId: Opt(Id('the show; may be left out when the event has one show')),
  ticketOptionId: Opt(Id('narrows the item to one ticket option of the show')),
  priceTypeId: Opt(Id('narrows the item to one price type')),
  ...numbers,
});

/** `{items: [...]}` as the reference has it; a bare array of items (menta's guide) is accepted too. */
export const InventoryDetailsBody = Type.Union(
  [Type.Object({ items: Type.Array(DetailItem, { maxItems: 1000 }) }), Type.Array(DetailItem, { maxItems: 1000 })],
  { examples: [{ items: [{ showId: 'rock-2027-1', ticketOptionId: 'ga', capacity: 800, releasedTickets: 600, soldPercentage: 40 }] }] },
);

const InventoryItemView = Type.Object({
  showId: Type.String(),
  ticketOptionId: Nullable(Type.String()),
  priceTypeId: Nullable(Type.String()),
  capacity: Nullable(Type.Integer()),
  releasedTickets: Nullable(Type.Integer()),
  reservedSpace: Nullable(Type.Integer()),
  soldOut: Nullable(Type.Boolean()),
  soldPercentage: Nullable(Type.Number()),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const ShowInventoryView = Type.Intersect([Type.Object({ externalReferenceId: Type.String() }), InventoryItemView]);
export const InventoryDetailsView = Type.Object({ externalReferenceId: Type.String(), items: Type.Array(InventoryItemView) });
export const StoredInventoryView = Type.Object({
  externalReferenceId: Type.String(),
  shows: Type.Array(Type.Object({ showId: Type.String(), inventory: Nullable(InventoryItemView), details: Type.Array(InventoryItemView) })),
});

export const LeadsBulkBody = Type.Array(Type.Unknown({ description: 'one lead body (see POST /v1/marketdata/users), validated on its own' }), {
  minItems: 1,
  maxItems: 1000,
  examples: [[{ type: 'ABANDONED_CART', externalReferenceEventId: 'rock-2027', showId: 'rock-2027-1', buyer: { phone: '+34600111222' } }]],
});

export const LeadsBulkResult = Type.Array(
  Type.Object({
    index: Type.Integer({ description: 'position in the request' }),
    status: StringEnum(['created', 'updated', 'error'] as const),
    errors: Nullable(Type.Array(Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }))),
    lead: Nullable(LeadView),
  }),
);

export const LeadsQuery = Type.Object({
  externalReferenceEventId: Type.Optional(IdRef()),
  showId: Type.Optional(IdRef('needs externalReferenceEventId')),
  type: Type.Optional(StringEnum(LEAD_TYPES)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
});

export const LeadParams = Type.Object({ id: IdRef('the lead’s Encore id (ld_…)') });
export const ErasedView = Type.Object({ id: Type.String(), erased: Type.Literal(true) });

const Money = (description: string) => Nullable(Type.Number({ description }));
export const MarketDepthView = Type.Object({
  externalReferenceId: Type.String(),
  currency: Type.String(),
  at: Type.String({ format: 'date-time', description: 'when the figures were read' }),
  shows: Type.Array(
    Type.Object({
      showId: Type.String(),
      options: Type.Array(
        Type.Object({
          ticketOptionId: Type.String(),
          title: Type.String(),
          faceValue: Type.Number({ description: 'the option’s price in the catalogue' }),
          listings: Type.Integer({ description: 'listings a buyer can take now' }),
          tickets: Type.Integer({ description: 'tickets in those listings' }),
          held: Type.Integer({ description: 'listings held by a buyer right now' }),
          minAsk: Money('lowest asking price per ticket (no buyer fee)'),
          medianAsk: Money('median asking price per ticket'),
          maxAsk: Money('highest asking price per ticket'),
          soldLast24h: Type.Integer({ description: 'resale tickets sold in the last 24 hours' }),
          medianMinutesToSell: Nullable(Type.Integer({ description: 'median time from listing to sale, over every sale of the option' })),
          wishlistLeads: Type.Integer({ description: 'WISHLIST leads naming the option or the whole show' }),
        }),
      ),
    }),
  ),
});
