import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Opt, StringEnum } from '../../lib/schema.js';

export const LEAD_TYPES = ['TICKET_HOLDER', 'ABANDONED_CART', 'VIRTUAL_QUEUE', 'WISHLIST'] as const;

const Text = (max: number, description?: string) => Type.String({ maxLength: max, ...(description ? { description } : {}) });
const FreeObject = (description: string) => Type.Object({}, { additionalProperties: true, maxProperties: 50, description });

/** Who the lead is: at least one of `email`, `phone` (E.164), `id` (checked by the service, naming `buyer`). */
export const LeadBuyer = Type.Object({
  email: Opt(Type.String({ format: 'email', maxLength: 254, description: 'lower-cased on the way in' })),
  phone: Opt(Type.String({ minLength: 1, maxLength: 32, description: 'E.164 (+34600111222); spaces, dashes and brackets are ignored' })),
  id: Opt(Id('the buyer’s id in your platform')),
  firstName: Opt(Text(200)),
  lastName: Opt(Text(200)),
  name: Opt(Text(400)),
});

/** One lead, as the reference's four lead bodies have it (their union: `type` says which). */
export const LeadBody = Type.Object(
  {
    type: StringEnum(LEAD_TYPES, 'TICKET_HOLDER (needs ticketId and price), ABANDONED_CART, VIRTUAL_QUEUE or WISHLIST'),
    externalReferenceEventId: Id('the event'),
    showId: Opt(Id('the show; may be left out when the event has one show')),
    ticketId: Opt(Id('the ticket the fan holds (TICKET_HOLDER) or wanted')),
    buyer: LeadBuyer,
    price: Opt(Type.Number({ minimum: 0, maximum: 10_000_000, description: 'major units; for a WISHLIST lead, the most the fan will pay' })),
    currency: Opt(Type.String({ minLength: 3, maxLength: 3, pattern: '^[A-Za-z]{3}$', description: 'ISO 4217; the event’s currency when left out' })),
    ticketOptionId: Opt(Id()),
    priceTypeId: Opt(Id()),
    date: Opt(Type.String({ format: 'date-time', maxLength: 40 })),
    purchaseDate: Opt(Type.String({ format: 'date-time', maxLength: 40, description: 'the bulk body’s name for `date`' })),
    seating: Opt(FreeObject('where the ticket is (TICKET_HOLDER)')),
    metadata: Opt(FreeObject('anything you want back with the lead')),
    tags: Opt(Type.Array(Text(100), { maxItems: 50 })),
    attributes: Opt(Type.Array(Text(100), { maxItems: 50 })),
  },
  { examples: [{ type: 'WISHLIST', externalReferenceEventId: 'rock-2027', showId: 'rock-2027-1', buyer: { email: 'fan@example.com' }, ticketOptionId: 'ga', price: 40 }] },
);
export type LeadBody = Static<typeof LeadBody>;

export const LeadView = Type.Object({
  id: Type.String(),
  type: StringEnum(LEAD_TYPES),
  externalReferenceEventId: Type.String(),
  showId: Type.String(),
  ticketId: Nullable(Type.String()),
  ticketOptionId: Nullable(Type.String()),
  priceTypeId: Nullable(Type.String()),
  buyer: Type.Object({ email: Nullable(Type.String()), phone: Nullable(Type.String()), id: Nullable(Type.String()) }, { additionalProperties: true }),
  price: Nullable(Type.Number()),
  currency: Nullable(Type.String()),
  date: Nullable(Type.String({ format: 'date-time' })),
  seating: Nullable(Type.Object({}, { additionalProperties: true })),
  metadata: Nullable(Type.Object({}, { additionalProperties: true })),
  tags: Type.Array(Type.String()),
  attributes: Type.Array(Type.String()),
  history: Type.Array(Type.Object({ type: Type.String(), from: Nullable(Type.String()), at: Type.String() }), { description: 'the lead’s types over time, oldest first' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type LeadView = Static<typeof LeadView>;
