import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { call, createEvents, ticket } from '../src/modules/tickets/tickets.fixtures.js';
import { waitFor } from './fake-receiver.js';
import { useContext } from './harness.js';

const CLI = path.resolve(import.meta.dirname, '../src/app/cli.ts');

function startWorker(databaseUrl: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'worker'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/**
 * Acceptance (issue 3, item 4): an `encore worker` process killed with SIGKILL in the middle of an
 * ingestion job loses nothing and duplicates nothing; a new worker finishes the job.
 */
describe('ingestion survives a worker killed mid-job', () => {
  const ctx = useContext(); // enqueues only: no workers in this process
  const cleanup: Array<() => Promise<unknown> | void> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('a job of 5,000 tickets: SIGKILL after the first chunk, a second worker completes it, every ticket once', async () => {
    const tenant = await ctx.createTenant('crash');
    await createEvents(ctx, tenant.apiKey);
    // The first chunk (1,000 tickets) is for one event, the rest for another whose ticket writers
    // this test blocks: the worker commits chunk 1, then waits inside chunk 2's transaction.
    const batch = Array.from({ length: 5000 }, (_, i) => (i < 1000 ? ticket(`k-${i}`) : ticket(`k-${i}`, { showId: 'd1' }, 'duo')));
    const blocker = new pg.Client({ connectionString: ctx.databaseUrl });
    await blocker.connect();
    cleanup.push(() => blocker.end());
    await blocker.query('BEGIN');
    await blocker.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [tenant.tenantId, 'duo']);

    const accepted = await call(ctx, tenant.apiKey, 'POST', '/v1/tickets', batch);
    expect(accepted.status).toBe(200);
    const jobId: string = accepted.body.data.jobId;
    const job = () => ctx.deps.db.selectFrom('ingestion_jobs').select(['status', 'processed', 'succeeded', 'failed', 'total']).where('id', '=', jobId).executeTakeFirstOrThrow();

    const first = startWorker(ctx.databaseUrl);
    cleanup.push(() => {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
    });
    const midway = await waitFor(async () => {
      const j = await job();
      return j.processed > 0 ? j : undefined;
    }, 60_000);
    expect(midway.processed).toBeGreaterThan(0);
    expect(midway.processed).toBeLessThan(5000);
    expect(midway.status).toBe('RUNNING');

    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    await blocker.query('COMMIT');

    const second = startWorker(ctx.databaseUrl);
    cleanup.push(() => {
      if (second.child.exitCode === null) second.child.kill('SIGKILL');
    });
    // The second worker takes the job over once the dead worker's lease has run out.
    const done = await waitFor(async () => {
      const j = await job();
      return j.status === 'COMPLETED' ? j : undefined;
    }, 90_000);
    expect(done).toEqual({ status: 'COMPLETED', processed: 5000, succeeded: 5000, failed: 0, total: 5000 });

    const { rows } = await sql<{ tickets: number; distinct_ids: number; created: number; created_distinct: number }>`
      SELECT (SELECT count(*)::int FROM tickets WHERE tenant_id = ${tenant.tenantId}) AS tickets,
             (SELECT count(DISTINCT ticket_id)::int FROM tickets WHERE tenant_id = ${tenant.tenantId}) AS distinct_ids,
             (SELECT count(*)::int FROM ticket_history WHERE tenant_id = ${tenant.tenantId} AND kind = 'CREATED') AS created,
             (SELECT count(DISTINCT ticket_id)::int FROM ticket_history WHERE tenant_id = ${tenant.tenantId} AND kind = 'CREATED') AS created_distinct`.execute(ctx.deps.db);
    expect(rows[0]).toEqual({ tickets: 5000, distinct_ids: 5000, created: 5000, created_distinct: 5000 });

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 180_000);
});
