import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Id, Opt, StringEnum } from '../../lib/schema.js';

const Title = (description?: string) => Type.String({ minLength: 1, maxLength: 500, ...(description ? { description } : {}) });
const Text = (description?: string) => Type.String({ maxLength: 10000, ...(description ? { description } : {}) });
const Url = (description?: string) => Type.String({ minLength: 1, maxLength: 2000, ...(description ? { description } : {}) });
const Price = (description: string) => Type.Number({ minimum: 0, description });
const DateTimeText = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 64,
    description:
      `${description}; ISO 8601 date-time, e.g. 2027-06-01T21:00:00+02:00. Without an offset (2027-06-01T21:00:00) it is read in the event's ` +
      '`location.timeZone` (UTC when it has none) and stored with the offset',
  });

export const ShowStatus = Type.Union([Type.Literal('LIVE'), Type.Literal('CANCELLED')]);
export const EventStatus = Type.Union([Type.Literal('LIVE'), Type.Literal('CANCELLED')]);

const TicketOptionBody = Type.Object(
  {
    ticketId: Id('the ticket option id; tickets reference it as `ticketOptionId`'),
    title: Title(),
    description: Opt(Text()),
    price: Price('face value in major units of the event currency (e.g. 35.5)'),
    currency: Opt(
      Type.String({ maxLength: 3, description: 'must equal the event currency when given; names it when `configuration.currency` does not' }),
    ),
    capacity: Opt(Type.Integer({ minimum: 0, maximum: 2147483647 })),
    zoneId: Opt(Id('a `seating.zones[].zoneId` when the event has seating')),
  },
  { additionalProperties: false },
);

const PriceTypeBody = Type.Object(
  { priceTypeId: Id(), title: Title(), price: Opt(Price('price in major units, when the price type has one')) },
  { additionalProperties: false },
);

const CombinationBody = Type.Object(
  { ticketOptionId: Id(), priceTypeId: Id(), price: Price('price of this ticket option with this price type') },
  { additionalProperties: false },
);

const ImageBody = Type.Object(
  { url: Url(), kind: Opt(Type.String({ maxLength: 100, description: 'e.g. banner, thumbnail' })) },
  { additionalProperties: false },
);

export const ShowBody = Type.Object(
  {
    showId: Id('your id for the show, unique within the event'),
    title: Opt(Title()),
    description: Opt(Text()),
    date: DateTimeText('start'),
    endDate: Opt(DateTimeText('end, after `date`')),
    primarySalesUrl: Opt(Url()),
    images: Opt(Type.Array(ImageBody, { maxItems: 50 })),
    status: Type.Optional(
      StringEnum(['LIVE', 'CANCELLED'], 'omit to keep the current status; cancel through POST /v1/events/{externalReferenceId}/cancellation'),
    ),
    ticketOptions: Opt(Type.Array(TicketOptionBody, { maxItems: 1000 })),
    priceTypes: Opt(Type.Array(PriceTypeBody, { maxItems: 1000 })),
    combinations: Opt(Type.Array(CombinationBody, { maxItems: 10000, description: 'explicit prices for ticket option × price type pairs' })),
  },
  { additionalProperties: false },
);

/** Every member is optional (the reference requires none of them): an omitted one is simply absent from the stored event. */
const LocationBody = Type.Object(
  {
    venueName: Opt(Title()),
    address: Opt(Type.String({ maxLength: 1000 })),
    city: Opt(Type.String({ maxLength: 200 })),
    state: Opt(Type.String({ maxLength: 200 })),
    country: Opt(Type.String({ maxLength: 200 })),
    timeZone: Opt(Type.String({ maxLength: 100, description: 'IANA time zone, e.g. Europe/Madrid' })),
    raw: Opt(Type.String({ maxLength: 2000, description: 'the address as one free-text line' })),
    map: Opt(Type.Object({ thumbnail: Opt(Url()), googleMapsUrl: Opt(Url()) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

const ConfigurationBody = Type.Object(
  {
    policy: Opt(StringEnum(['NONE', 'OPTIONAL', 'MANDATORY'], 'will-call policy; default NONE')),
    instructions: Opt(Text()),
    hoursBeforeShow: Opt(Type.Number({ minimum: 0, maximum: 8760 })),
    currency: Opt(
      Type.String({
        maxLength: 3,
        description:
          'ISO 4217. Default: the currency the ticket options carry (they must agree), else the tenant currency. Fixed once the event exists',
      }),
    ),
    defaultPurchaseIntentStrategyId: Opt(Type.String({ maxLength: 200, description: 'Encore extension: strategy for purchase intents of this event' })),
  },
  { additionalProperties: false },
);

const ProducerBody = Type.Object(
  { name: Title(), taxId: Opt(Type.String({ maxLength: 200 })), email: Opt(Type.String({ maxLength: 320, format: 'email' })) },
  { additionalProperties: false },
);

const ZoneBody = Type.Object(
  { zoneId: Id(), name: Title(), ticketOptionIds: Type.Array(Id(), { maxItems: 1000 }) },
  { additionalProperties: false },
);

const SeatingBody = Type.Object(
  { mapImageUrl: Opt(Url()), zones: Opt(Type.Array(ZoneBody, { maxItems: 1000 })) },
  { additionalProperties: false },
);

const eventMembers = {
  externalReferenceId: Id('your id for the event, unique per tenant'),
  title: Title(),
  description: Text(),
  shows: Type.Array(ShowBody, {
    minItems: 1,
    maxItems: 1000,
    description: 'the shows (dates) of the event; a single show object is also accepted and treated as a one-element array',
  }),
  location: LocationBody,
  configuration: ConfigurationBody,
  producers: Opt(Type.Array(ProducerBody, { maxItems: 100 })),
  seating: Opt(SeatingBody),
};

/** POST: what the reference marks required (`title`, `description`, `externalReferenceId`, `shows`, `location`, `configuration`) is required. */
export const EventBody = Type.Object(eventMembers, { additionalProperties: false });
export type EventBody = Static<typeof EventBody>;
export type ShowBody = Static<typeof ShowBody>;

/**
 * PUT: only `externalReferenceId` is required. Each top-level member sent replaces the stored one as
 * a whole (`shows` the whole list, `location` the whole object; `null` clears `producers` or
 * `seating`); a member left out keeps its stored value.
 */
export const EventPutBody = Type.Object(
  {
    externalReferenceId: eventMembers.externalReferenceId,
    title: Type.Optional(eventMembers.title),
    description: Type.Optional(eventMembers.description),
    shows: Type.Optional(eventMembers.shows),
    location: Type.Optional(eventMembers.location),
    configuration: Type.Optional(eventMembers.configuration),
    producers: eventMembers.producers,
    seating: eventMembers.seating,
  },
  { additionalProperties: false },
);
export type EventPutBody = Static<typeof EventPutBody>;


// ---- views (responses) ----
const N = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Stamp = () => Type.String({ format: 'date-time' });

export const RuleType = Type.Union([Type.Literal('RESALE'), Type.Literal('TRANSFER'), Type.Literal('TICKET_SHIELD'), Type.Literal('FEES')]);

export const RuleView = Type.Object({
  id: Type.String({ examples: ['rul_01jg…'] }),
  externalReferenceEventId: Type.String(),
  showId: N(Type.String()),
  ticketOptionId: N(Type.String()),
  priceTypeId: N(Type.String()),
  ruleType: RuleType,
  rules: Type.Record(Type.String(), Type.Unknown(), { description: 'the rule settings; money in major units of `currency`' }),
  price: N(Type.Number()),
  currency: Type.String(),
  createdAt: Stamp(),
  updatedAt: Stamp(),
});
export type RuleView = Static<typeof RuleView>;

const TicketOptionView = Type.Object({
  ticketId: Type.String(),
  title: Type.String(),
  description: N(Type.String()),
  price: Type.Number(),
  currency: Type.String(),
  capacity: N(Type.Integer()),
  zoneId: N(Type.String()),
});

export const ShowView = Type.Object({
  id: Type.String({ description: 'Encore show id', examples: ['shw_01jg…'] }),
  showId: Type.String(),
  title: N(Type.String()),
  description: N(Type.String()),
  date: Type.String({ description: 'as sent; a date sent without an offset carries the offset of the event time zone it was read in' }),
  endDate: N(Type.String({ description: 'as `date`' })),
  primarySalesUrl: N(Type.String()),
  images: Type.Array(Type.Object({ url: Type.String(), kind: N(Type.String()) })),
  status: ShowStatus,
  cancelledAt: N(Stamp()),
  ticketOptions: Type.Array(TicketOptionView),
  priceTypes: Type.Array(Type.Object({ priceTypeId: Type.String(), title: Type.String(), price: N(Type.Number()) })),
  combinations: Type.Array(Type.Object({ ticketOptionId: Type.String(), priceTypeId: Type.String(), price: Type.Number() })),
});
export type ShowView = Static<typeof ShowView>;

const LocationView = Type.Object({
  venueName: Type.Optional(Type.String()),
  address: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  country: Type.Optional(Type.String()),
  timeZone: Type.Optional(Type.String()),
  raw: Type.Optional(Type.String()),
  map: Type.Optional(Type.Object({ thumbnail: Type.Optional(Type.String()), googleMapsUrl: Type.Optional(Type.String()) })),
});
export type LocationView = Static<typeof LocationView>;

const ConfigurationView = Type.Object({
  policy: Type.Union([Type.Literal('NONE'), Type.Literal('OPTIONAL'), Type.Literal('MANDATORY')], { description: 'NONE when it was not sent' }),
  instructions: Type.Optional(Type.String()),
  hoursBeforeShow: Type.Optional(Type.Number()),
  currency: Type.String(),
  defaultPurchaseIntentStrategyId: Type.Optional(Type.String()),
});
export type ConfigurationView = Static<typeof ConfigurationView>;

const ProducerView = Type.Object({ name: Type.String(), taxId: Type.Optional(Type.String()), email: Type.Optional(Type.String()) });
export type ProducerView = Static<typeof ProducerView>;

const SeatingView = Type.Object({
  mapImageUrl: Type.Optional(Type.String()),
  zones: Type.Array(Type.Object({ zoneId: Type.String(), name: Type.String(), ticketOptionIds: Type.Array(Type.String()) })),
});
export type SeatingView = Static<typeof SeatingView>;

export const EventView = Type.Object({
  id: Type.String({ description: 'Encore event id', examples: ['evt_01jg…'] }),
  externalReferenceId: Type.String(),
  title: Type.String(),
  description: Type.String(),
  status: EventStatus,
  location: LocationView,
  configuration: ConfigurationView,
  producers: Type.Array(ProducerView),
  seating: N(SeatingView),
  shows: Type.Array(ShowView),
  rules: Type.Array(RuleView),
  cancelledAt: N(Stamp()),
  createdAt: Stamp(),
  updatedAt: Stamp(),
});
export type EventView = Static<typeof EventView>;
