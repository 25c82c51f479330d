import type { TicketBody } from './tickets.schemas.js';

/**
 * Batches this process has just accepted, kept parsed for its own workers: a worker of the same
 * process that claims the job takes the batch from here instead of reading the stored payload back
 * and parsing it again (that round trip was ~8% of ingestion's CPU). The database stays the source
 * of truth: anything missing here (another process accepted it, it was evicted, a retry) is read
 * from `ingestion_jobs.payload`.
 *
 * Bounded in tickets and in age, so memory stays small even when workers fall behind or another
 * process does the work. When full, new batches are simply not kept: workers take the oldest jobs
 * first, so the batches already here are the ones needed next.
 */
const MAX_TICKETS = 10_000;
const MAX_AGE_MS = 60_000;

interface Entry {
  batch: readonly TicketBody[];
  at: number;
}

const entries = new Map<string, Entry>();
let held = 0;

function drop(jobId: string, entry: Entry): void {
  entries.delete(jobId);
  held -= entry.batch.length;
}

function expire(now: number): void {
  // Map iteration is insertion order: the oldest come first.
  for (const [jobId, entry] of entries) {
    if (now - entry.at <= MAX_AGE_MS) break;
    drop(jobId, entry);
  }
}

/** Called once the job's transaction has committed. */
export function keepBatch(jobId: string, batch: readonly TicketBody[]): void {
  const now = Date.now();
  expire(now);
  if (held + batch.length > MAX_TICKETS) return;
  entries.set(jobId, { batch, at: now });
  held += batch.length;
}

/** Job ids whose batch is here (so the claim need not return their payload). */
export function heldJobIds(): string[] {
  expire(Date.now());
  return [...entries.keys()];
}

/** The batch, removed from the hand-off; undefined when it is not (or no longer) here. */
export function takeBatch(jobId: string): readonly TicketBody[] | undefined {
  const entry = entries.get(jobId);
  if (!entry) return undefined;
  drop(jobId, entry);
  return entry.batch;
}
