import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { takeBatch } from './ingestion.handoff.js';
import { createIngestionJob, getJob, runIngestion } from './ingestion.service.js';
import { ingestTickets } from './tickets.ingest.js';
import { countTickets, createEvents, ticket as anyTicket } from './tickets.fixtures.js';
import type { TicketBody } from './tickets.schemas.js';

/** Valid tickets (what the route hands to the job). */
const ticket = (id: string): TicketBody => anyTicket(id) as unknown as TicketBody;

/**
 * The job worker's crash semantics, driven directly (no pg-boss workers in this process): resume
 * from the last committed chunk, no duplicates, one worker per job at a time.
 */
describe('ingestion jobs: resume, leases, idempotent chunks', () => {
  const ctx = useContext();
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  const actor = () => ({ tenantId: tenant.tenantId, keyId: tenant.keyId, label: `key:${tenant.keyId}` });

  const createdRows = async (prefix: string) =>
    (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM ticket_history WHERE tenant_id = ${tenant.tenantId} AND kind = 'CREATED' AND ticket_id LIKE ${`${prefix}%`}`.execute(ctx.deps.db)
    ).rows[0]!.n;

  beforeAll(async () => {
    tenant = await ctx.createTenant('ingest');
    await createEvents(ctx, tenant.apiKey);
  });

  it('resumes a job whose worker died after some chunks, from the last committed chunk', async () => {
    const batch = Array.from({ length: 3500 }, (_, i) => ticket(`res-${i}`));
    const { jobId } = await createIngestionJob(ctx.deps, actor(), batch);
    // A worker took the job, committed the first chunk (tickets and counters together) and died.
    await ingestTickets(ctx.deps, actor(), batch.slice(0, 1000), { via: 'async', jobId });
    await ctx.deps.db
      .updateTable('ingestion_jobs')
      .set({ status: 'RUNNING', processed: 1000, succeeded: 1000, lease_token: 'dead-worker', lease_until: sql<Date>`now() - interval '1 second'`, attempts: 1 })
      .where('id', '=', jobId)
      .execute();

    await runIngestion(ctx.deps, { tenantId: tenant.tenantId, jobId });
    const job = await getJob(ctx.deps, tenant.tenantId, jobId);
    expect(job).toMatchObject({ status: 'COMPLETED', total: 3500, processed: 3500, succeeded: 3500, failed: 0 });
    expect(await createdRows('res-')).toBe(3500);
  });

  it('reads the stored batch back when this process does not hold it (accepted by another process)', async () => {
    const batch = Array.from({ length: 1200 }, (_, i) => ticket(`far-${i}`));
    const { jobId } = await createIngestionJob(ctx.deps, actor(), batch, JSON.stringify(batch));
    expect(takeBatch(jobId)).toHaveLength(1200); // as if another API process had accepted it
    await runIngestion(ctx.deps, { tenantId: tenant.tenantId, jobId });
    expect(await getJob(ctx.deps, tenant.tenantId, jobId)).toMatchObject({ status: 'COMPLETED', processed: 1200, succeeded: 1200 });
    expect(await createdRows('far-')).toBe(1200);
  });

  it('replaying a chunk whose tickets were written but not counted changes nothing and counts them once', async () => {
    const batch = Array.from({ length: 1500 }, (_, i) => ticket(`rep-${i}`));
    const { jobId } = await createIngestionJob(ctx.deps, actor(), batch);
    // As if a chunk's tickets were visible without its counters (they never are: same transaction).
    await ingestTickets(ctx.deps, actor(), batch.slice(0, 1000), { via: 'async', jobId });
    await runIngestion(ctx.deps, { tenantId: tenant.tenantId, jobId });
    expect(await getJob(ctx.deps, tenant.tenantId, jobId)).toMatchObject({ status: 'COMPLETED', processed: 1500, succeeded: 1500, failed: 0 });
    expect(await createdRows('rep-')).toBe(1500);
  });

  it('leaves a job alone while another worker holds a live lease, and takes it over once the lease runs out', async () => {
    const { jobId } = await createIngestionJob(ctx.deps, actor(), [ticket('lease-1'), ticket('lease-2')]);
    await ctx.deps.db
      .updateTable('ingestion_jobs')
      .set({ status: 'RUNNING', lease_token: 'busy-worker', lease_until: sql<Date>`now() + interval '1 minute'`, attempts: 1 })
      .where('id', '=', jobId)
      .execute();
    await runIngestion(ctx.deps, { tenantId: tenant.tenantId, jobId });
    expect(await getJob(ctx.deps, tenant.tenantId, jobId)).toMatchObject({ status: 'RUNNING', processed: 0 });
    // A check-back was scheduled for after the lease.
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'tickets-ingest' AND data->>'jobId' = ${jobId} AND start_after > now()`.execute(ctx.deps.db);
    expect(rows[0]!.n).toBe(1);

    await ctx.deps.db.updateTable('ingestion_jobs').set({ lease_until: sql<Date>`now() - interval '1 second'` }).where('id', '=', jobId).execute();
    await runIngestion(ctx.deps, { tenantId: tenant.tenantId, jobId });
    expect(await getJob(ctx.deps, tenant.tenantId, jobId)).toMatchObject({ status: 'COMPLETED', processed: 2, succeeded: 2 });
  });

  it('two workers on one job at once: one ingests, counters are not doubled', async () => {
    const batch = Array.from({ length: 2500 }, (_, i) => ticket(`race-${i}`));
    const { jobId } = await createIngestionJob(ctx.deps, actor(), batch);
    const trigger = { tenantId: tenant.tenantId, jobId };
    await Promise.all([runIngestion(ctx.deps, trigger), runIngestion(ctx.deps, trigger)]);
    expect(await getJob(ctx.deps, tenant.tenantId, jobId)).toMatchObject({ status: 'COMPLETED', processed: 2500, succeeded: 2500, failed: 0 });
    expect(await createdRows('race-')).toBe(2500);
  });

  it('a doorbell for a finished job takes the oldest unfinished job instead (one left behind by a dead worker)', async () => {
    const done = await createIngestionJob(ctx.deps, actor(), [ticket('bell-1')]);
    await runIngestion(ctx.deps, { tenantId: tenant.tenantId, jobId: done.jobId });
    const orphan = await createIngestionJob(ctx.deps, actor(), [ticket('bell-2')]);
    await runIngestion(ctx.deps, { tenantId: tenant.tenantId, jobId: done.jobId });
    expect(await getJob(ctx.deps, tenant.tenantId, orphan.jobId)).toMatchObject({ status: 'COMPLETED', succeeded: 1 });
  });

  it('gives up on a job that keeps failing, as FAILED', async () => {
    const { jobId } = await createIngestionJob(ctx.deps, actor(), [ticket('poison-1')]);
    await ctx.deps.db.updateTable('ingestion_jobs').set({ attempts: 8 }).where('id', '=', jobId).execute();
    await runIngestion(ctx.deps, { tenantId: tenant.tenantId, jobId });
    const job = await getJob(ctx.deps, tenant.tenantId, jobId);
    expect(job).toMatchObject({ status: 'FAILED', processed: 0, errors: [expect.objectContaining({ code: 'INTERNAL_ERROR' })] });
    expect(await countTickets(ctx, tenant.tenantId)).toBeGreaterThan(0);
  });
});
