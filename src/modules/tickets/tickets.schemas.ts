import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Opt, StringEnum } from '../../lib/schema.js';

/** The ticket body of the reference (SPEC §3); unknown fields are ignored at the edge (ADR 0013). */
const Name = (description?: string) => Type.String({ minLength: 1, maxLength: 300, ...(description ? { description } : {}) });
const Url = () => Type.String({ minLength: 1, maxLength: 2000 });
const Email = (description?: string) => Type.String({ maxLength: 320, format: 'email', ...(description ? { description } : {}) });
const Currency = () => Type.String({ minLength: 3, maxLength: 3, description: 'ISO 4217; must be the event currency' });

export const BuyerObject = Type.Object(
  {
    email: Opt(Email()),
    phone: Opt(Type.String({ minLength: 1, maxLength: 50 })),
    id: Opt(Id('the buyer’s id in your system')),
    firstName: Opt(Name()),
    lastName: Opt(Name()),
  },
  { additionalProperties: false, description: 'at least one of `email`, `phone`, `id`' },
);
export type BuyerObject = Static<typeof BuyerObject>;

const Buyer = Type.Union([Email('the buyer’s email'), BuyerObject], { description: 'the owner: an email, or an object with at least one identifier' });

export const PriceObject = Type.Object(
  { amount: Type.Number({ minimum: 0, description: 'major units (e.g. 35.5)' }), currency: Currency() },
  { additionalProperties: false },
);
const Price = Type.Union([Type.Number({ minimum: 0, description: 'major units of the event currency' }), PriceObject, Type.Null()], {
  description: 'a number in major units (with an optional sibling `currency`) or `{amount, currency}`',
});

const TicketAccess = Type.Object(
  {
    type: StringEnum(['URL', 'API', 'OTHER']),
    locator: Type.String({ minLength: 1, maxLength: 2000, description: 'the access code (a URL, a barcode value, …)' }),
    status: Type.Optional(StringEnum(['LOCKED', 'UNLOCKED'], 'default UNLOCKED')),
  },
  { additionalProperties: false },
);

const PrimarySaleBuyerData = Type.Object(
  {
    firstName: Opt(Name()),
    lastName: Opt(Name()),
    identificationType: Opt(Type.String({ minLength: 1, maxLength: 50 })),
    identificationNumber: Opt(Type.String({ minLength: 1, maxLength: 100 })),
    phoneNumber: Opt(Type.String({ maxLength: 16, pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164, e.g. +34600123456' })),
  },
  { additionalProperties: false },
);

const NominalTicket = Type.Object(
  { fullName: Name('the holder named on the ticket'), identification: Opt(Type.String({ minLength: 1, maxLength: 100 })) },
  { additionalProperties: false },
);

const Props = Type.Object(
  {
    seating: Opt(
      Type.Object(
        {
          row: Opt(Type.String({ maxLength: 100 })),
          seat: Opt(Type.String({ maxLength: 100 })),
          section: Opt(Type.String({ maxLength: 100 })),
          door: Opt(Type.String({ maxLength: 100 })),
          image: Opt(Url()),
        },
        { additionalProperties: false },
      ),
    ),
    urls: Opt(Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Url(), { maxProperties: 20, description: 'named links, e.g. {"pdf": "https://…"}' })),
  },
  { additionalProperties: false },
);

const PrimarySalesFee = Type.Object(
  {
    type: StringEnum(['FIXED', 'PERCENTAGE']),
    value: Type.Number({ minimum: 0, description: 'FIXED: major units of the event currency; PERCENTAGE: 0..100' }),
  },
  { additionalProperties: false },
);

const Tag = Type.String({ maxLength: 200, pattern: '^[^:]+:.+$', description: '"key:value"' });

/** Every field of a ticket; `required` differs between creation and PUT. */
const fields = {
  externalReferenceEventId: Id('the event’s `externalReferenceId`'),
  showId: Type.Optional(Nullable(Id('required when the event has several shows'))),
  buyer: Buyer,
  ticketId: Id('your id for the ticket, unique per integrator'),
  ticketAccess: TicketAccess,
  ticketOptionId: Id('a ticket option (`ticketOptions[].ticketId`) of the show'),
  priceTypeId: Opt(Id('a price type of the show')),
  price: Type.Optional(Price),
  currency: Opt(Currency()),
  buyerEmailExternal: Opt(Type.String({ maxLength: 320 })),
  primarySaleBuyerData: Opt(PrimarySaleBuyerData),
  nominalTicket: Opt(NominalTicket),
  props: Opt(Props),
  primarySalesFee: Opt(PrimarySalesFee),
  orderId: Opt(Id('groups tickets bought together')),
  tags: Opt(Type.Array(Tag, { maxItems: 50 })),
};

export const TicketBody = Type.Object(fields, { additionalProperties: false });
export type TicketBody = Static<typeof TicketBody>;

export const MAX_ASYNC_BATCH = 5000;
export const MAX_SYNC_BATCH = 1000;

export const AsyncTicketsBody = Type.Array(TicketBody, { minItems: 1, maxItems: MAX_ASYNC_BATCH });
export const SyncTicketsBody = Type.Array(TicketBody, { minItems: 1, maxItems: MAX_SYNC_BATCH });

/** PUT: any subset of the fields (at least one); `ticketId`, when given, must be the path's. */
export const TicketPatchBody = Type.Object(
  {
    ...fields,
    externalReferenceEventId: Type.Optional(fields.externalReferenceEventId),
    buyer: Type.Optional(fields.buyer),
    ticketId: Type.Optional(fields.ticketId),
    ticketAccess: Type.Optional(fields.ticketAccess),
    ticketOptionId: Type.Optional(fields.ticketOptionId),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type TicketPatchBody = Static<typeof TicketPatchBody>;

export const TicketParams = Type.Object({ ticketId: Type.String({ minLength: 1, maxLength: 200 }) });
export const JobParams = Type.Object({ jobId: Type.String({ minLength: 1, maxLength: 100 }) });

const ResultError = Type.Object({
  code: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String({ description: 'JSON path in the request, e.g. `[3].ticketAccess.locator`' })),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const TicketResult = Type.Object({
  ticketId: Type.Union([Type.String(), Type.Null()]),
  status: StringEnum(['CREATED', 'UNCHANGED', 'ERROR']),
  errors: Type.Optional(Type.Array(ResultError)),
});
export type TicketResult = Static<typeof TicketResult>;

export const JobAccepted = Type.Object({ jobId: Type.String(), accepted: Type.Integer() });

export const JobView = Type.Object({
  jobId: Type.String(),
  status: StringEnum(['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED']),
  total: Type.Integer(),
  processed: Type.Integer(),
  succeeded: Type.Integer({ description: 'created or unchanged (identical re-send)' }),
  failed: Type.Integer(),
  errors: Type.Array(
    Type.Object({
      index: Type.Integer({ description: 'position of the ticket in the batch' }),
      ticketId: Type.Union([Type.String(), Type.Null()]),
      code: Type.String(),
      message: Type.String(),
      field: Type.Optional(Type.String()),
    }),
  ),
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  completedAt: Type.Union([Type.String(), Type.Null()]),
});
export type JobView = Static<typeof JobView>;

const HistoryEntry = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  kind: Type.String({ description: 'CREATED, UPDATED, OWNER_CHANGED, ACCESS_CHANGED, DELETED, CANCELLED, ADMITTED, …' }),
  actor: Type.String(),
  data: Type.Unknown(),
});

const Json = Type.Unknown();

export const TicketView = Type.Object({
  ticketId: Type.String(),
  externalReferenceEventId: Type.String(),
  showId: Type.String(),
  ticketOptionId: Type.String(),
  priceTypeId: Type.Union([Type.String(), Type.Null()]),
  buyer: Json,
  buyerEmailExternal: Type.Union([Type.String(), Type.Null()]),
  ticketAccess: Type.Object({
    type: Type.String(),
    locator: Type.Union([Type.String(), Type.Null()], { description: 'null while a resold ticket waits for its new code' }),
    status: Type.String(),
    version: Type.Integer(),
    reissuePending: Type.Boolean({ description: 'true after a resale until the integrator sends the new code by PUT (the ticket stays LOCKED)' }),
  }),
  price: Type.Union([Type.Number(), Type.Null()]),
  currency: Type.String(),
  primarySaleBuyerData: Json,
  nominalTicket: Json,
  props: Json,
  primarySalesFee: Json,
  orderId: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  status: Type.String(),
  statusReason: Type.Union([Type.String(), Type.Null()]),
  admission: Type.Union([
    Type.Object({ entryDate: Type.String(), admittedAt: Type.String(), locator: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  history: Type.Array(HistoryEntry),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type TicketView = Static<typeof TicketView>;
