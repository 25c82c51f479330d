const t0 = performance.now();
const lap = (l: string) => console.log(`${(performance.now() - t0).toFixed(0).padStart(6)} ms  ${l}`);
for (const m of ['kysely', 'pg', 'pg-boss', '/work/main/src/db/kysely.js', '/work/main/src/db/migrate.js', '/work/main/src/jobs/queue.js', 'fastify', '/work/main/src/app/server.js']) {
  await import(m);
  lap(m);
}
