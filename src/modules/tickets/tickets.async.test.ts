import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/fake-receiver.js';
import { useContext } from '../../../test/harness.js';
import { addWebhookEndpoint, call, countTickets, createEvents, ticket, webhooksOf, type Dyn } from './tickets.fixtures.js';

describe('POST /v1/tickets (asynchronous) and GET /v1/jobs/:jobId', () => {
  const ctx = useContext({ workers: true });
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  let key: string;

  const completed = (jobId: string, k = key) =>
    waitFor(async () => {
      const res = await call(ctx, k, 'GET', `/v1/jobs/${jobId}`);
      const data = res.body.data;
      return data?.status === 'COMPLETED' ? (data as Record<string, Dyn>) : undefined;
    }, 30_000);

  beforeAll(async () => {
    tenant = await ctx.createTenant('async');
    key = tenant.apiKey;
    await createEvents(ctx, key);
    await addWebhookEndpoint(ctx, key);
  });

  it('accepts 5,000 tickets at once, stores the batch with its job, and a worker ingests them all', async () => {
    const batch: Record<string, unknown>[] = Array.from({ length: 5000 }, (_, i) => ticket(`a-${i}`, { price: 30, orderId: `o-${i >> 2}` }));
    batch[10] = ticket('a-10', { ticketOptionId: 'nope' });
    batch[4321] = ticket('a-4321', { externalReferenceEventId: 'ghost' });
    const res = await call(ctx, key, 'POST', '/v1/tickets', batch);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ jobId: expect.stringMatching(/^job_/), accepted: 5000 });
    const jobId: string = res.body.data.jobId;

    // The batch and its pg-boss job were committed together.
    const stored = await ctx.deps.db.selectFrom('ingestion_jobs').select(['total', 'actor']).where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(stored).toEqual({ total: 5000, actor: `key:${tenant.keyId}` });
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'tickets-ingest' AND data->>'jobId' = ${jobId}`.execute(ctx.deps.db);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(1);

    const job = await completed(jobId);
    expect(job).toMatchObject({ jobId, status: 'COMPLETED', total: 5000, processed: 5000, succeeded: 4998, failed: 2 });
    expect(job.errors).toEqual([
      { index: 10, ticketId: 'a-10', code: 'UNKNOWN_REFERENCE', message: expect.any(String), field: '[10].ticketOptionId' },
      { index: 4321, ticketId: 'a-4321', code: 'EVENT_NOT_FOUND', message: expect.any(String), field: '[4321].externalReferenceEventId' },
    ]);
    expect(job.startedAt).toEqual(expect.any(String));
    expect(job.completedAt).toEqual(expect.any(String));
    expect(await countTickets(ctx, tenant.tenantId)).toBe(4998);
    const history = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ticket_history WHERE tenant_id = ${tenant.tenantId} AND kind = 'CREATED'`.execute(ctx.deps.db);
    expect(history.rows[0]!.n).toBe(4998);

    const hooks = (await webhooksOf(ctx, tenant.tenantId, 'job.completed')).filter((h) => h.message.data.jobId === jobId);
    expect(hooks).toEqual([{ message: { family: 'job', action: 'job.completed', data: { jobId, total: 5000, succeeded: 4998, failed: 2 } } }]);
  });

  it('re-sending the same batch creates nothing and reports every ticket as a success', async () => {
    const batch = Array.from({ length: 20 }, (_, i) => ticket(`again-${i}`));
    const first = await completed((await call(ctx, key, 'POST', '/v1/tickets', batch)).body.data.jobId);
    const second = await completed((await call(ctx, key, 'POST', '/v1/tickets', batch)).body.data.jobId);
    expect(first).toMatchObject({ succeeded: 20, failed: 0 });
    expect(second).toMatchObject({ succeeded: 20, failed: 0, errors: [] });
    const changed = batch.map((t) => ({ ...t, buyer: 'new-owner@fans.example' }));
    const third = await completed((await call(ctx, key, 'POST', '/v1/tickets', changed)).body.data.jobId);
    expect(third).toMatchObject({ succeeded: 0, failed: 20 });
    expect(third.errors.every((e: Dyn) => e.code === 'TICKET_EXISTS')).toBe(true);
  });

  it('validates the envelope: 400 naming [i].field, nothing stored', async () => {
    const jobsBefore = await ctx.deps.db.selectFrom('ingestion_jobs').select('id').execute();
    const cases: [unknown, string, code?: string][] = [
      [[], 'body'],
      [{ ticketId: 'x' }, 'body'],
      [[ticket('v-1'), ticket('v-2', { ticketAccess: { type: 'URL', locator: '' } })], '[1].ticketAccess.locator'],
      [[ticket('v-1', { unknown: 1 })], '[0].unknown', 'UNKNOWN_FIELD'],
      [[ticket('v-1', { orderId: 'a\u0000b' })], '[0].orderId'],
      [Array.from({ length: 5001 }, (_, i) => ticket(`v-${i}`)), 'body'],
    ];
    for (const [body, field, code] of cases) {
      // Unknown fields are refused only under Encore-Strict (otherwise ignored: see the next test).
      const res = await call(ctx, key, 'POST', '/v1/tickets', body, code === 'UNKNOWN_FIELD' ? { headers: { 'encore-strict': 'true' } } : {});
      expect(res.status).toBe(400);
      expect(res.body.errors!.map((e) => e.field)).toContain(field);
      if (code) expect(res.body.errors![0]!.code).toBe(code);
    }
    expect(await ctx.deps.db.selectFrom('ingestion_jobs').select('id').execute()).toHaveLength(jobsBefore.length);
  });

  it('ignores unknown fields without Encore-Strict: named in the header, neither stored with the batch nor on the ticket', async () => {
    const res = await call(ctx, key, 'POST', '/v1/tickets', [ticket('u-1', { unknown: 1, ticketAccess: { type: 'URL', locator: 'https://t.example/u-1', colour: 'red' } })]);
    expect(res.status).toBe(200);
    expect(res.headers['encore-ignored-fields']).toBe('[0].unknown, [0].ticketAccess.colour');
    const { jobId } = res.body.data;
    const stored = await ctx.deps.db.selectFrom('ingestion_jobs').select('payload').where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.payload)).not.toMatch(/unknown|colour/);
    expect(await completed(jobId)).toMatchObject({ succeeded: 1, failed: 0 });
    const read = await call(ctx, key, 'GET', '/v1/tickets/u-1');
    expect(read.body.data.ticketAccess).toMatchObject({ type: 'URL', locator: 'https://t.example/u-1' });
    expect(JSON.stringify(read.body.data)).not.toMatch(/unknown|colour/);
  });

  it('keeps jobs private: 404 JOB_NOT_FOUND for another tenant’s job and for unknown ids; 401 without a key', async () => {
    const { jobId } = (await call(ctx, key, 'POST', '/v1/tickets', [ticket('p-1')])).body.data;
    const other = await ctx.createTenant('other');
    const theirs = await call(ctx, other.apiKey, 'GET', `/v1/jobs/${jobId}`);
    expect(theirs.status).toBe(404);
    expect(theirs.body.errors![0]!.code).toBe('JOB_NOT_FOUND');
    expect((await call(ctx, key, 'GET', '/v1/jobs/job_nope')).status).toBe(404);
    expect((await call(ctx, undefined, 'GET', `/v1/jobs/${jobId}`)).status).toBe(401);
    expect((await call(ctx, undefined, 'POST', '/v1/tickets', [ticket('p-2')])).status).toBe(401);
    await completed(jobId);
  });
});
