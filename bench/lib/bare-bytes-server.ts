/**
 * The pages benchmark's reference: a bare Fastify server answering `GET /page` with the bytes of the
 * file BYTES_FILE, read once into memory, as text/html. No database, no rendering: the ceiling of
 * this machine for sending that page over loopback. `tsx bench/lib/bare-bytes-server.ts` with PORT
 * and BYTES_FILE set.
 */
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

const bytes = readFileSync(process.env.BYTES_FILE ?? '');
const app = Fastify({ logger: false });

app.get('/health', async () => ({ status: 'ok' }));
app.get('/page', async (_req, reply) => reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(bytes));

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
