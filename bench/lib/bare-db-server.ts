/**
 * A database reference point for the events benchmark: the bare Fastify baseline of
 * bench/lib/bare-server.ts (same body schema, same reply envelope, no auth, no logging) plus ONE
 * parameterized `INSERT INTO bench_events (id, body) VALUES ($1, $2)` per request, autocommit, through
 * a `pg` Pool of 20 (the size of Encore's pool), on the embedded PostgreSQL of a running Encore
 * (`$DATA_DIR/pg`, Unix socket only, database `encore`). It shows what a single-statement endpoint
 * can reach on this machine and database, against which the ~9 statements of `POST /v1/events` are
 * set.
 *
 * Run as a child process while Encore's `serve` runs on the same DATA_DIR:
 * `tsx bench/lib/bare-db-server.ts` with PORT and DATA_DIR set; prints `listening` when ready.
 * Creates the table `bench_events (id text primary key, body jsonb)` if absent.
 */
import Fastify from 'fastify';
import path from 'node:path';
import pg from 'pg';
import { Body, Reply, replyFor, type BodyFields } from './bare-schema.js';

const dataDir = process.env.DATA_DIR;
if (!dataDir) throw new Error('DATA_DIR must name the data folder of a running Encore');

const pool = new pg.Pool({ host: path.join(dataDir, 'pg'), port: 5432, user: 'postgres', database: 'encore', max: 20 });
// An idle client's connection dropping (the server shutting down) must not crash the process.
pool.on('error', (err) => process.stderr.write(`pg pool: ${err.message}\n`));

await pool.query('CREATE TABLE IF NOT EXISTS bench_events (id text PRIMARY KEY, body jsonb)');

const app = Fastify({ logger: false });

// Ready means the database answers too.
app.get('/health', async () => {
  await pool.query('SELECT 1');
  return { status: 'ok' };
});

app.post('/v1/events', { schema: { body: Body, response: { 200: Reply } } }, async (req) => {
  const body = req.body as BodyFields;
  await pool.query('INSERT INTO bench_events (id, body) VALUES ($1, $2)', [body.externalReferenceId, JSON.stringify(req.body)]);
  return replyFor(body);
});

const port = Number(process.env.PORT ?? 0);
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`listening on ${port}\n`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    app
      .close()
      .then(() => pool.end())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}
