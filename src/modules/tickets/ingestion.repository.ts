import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../db/tx.js';
import type { IngestionJobStatus } from './tickets.states.js';
import type { IngestionJobsTable } from './tickets.tables.js';

export type JobRow = Selectable<IngestionJobsTable>;
export type JobSummaryRow = Omit<JobRow, 'payload'>;

export interface ClaimedJob {
  tenant_id: string;
  id: string;
  total: number;
  processed: number;
  payload: unknown;
  actor: string;
  actor_key_id: string | null;
  attempts: number;
}

export interface ClaimParams {
  token: string;
  leaseSeconds: number;
  now: Date;
  from: IngestionJobStatus[];
  /** Jobs whose batch the claimer holds in memory: their payload is not sent back. */
  inMemory: string[];
}

export interface JobError {
  index: number;
  ticketId: string | null;
  code: string;
  message: string;
  field?: string;
}

/** The claimed job; its payload only when the claimer does not hold it in memory already (`inMemory`: job ids). */
const claimReturning = (inMemory: string[]) =>
  sql`tenant_id, id, total, processed, CASE WHEN id = ANY(${inMemory}::text[]) THEN NULL ELSE payload END AS payload, actor, actor_key_id, attempts`;

/**
 * Lease times are database time (`now()`), not the business clock: they only decide which worker
 * may work on a job, and every worker process must agree on them.
 */
export const ingestionRepository = {
  async insertJob(ex: Executor, row: Insertable<IngestionJobsTable>): Promise<void> {
    await ex.insertInto('ingestion_jobs').values(row).execute();
  },

  async findJob(ex: Executor, tenantId: string, id: string): Promise<JobSummaryRow | undefined> {
    return ex
      .selectFrom('ingestion_jobs')
      .select([
        'tenant_id', 'id', 'status', 'total', 'processed', 'succeeded', 'failed', 'errors', 'actor', 'actor_key_id',
        'lease_token', 'lease_until', 'attempts', 'created_at', 'started_at', 'completed_at',
      ])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  },

  /** Whether the job is unfinished and some worker holds a live lease on it (then: when it ends). */
  async leaseOf(ex: Executor, tenantId: string, id: string): Promise<{ status: IngestionJobStatus; live: boolean; until: Date | null } | undefined> {
    const { rows } = await sql<{ status: IngestionJobStatus; live: boolean; lease_until: Date | null }>`
      SELECT status, coalesce(lease_until > now(), false) AS live, lease_until
      FROM ingestion_jobs WHERE tenant_id = ${tenantId} AND id = ${id}`.execute(ex);
    const row = rows[0];
    return row && { status: row.status, live: row.live, until: row.lease_until };
  },

  /**
   * Takes the job for `leaseSeconds` if it is unfinished and nobody holds a live lease on it
   * (`from`: the states that may move to RUNNING). The row lock of the UPDATE makes two claimers
   * of one job take turns; the second then sees the first's lease.
   */
  async claim(
    ex: Executor,
    tenantId: string,
    id: string,
    p: ClaimParams,
  ): Promise<ClaimedJob | undefined> {
    const { rows } = await sql<ClaimedJob>`
      UPDATE ingestion_jobs
      SET status = 'RUNNING', lease_token = ${p.token}, lease_until = now() + make_interval(secs => ${p.leaseSeconds}),
          attempts = attempts + 1, started_at = coalesce(started_at, ${p.now}::timestamptz)
      WHERE tenant_id = ${tenantId} AND id = ${id} AND status = ANY(${p.from}::text[])
        AND (lease_until IS NULL OR lease_until < now())
      RETURNING ${claimReturning(p.inMemory)}`.execute(ex);
    return rows[0];
  },

  /** The oldest unfinished job of any tenant that no live worker holds (SKIP LOCKED: claimers never wait on each other). */
  async claimNext(ex: Executor, p: ClaimParams): Promise<ClaimedJob | undefined> {
    const { rows } = await sql<ClaimedJob>`
      UPDATE ingestion_jobs
      SET status = 'RUNNING', lease_token = ${p.token}, lease_until = now() + make_interval(secs => ${p.leaseSeconds}),
          attempts = attempts + 1, started_at = coalesce(started_at, ${p.now}::timestamptz)
      WHERE (tenant_id, id) = (
        SELECT tenant_id, id FROM ingestion_jobs
        WHERE status = ANY(${p.from}::text[]) AND (lease_until IS NULL OR lease_until < now())
        ORDER BY created_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      RETURNING ${claimReturning(p.inMemory)}`.execute(ex);
    return rows[0];
  },

  /**
   * Records one processed chunk, in the chunk's transaction, and renews the lease — only if this
   * worker still holds the lease and nobody recorded this chunk meanwhile (`processed` as expected).
   * Undefined otherwise: the caller rolls the chunk back and stops.
   */
  async commitChunk(
    ex: Executor,
    tenantId: string,
    id: string,
    p: { token: string; leaseSeconds: number; expectedProcessed: number; processed: number; succeeded: number; failed: number; errors: JobError[]; completedAt: Date | null },
  ): Promise<{ succeeded: number; failed: number; total: number } | undefined> {
    const done = p.completedAt !== null;
    const { rows } = await sql<{ succeeded: number; failed: number; total: number }>`
      UPDATE ingestion_jobs
      SET processed = ${p.processed}, succeeded = succeeded + ${p.succeeded}, failed = failed + ${p.failed},
          errors = CASE WHEN ${p.errors.length > 0}::boolean THEN errors || ${JSON.stringify(p.errors)}::jsonb ELSE errors END,
          status = CASE WHEN ${done}::boolean THEN 'COMPLETED' ELSE status END,
          completed_at = ${p.completedAt}::timestamptz,
          lease_token = CASE WHEN ${done}::boolean THEN NULL ELSE lease_token END,
          lease_until = CASE WHEN ${done}::boolean THEN NULL ELSE now() + make_interval(secs => ${p.leaseSeconds}) END
      WHERE tenant_id = ${tenantId} AND id = ${id} AND lease_token = ${p.token} AND processed = ${p.expectedProcessed}
      RETURNING succeeded, failed, total`.execute(ex);
    return rows[0];
  },

  async readPayload(ex: Executor, tenantId: string, id: string): Promise<unknown> {
    const row = await ex.selectFrom('ingestion_jobs').select('payload').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row?.payload;
  },

  /** A worker that hit an error lets go at once, so the retry need not wait for the lease to run out. */
  async releaseLease(ex: Executor, tenantId: string, id: string, token: string): Promise<void> {
    await ex
      .updateTable('ingestion_jobs')
      .set({ lease_token: null, lease_until: null })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('lease_token', '=', token)
      .execute();
  },

  async markFailed(ex: Executor, tenantId: string, id: string, token: string, at: Date, error: JobError): Promise<JobSummaryRow | undefined> {
    return ex
      .updateTable('ingestion_jobs')
      .set((eb) => ({
        status: 'FAILED',
        completed_at: at,
        lease_token: null,
        lease_until: null,
        errors: sql`${eb.ref('errors')} || ${JSON.stringify([error])}::jsonb`,
      }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('lease_token', '=', token)
      .returning(['tenant_id', 'id', 'status', 'total', 'processed', 'succeeded', 'failed', 'errors', 'actor', 'actor_key_id', 'lease_token', 'lease_until', 'attempts', 'created_at', 'started_at', 'completed_at'])
      .executeTakeFirst();
  },
};
