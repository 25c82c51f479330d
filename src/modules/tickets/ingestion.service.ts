import { randomBytes } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import { withTx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { newId } from '../../lib/ids.js';
import type { Actor } from '../audit/index.js';
import { emitWebhook } from '../webhooks/index.js';
import { heldJobIds, keepBatch, takeBatch } from './ingestion.handoff.js';
import { ingestionRepository as repo, type ClaimedJob, type JobError, type JobSummaryRow } from './ingestion.repository.js';
import type { JobView, TicketBody } from './tickets.schemas.js';
import { ingestInTx, type IngestResult } from './tickets.ingest.js';
import { INGESTION_JOB_STATES, statesLeadingTo } from './tickets.states.js';

/**
 * Asynchronous ingestion (POST /v1/tickets). The batch is stored in `ingestion_jobs` together with
 * a pg-boss job in one transaction, so an accepted batch is never lost. Workers then ingest it in
 * chunks, each chunk's tickets and the job's counters committed together: after a crash the job
 * resumes from `processed`, and a chunk is never counted twice.
 *
 * pg-boss is the doorbell, the `ingestion_jobs` table is the queue: a worker takes a job with a
 * lease (renewed with every chunk) and, when done, keeps taking the oldest unfinished jobs until
 * none is left or its time budget is spent. So throughput is not bound by pg-boss's polling
 * interval, and a job whose worker died (its lease ran out) is taken over. Every claim schedules a
 * check-back doorbell for after the lease, which is what finds a job abandoned by a crash.
 */

export const INGEST_JOB = 'tickets-ingest';
/** Tickets per chunk: one transaction, one INSERT statement. */
export const JOB_CHUNK = 1000;
const LEASE_SECONDS = 20;
const CHECK_BACK_MARGIN_MS = 5_000;
/** How long one doorbell keeps a worker taking further jobs before it yields to other queues. */
const PUMP_BUDGET_MS = 60_000;
/** Claims of one job (crashes, errors) after which it is FAILED rather than retried forever. */
const MAX_ATTEMPTS = 8;
/**
 * Jobs one process works on at once: while some chunks are in PostgreSQL, another is validated and
 * hashed in Node, so neither waits for the other (measured: 2 → 4 took the 2-core benchmark machine
 * from ~12,700 to ~14,800 tickets/s under the same load).
 */
const PUMP_CONCURRENCY = 4;

const CLAIMABLE = statesLeadingTo(INGESTION_JOB_STATES, 'RUNNING');

export interface IngestTrigger {
  tenantId: string;
  jobId: string;
}

class LeaseLost extends Error {}

/**
 * Stores a batch for ingestion. The tickets must already have passed the ticket schema and the
 * string checks (the route validates the whole batch first): the worker does not check them again.
 */
export async function createIngestionJob(
  deps: Pick<Deps, 'db' | 'clock' | 'queue'>,
  actor: Actor,
  tickets: readonly TicketBody[],
  rawPayload?: string,
): Promise<{ jobId: string; accepted: number }> {
  const accepted = await withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const jobId = newId('job', now.getTime());
    await repo.insertJob(tx, {
      tenant_id: actor.tenantId,
      id: jobId,
      status: 'QUEUED',
      total: tickets.length,
      // The request body as received when the route has it: stored verbatim, never re-serialised.
      payload: rawPayload ?? JSON.stringify(tickets),
      actor: actor.label,
      actor_key_id: actor.keyId ?? null,
      created_at: now,
    });
    await deps.queue.send(tx, INGEST_JOB, { tenantId: actor.tenantId, jobId } satisfies IngestTrigger);
    return { jobId, accepted: tickets.length };
  });
  keepBatch(accepted.jobId, tickets);
  return accepted;
}

export function jobView(row: JobSummaryRow): JobView {
  return {
    jobId: row.id,
    status: row.status,
    total: row.total,
    processed: row.processed,
    succeeded: row.succeeded,
    failed: row.failed,
    errors: row.errors as JobError[],
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    completedAt: row.completed_at?.toISOString() ?? null,
  };
}

export async function getJob(deps: Pick<Deps, 'db'>, tenantId: string, jobId: string): Promise<JobView> {
  const row = await repo.findJob(deps.db, tenantId, jobId);
  if (!row) throw new AppError('JOB_NOT_FOUND', `job ${jobId} does not exist`);
  return jobView(row);
}

function checkBackAt(): Date {
  // pg-boss compares startAfter with the database clock: wall time, not the business clock.
  return new Date(Date.now() + LEASE_SECONDS * 1000 + CHECK_BACK_MARGIN_MS);
}

/** Claim (by id, or the oldest claimable job) and schedule the check-back, in one transaction. */
async function claim(deps: Deps, token: string, trigger?: IngestTrigger): Promise<ClaimedJob | undefined> {
  return withTx(deps.db, async (tx) => {
    const p = { token, leaseSeconds: LEASE_SECONDS, now: deps.clock.now(), from: CLAIMABLE, inMemory: heldJobIds() };
    const job = trigger ? await repo.claim(tx, trigger.tenantId, trigger.jobId, p) : await repo.claimNext(tx, p);
    if (job) await deps.queue.send(tx, INGEST_JOB, { tenantId: job.tenant_id, jobId: job.id } satisfies IngestTrigger, { startAfter: checkBackAt() });
    return job;
  });
}

function errorOf(index: number, r: IngestResult): JobError {
  const issue = r.issue!;
  return {
    index,
    ticketId: r.ticketId,
    code: issue.code,
    message: issue.message,
    field: issue.field ? `[${index}].${issue.field}` : `[${index}]`,
  };
}

async function failJob(deps: Deps, job: ClaimedJob, token: string): Promise<void> {
  await withTx(deps.db, async (tx) => {
    const error: JobError = { index: job.processed, ticketId: null, code: 'INTERNAL_ERROR', message: `the job failed ${job.attempts - 1} times and was abandoned` };
    const row = await repo.markFailed(tx, job.tenant_id, job.id, token, deps.clock.now(), error);
    if (row) {
      await emitWebhook(tx, deps, job.tenant_id, {
        family: 'job',
        action: 'failed',
        data: { jobId: job.id, total: row.total, processed: row.processed, succeeded: row.succeeded, failed: row.failed },
      });
    }
  });
}

/** Ingests the claimed job from where it stands, chunk by chunk, while this worker holds the lease. */
async function processJob(deps: Deps, job: ClaimedJob, token: string): Promise<void> {
  if (job.attempts > MAX_ATTEMPTS) return failJob(deps, job, token);
  const held = takeBatch(job.id);
  const stored = job.payload ?? held ?? (await repo.readPayload(deps.db, job.tenant_id, job.id));
  const payload = (typeof stored === 'string' ? JSON.parse(stored) : stored) as unknown[];
  const actor: Actor = { tenantId: job.tenant_id, label: job.actor, ...(job.actor_key_id ? { keyId: job.actor_key_id } : {}) };
  let processed = job.processed;
  try {
    while (processed < job.total) {
      const from = processed;
      const chunk = payload.slice(from, from + JOB_CHUNK);
      await withTx(deps.db, async (tx) => {
        // The route validated every ticket of the batch (schema and strings) before storing it.
        const results = await ingestInTx(tx, deps, actor, chunk, { via: 'async', jobId: job.id, validated: true });
        const errors: JobError[] = [];
        results.forEach((r, k) => {
          if (r.status === 'ERROR') errors.push(errorOf(from + k, r));
        });
        const done = from + chunk.length >= job.total;
        const counts = await repo.commitChunk(tx, job.tenant_id, job.id, {
          token,
          leaseSeconds: LEASE_SECONDS,
          expectedProcessed: from,
          processed: from + chunk.length,
          succeeded: chunk.length - errors.length,
          failed: errors.length,
          errors,
          completedAt: done ? deps.clock.now() : null,
        });
        if (!counts) throw new LeaseLost();
        if (done) {
          await emitWebhook(tx, deps, job.tenant_id, {
            family: 'job',
            action: 'completed',
            data: { jobId: job.id, total: counts.total, succeeded: counts.succeeded, failed: counts.failed },
          });
        }
      });
      processed = from + chunk.length;
    }
  } catch (err) {
    if (err instanceof LeaseLost) return; // another worker took over: it carries on
    await repo.releaseLease(deps.db, job.tenant_id, job.id, token).catch(() => {});
    throw err;
  }
}

/**
 * The pg-boss handler. Works on the job it was rung for, if it can take it; schedules a later
 * check when another worker holds it; then takes further unfinished jobs, oldest first.
 */
export async function runIngestion(deps: Deps, trigger: IngestTrigger, budgetMs = PUMP_BUDGET_MS): Promise<void> {
  const started = Date.now();
  const newToken = (): string => randomBytes(12).toString('base64url');
  const firstToken = newToken();
  let job = await claim(deps, firstToken, trigger);
  if (!job) {
    const lease = await repo.leaseOf(deps.db, trigger.tenantId, trigger.jobId);
    // Someone works on it now: look again after its lease, in case that worker dies.
    if (lease?.live) await deps.queue.send(deps.db, INGEST_JOB, trigger, { startAfter: checkBackAt() });
    // Any other job left behind (its doorbell taken by a worker that died before claiming it).
    job = await claim(deps, firstToken);
  }
  if (!job) return;
  // Each pump holds its jobs under its own lease token.
  const pump = async (token: string, first: ClaimedJob | undefined): Promise<void> => {
    let current = first ?? (await claim(deps, token));
    while (current) {
      await processJob(deps, current, token);
      if (Date.now() - started > budgetMs) return;
      current = await claim(deps, token);
    }
  };
  const outcomes = await Promise.allSettled([pump(firstToken, job), ...Array.from({ length: PUMP_CONCURRENCY - 1 }, () => pump(newToken(), undefined))]);
  // Every pump has stopped before the doorbell reports: a failure is then retried by pg-boss.
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
}

export function registerIngestionJobs(deps: Deps): void {
  deps.queue.register<IngestTrigger>(INGEST_JOB, (data) => runIngestion(deps, data), { retryLimit: 5, retryDelaySeconds: 5, batchSize: 10 });
}
