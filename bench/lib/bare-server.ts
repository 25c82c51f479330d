/**
 * The baseline for the events benchmark: a bare Fastify server with one POST route that validates a
 * body shaped like an event (nested shows, ticket options, price types) against a JSON schema and
 * answers JSON in the same envelope. No database, no auth, no logging: the ceiling of this machine
 * for "parse + validate + serialise" over loopback. Run as a child process: `tsx bench/lib/bare-server.ts`
 * with PORT set; prints `listening` when ready.
 */
import Fastify from 'fastify';
import { Body, Reply, replyFor, type BodyFields } from './bare-schema.js';

const app = Fastify({ logger: false });

app.get('/health', async () => ({ status: 'ok' }));

app.post('/v1/events', { schema: { body: Body, response: { 200: Reply } } }, async (req) => {
  const body = req.body as BodyFields;
  return replyFor(body);
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
