/**
 * The baseline for the events benchmark: a bare Fastify server with one POST route that validates a
 * body shaped like an event (nested shows, ticket options, price types) against a JSON schema and
 * answers JSON in the same envelope. No database, no auth, no logging: the ceiling of this machine
 * for "parse + validate + serialise" over loopback. Run as a child process: `tsx bench/lib/bare-server.ts`
 * with PORT set; prints `listening` when ready.
 */
import { Type } from '@sinclair/typebox';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';

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

const Body = Type.Object(
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

const Reply = Type.Object({
  status: Type.Integer(),
  data: Type.Object({ id: Type.String(), externalReferenceId: Type.String(), title: Type.String(), shows: Type.Integer() }),
  errors: Type.Null(),
});

const app = Fastify({ logger: false });

app.get('/health', async () => ({ status: 'ok' }));

app.post('/v1/events', { schema: { body: Body, response: { 200: Reply } } }, async (req) => {
  const body = req.body as { externalReferenceId: string; title: string; shows: unknown[] };
  return { status: 200, data: { id: `evt_${randomUUID()}`, externalReferenceId: body.externalReferenceId, title: body.title, shows: body.shows.length }, errors: null };
});

const port = Number(process.env.PORT ?? 0);
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`listening on ${port}\n`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
