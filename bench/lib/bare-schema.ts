import { randomUUID } from 'node:crypto';
/**
 * The body and reply schemas shared by the events benchmark's baseline servers
 * (bench/lib/bare-server.ts and bench/lib/bare-db-server.ts): a body shaped like an event (nested
 * shows, ticket options, price types) and a small JSON envelope, so that both baselines parse,
 * validate and serialise exactly the same thing.
 */
import { Type } from '@sinclair/typebox';

const Str = (max = 500) => Type.String({ minLength: 1, maxLength: max });

const Show = Type.Object(
  {
    showId: Str(200),
    title: Type.Optional(Str()),
    date: Str(64),
    ticketOptions: Type.Array(
      Type.Object(
        {
          ticketId: Str(200),
          title: Str(),
          description: Type.Optional(Type.String({ maxLength: 10000 })),
          price: Type.Number({ minimum: 0 }),
          capacity: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 1000 },
    ),
    priceTypes: Type.Array(Type.Object({ priceTypeId: Str(200), title: Str() }, { additionalProperties: false }), { maxItems: 1000 }),
  },
  { additionalProperties: false },
);

export const Body = Type.Object(
  {
    externalReferenceId: Str(200),
    title: Str(),
    description: Type.String({ maxLength: 10000 }),
    location: Type.Object(
      { venueName: Str(), address: Type.Optional(Str(1000)), city: Type.Optional(Str(200)), country: Type.Optional(Str(200)), timeZone: Type.Optional(Str(100)) },
      { additionalProperties: false },
    ),
    configuration: Type.Object({ policy: Type.String({ enum: ['NONE', 'OPTIONAL', 'MANDATORY'] }), currency: Type.Optional(Type.String({ maxLength: 3 })) }, { additionalProperties: false }),
    producers: Type.Optional(Type.Array(Type.Object({ name: Str(), email: Type.Optional(Type.String({ format: 'email' })) }, { additionalProperties: false }))),
    shows: Type.Array(Show, { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false },
);

export const Reply = Type.Object({
  status: Type.Integer(),
  data: Type.Object({ id: Type.String(), externalReferenceId: Type.String(), title: Type.String(), shows: Type.Integer() }),
  errors: Type.Null(),
});

/** The fields of a validated body that the baselines read. */
export interface BodyFields {
  externalReferenceId: string;
  title: string;
  shows: unknown[];
}

/** The small envelope both baselines answer with. */
export function replyFor(body: BodyFields) {
  return { status: 200, data: { id: `evt_${randomUUID()}`, externalReferenceId: body.externalReferenceId, title: body.title, shows: body.shows.length }, errors: null };
}
