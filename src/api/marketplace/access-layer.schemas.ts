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
